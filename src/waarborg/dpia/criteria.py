"""The screening: WP248's nine criteria and the AP's seventeen categories, read from the dated
data file, what the register already says about them, and the outcome they lead to.

Outcome (Art. 35(1) and (4) GDPR): a category of the AP's list (Stcrt. 2019, 64418) means a
DPIA is required; two or more WP248 criteria mean one is needed in most cases; one criterion
makes it advisable; none, not needed.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils import translation
from django.utils.translation import gettext as _

DATA_FILE = Path(__file__).parent / "data" / "criteria.yaml"

NOT_SCREENED, NOT_NEEDED, ADVISABLE, NEEDED = "not_screened", "not_needed", "advisable", "needed"

CAMERA = "user.content.self_image.camera"
# Groups of people who can hardly refuse or defend themselves (WP248, criterion 7).
VULNERABLE_GROUPS = {"employee", "job_applicant", "patient"}


@dataclass(frozen=True)
class Criterion:
    list: str  # "wp248" or "ap"
    code: str
    title: dict
    explanation: dict
    number: int

    @property
    def id(self):
        return f"{self.list}.{self.code}"

    def text(self, part, language=None):
        language = (language or translation.get_language() or "nl")[:2]
        values = getattr(self, part)
        return values.get(language) or values["nl"]

    @property
    def label(self):
        return self.text("title")

    @property
    def help(self):
        return self.text("explanation")


@dataclass(frozen=True)
class Lists:
    checked_on: datetime.date
    wp248_source: str
    ap_source: str
    wp248: tuple
    ap: tuple

    @property
    def all(self):
        return self.wp248 + self.ap

    def get(self, criterion_id):
        return next((c for c in self.all if c.id == criterion_id), None)


@cache
def load():
    """The two lists from the data file shipped with Waarborg."""
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))

    def criteria(name, entries):
        return tuple(
            Criterion(name, e["code"], e["title"], e["explanation"], number)
            for number, e in enumerate(entries, start=1)
        )

    return Lists(
        checked_on=data["checked_on"],
        wp248_source=data["wp248"]["source"],
        ap_source=data["ap"]["source"],
        wp248=criteria("wp248", data["wp248"]["criteria"]),
        ap=criteria("ap", data["ap"]["categories"]),
    )


def prefill(activity):
    """{criterion id: the reason the register suggests "yes"}, for the criteria it knows.

    Read from the activity as it is now: special categories, criminal data and national
    numbers (WP248 sensitive data), automated decisions, employees and other vulnerable
    groups, camera images (systematic monitoring, and the AP's camera category), precise
    location, biometric and genetic data.
    """
    categories = list(activity.data_categories.all())
    codes = {term.code for term in categories}
    groups = {term.code: term for term in activity.data_subjects.all()}
    found = {}
    sensitive = [t.label() for t in categories if t.special or t.criminal or t.national_id]
    if sensitive:
        found["wp248.sensitive"] = ", ".join(sensitive)
    if activity.automated_decisions:
        found["wp248.automated_decision"] = _("automated decision-making is recorded")
    vulnerable = [groups[code].label() for code in sorted(VULNERABLE_GROUPS & set(groups))]
    if vulnerable:
        found["wp248.vulnerable"] = ", ".join(vulnerable)
    labels = {t.code: t.label() for t in categories}
    if CAMERA in codes:
        found["wp248.systematic_monitoring"] = labels[CAMERA]
        found["ap.camera_surveillance"] = labels[CAMERA]
        if "employee" in groups:
            found["ap.employee_monitoring"] = labels[CAMERA]
    if "user.location.precise" in codes:
        found["ap.location_data"] = labels["user.location.precise"]
    if "user.biometric" in codes:
        found["ap.biometric_data"] = labels["user.biometric"]
    if "user.health_and_medical.genetic" in codes:
        found["ap.genetic_data"] = labels["user.health_and_medical.genetic"]
    return found


# What a screening does not depend on: the measures taken, review dates, the DPIA fields.
NOT_SCREENED_FIELDS = {
    "security_measures",
    "reviewed_at",
    "status",
    "dpia",
    "dpia_screened_on",
    "dpia_reason",
    "dpia_done_on",
}


def basis(activity):
    """A fingerprint of what a screening of `activity` rests on (its register entry without
    measures, review date and DPIA fields): a different one means screen it again."""
    from django.core.serializers.json import DjangoJSONEncoder

    from waarborg.register.schema import current_data

    data = {
        k: v
        for k, v in current_data("activities", activity).items()
        if k not in NOT_SCREENED_FIELDS
    }
    text = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def outcome(answers):
    """(outcome, the WP248 criteria met, the AP categories met) for {criterion id: bool}."""
    lists = load()
    met_wp248 = [c for c in lists.wp248 if answers.get(c.id)]
    met_ap = [c for c in lists.ap if answers.get(c.id)]
    if met_ap or len(met_wp248) >= 2:
        result = NEEDED
    elif met_wp248:
        result = ADVISABLE
    else:
        result = NOT_NEEDED
    return result, met_wp248, met_ap


def reason(answers, note=""):
    """Why the outcome is what it is, in the active language: the criteria met, the rule."""
    result, met_wp248, met_ap = outcome(answers)
    parts = []
    if met_ap:
        parts.append(
            _("On the AP's list of processing that always needs a DPIA: %(names)s.")
            % {"names": "; ".join(c.label for c in met_ap)}
        )
    if len(met_wp248) >= 2:
        parts.append(
            _("Meets %(count)s of the nine WP248 criteria: %(names)s.")
            % {"count": len(met_wp248), "names": "; ".join(c.label for c in met_wp248)}
        )
    elif met_wp248 and met_ap:
        parts.append(_("Also meets a WP248 criterion: %(name)s.") % {"name": met_wp248[0].label})
    elif met_wp248:
        parts.append(
            _("Meets one WP248 criterion (%(name)s): a DPIA is advisable when in doubt.")
            % {"name": met_wp248[0].label}
        )
    if result == NOT_NEEDED:
        parts.append(_("None of the nine WP248 criteria and none of the AP's categories apply."))
    if note.strip():
        parts.append(note.strip())
    return " ".join(parts)


def reason_texts(answers, note=""):
    """The reason in Dutch and English, as stored on the activity."""
    texts = {}
    for language in ("nl", "en"):
        with translation.override(language):
            texts[language] = reason(answers, note)
    return texts
