"""The notification to the supervisory authority, answered in the sections of the AP's form.

The form is a dated data file (`data/ap_form_<date>.yaml`); the newest one applies to new
notifications. Each answer is what the register entry records, written out for a person to
copy into the AP's web form: nothing is made up, and what is not recorded says so.
"""

from functools import cache
from pathlib import Path

import yaml
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.breaches import clock, risk
from waarborg.core.dates import format_moment
from waarborg.core.fields import translated

DATA = Path(__file__).parent / "data"


@cache
def load_form(name=None):
    """The form named `name`, or the newest one."""
    files = sorted(DATA.glob("ap_form_*.yaml"))
    if name:
        files = [f for f in files if f.stem == name] or files
    return yaml.safe_load(files[-1].read_text(encoding="utf-8"))


def _not_recorded():
    return _("not recorded")


def _joined(items):
    return ", ".join(str(i) for i in items) or _not_recorded()


def _answers(breach, kind, previous, language):
    from waarborg.breaches.models import Communication, Notification

    organisation = breach.organisation
    categories = list(breach.data_categories.all())
    score = risk.breach_severity(breach)
    first = breach.notification()
    submitted = first.submitted_at if first else None

    def delay():
        # late when submitted after the 72 hours, or, before the submission, when they are over
        if not clock.is_late(breach, submitted or timezone.now()):
            return _("no")
        if breach.delay_reason:
            return _("yes: %(reason)s") % {"reason": breach.delay_reason}
        return _("yes; the reason for the delay is not recorded yet (Art. 33(1))")

    def communication():
        if not breach.communication:
            return _("not decided yet")
        text = breach.get_communication_display()
        if breach.communication == Communication.EXEMPT and breach.exemption:
            text = f"{text}: {breach.get_exemption_display()}"
        if breach.communicated_at:
            text = f"{text} ({format_moment(breach.communicated_at)})"
        if breach.communication_note:
            text = f"{text}. {breach.communication_note}"
        return text

    def informing_decision():
        if not breach.high_risk_decision:
            return _("not decided yet")
        text = breach.get_high_risk_decision_display()
        return f"{text}: {breach.high_risk_reason}" if breach.high_risk_reason else text

    address = ", ".join(
        p for p in (organisation.street_address, organisation.postal_code, organisation.city) if p
    )

    def text(name):
        # For the authority, in the form's language, else the other: it must see every fact.
        return translated(getattr(breach, name), language)

    values = {
        "kind": Notification.Kind(kind).label,
        "reference": breach.reference,
        "previous_reference": (previous.authority_reference or _not_recorded())
        if previous
        else _("not applicable: a new notification"),
        "delay": delay(),
        "organisation": organisation.name,
        "kvk": organisation.kvk_number or _not_recorded(),
        "address": address or _not_recorded(),
        "contact": text("contact_point") or organisation.privacy_email or _not_recorded(),
        "dpo": ", ".join(p for p in (organisation.dpo_name, organisation.dpo_email) if p)
        or _("none appointed"),
        "started": format_moment(breach.started_at) if breach.started_at else _not_recorded(),
        "ended": _("still going on")
        if breach.ongoing
        else (format_moment(breach.ended_at) if breach.ended_at else _not_recorded()),
        "aware": format_moment(breach.aware_at),
        "discovered_how": breach.discovered_how or _not_recorded(),
        "description": text("description"),
        "nature": _joined(breach.natures()),
        "cause": breach.get_cause_display(),
        "processor": str(breach.processor) if breach.processor else _("none"),
        "systems": _joined(breach.systems.all()),
        "data_categories": _joined(c.label() for c in categories),
        "special": _joined(c.label() for c in categories if c.special or c.criminal)
        if any(c.special or c.criminal for c in categories)
        else _("no"),
        "national_id": _joined(c.label() for c in categories if c.national_id)
        if any(c.national_id for c in categories)
        else _("no"),
        "records": str(breach.records_count)
        if breach.records_count is not None
        else _not_recorded(),
        "encrypted": breach.get_encrypted_display() if breach.encrypted else _not_recorded(),
        "activities": _joined(breach.activities.all()),
        "data_subjects": _joined(s.label() for s in breach.data_subjects.all()),
        "people": str(breach.people_count) if breach.people_count is not None else _not_recorded(),
        "vulnerable": _("yes") if breach.vulnerable_people else _("no"),
        "measures_before": breach.measures_before or _not_recorded(),
        "consequences": text("consequences") or _not_recorded(),
        "severity": _("%(score)s (%(band)s)")
        % {"score": risk.score_text(score), "band": risk.BANDS[risk.band(score)]}
        if score is not None
        else _("not scored"),
        "measures_taken": text("measures_taken") or _not_recorded(),
        "measures_planned": text("measures_planned") or _not_recorded(),
        "communication": communication(),
        "informing_decision": informing_decision(),
        "people_contact": text("contact_point") or organisation.privacy_email or _not_recorded(),
        "advice": text("advice_to_people") or _not_recorded(),
        "cross_border": breach.cross_border or _("none recorded"),
    }
    return values


def refresh_answer(notification, key, language):
    """Write one answer of a stored version again from the breach as it is now (the delay,
    once the submission is recorded with its reason); the other answers stay as prepared."""
    form = load_form()
    if form["form"] != notification.form:
        return
    previous = (
        notification.breach.notifications.filter(
            version__lt=notification.version, submitted_at__isnull=False
        )
        .order_by("-version")
        .first()
    )
    with translation.override(language):
        value = str(_answers(notification.breach, notification.kind, previous, language)[key])
    for number, section in enumerate(form["sections"]):
        for place, question in enumerate(section["questions"]):
            if question["answer"] == key and number < len(notification.answers):
                stored = notification.answers[number]["questions"]
                if place < len(stored):
                    stored[place]["answer"] = value


def answer_sections(breach, kind, previous=None, language="nl"):
    """[{"title", "questions": [{"label", "answer"}]}] in `language`, ready to store."""
    form = load_form()
    with translation.override(language):
        values = _answers(breach, kind, previous, language)
        return [
            {
                "key": section["key"],
                "title": section["title"].get(language) or section["title"]["nl"],
                "questions": [
                    {
                        "label": q["label"].get(language) or q["label"]["nl"],
                        "answer": str(values[q["answer"]]),
                    }
                    for q in section["questions"]
                ],
            }
            for section in form["sections"]
        ]
