"""The privacy statement, built from a register snapshot (the register's YAML data).

Everything the statement says comes from the snapshot and the taxonomy labels: no fact is
written per organisation. Each Art. 13 element has its section; sections that do not apply
(no transfers, no consent) say so plainly or fall away where the law allows.
"""

from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.core.dates import humanise_duration, kept_for, period_in_words  # noqa: F401
from waarborg.core.fields import translated
from waarborg.core.models import Adequacy, TermKind
from waarborg.core.taxonomy import country_in_sentence
from waarborg.register.ropa import legal_basis_label

# Data categories and purposes that mean cookies or similar device techniques.
COOKIE_CATEGORIES = {"user.device.cookie_id", "user.device.device_id"}
INDIVIDUAL_RIGHTS_BASES = {"legitimate_interests", "public_task"}


@dataclass
class Activity:
    key: str
    name: str
    purpose: str
    purpose_kinds: list
    legal_basis: str
    legal_basis_code: str
    legal_basis_detail: str
    special_ground: str
    groups: list
    categories: list
    special_categories: list
    source_indirect: str
    recipients: list
    transfers: list
    retention: list
    requirement: str
    requirement_consequence: str
    automated: str
    cookies: bool


@dataclass
class Statement:
    language: str
    organisation: dict
    introduction: str
    closing: str
    notes: dict
    grouping: str
    groups: list  # [(title, [Activity])]
    activities: list
    recipients: list  # [(name, kind, country)]
    transfers: list  # [text]
    uses_consent: bool
    objection_activities: list
    direct_marketing: bool
    automated: list
    cookie_activities: list
    processor_for_clients: bool
    retention_rows: list = field(default_factory=list)
    cookie_rows: list = field(default_factory=list)
    cookies_need_consent: bool = False  # the scan found cookies beyond the strictly necessary
    security_technical: list = field(default_factory=list)  # [text]
    security_organisational: list = field(default_factory=list)
    certifications: str = ""
    own_label: str = ""  # set when publishing: the organisation's own version number
    effective_on: object = None  # and the date the statement takes effect


class Labels:
    """Labels of taxonomy codes in one language, from shipped and the organisation's terms."""

    def __init__(self, index, snapshot, language):
        self.language = language
        self.index = index
        self.own = {
            (term["kind"], term["code"]): term.get(language) or term["nl"]
            for term in snapshot.get("terms", [])
        }

    def __call__(self, kind, code):
        if (kind, code) in self.own:
            return self.own[(kind, code)]
        term = self.index.get(kind, code)
        return term.label(self.language) if term else code

    def term(self, kind, code):
        return self.index.get(kind, code)


def _retention_text(rule, groups=()):
    if rule["bound"] == "scheme":
        source = rule.get("legal_source", "")
        if not rule.get("duration"):
            return _("as long as %(source)s requires") % {"source": source}
        text = kept_for(rule["duration"], rule["trigger"], groups)
        return text + " (" + _("set by %(source)s") % {"source": source} + ")"
    text = kept_for(rule["duration"], rule["trigger"], groups)
    if rule["bound"] == "minimum":
        text += (
            " ("
            + _("required by law")
            + (f", {rule['legal_source']}" if rule.get("legal_source") else "")
            + ")"
        )
    stages = rule.get("stages") or []
    if stages:
        done = {"restrict": _("restricted"), "delete": _("deleted"), "anonymise": _("anonymised")}
        steps = [
            f"{done.get(stage['action'], stage['action'])} "
            f"{period_in_words(stage['duration'], stage['trigger'])}"
            for stage in stages
        ]
        text = "; ".join([*steps, text])
    return text


def role_of(kind):
    """A party's role as the statement names it: one word where the register's label explains."""
    return {
        "processor": _("processor"),
        "sub_processor": _("sub-processor"),
        "recipient": _("recipient"),
        "joint_controller": _("joint controller"),
        "client_controller": _("our client"),
        "authority": _("public authority"),
    }.get(kind, kind)


def named_with_role(name, role):
    """'DHL Parcel (ontvanger)': the role once, and not again when the name says it already."""
    return name if role.lower() in name.lower() else f"{name} ({role})"


def listed_recipient(name, role, country):
    """(name, role, country) for the list of recipients, the role and the country in one pair
    of brackets: 'DHL Parcel (ontvanger, Nederland)'; a name that carries its role in brackets
    takes the country inside them ('Belastingdienst (overheidsinstantie, Nederland)')."""
    if role.lower() in name.lower():
        if name.endswith(")") and country:
            return name[:-1] + f", {country})", "", ""
        return name, "", country
    return name, role, country


def transfer_of(party, labels):
    """A sentence on the party's transfer outside the EEA, or '' when there is none."""
    outside = labels.index.outside_eea([party["country"], *party.get("locations", [])])
    if not outside:
        return ""
    names = ", ".join(
        country_in_sentence(code, labels(TermKind.COUNTRY, code), labels.language)
        for code, _term in outside
    )
    mechanism = party.get("transfer_mechanism", "")
    if not mechanism and all(
        t is not None and t.adequacy == Adequacy.ADEQUATE for _c, t in outside
    ):
        mechanism = "adequacy"
    how = labels(TermKind.TRANSFER_MECHANISM, mechanism) if mechanism else _("no safeguard")
    return _("%(party)s: to %(countries)s, on the basis of: %(mechanism)s") % {
        "party": translated(party["name"]),
        "countries": names,
        "mechanism": how,
    }


def _measure_text(measure, language):
    name = translated(measure["name"], language)
    description = translated(measure.get("description"), language).strip()
    return f"{name}: {description}" if description else name


def security_of(snapshot, language):
    """(technical, organisational) measures in use, in words (Art. 32 GDPR)."""
    measures = [
        m for m in snapshot.get("security_measures", []) if m.get("status", "active") == "active"
    ]
    return tuple(
        [_measure_text(m, language) for m in measures if m.get("kind") == kind]
        for kind in ("technical", "organisational")
    )


def build(snapshot, index, notice_settings, language):
    """The statement's content in `language`, from a register snapshot."""
    with translation.override(language):
        return _build(snapshot, index, notice_settings, language)


def _build(snapshot, index, notice_settings, language):  # noqa: C901 (one pass over the register)
    from waarborg.register.models import ProcessingActivity

    labels = Labels(index, snapshot, language)
    parties = {p["key"]: p for p in snapshot.get("parties", [])}
    rules = {r["key"]: r for r in snapshot.get("retention_rules", [])}
    requirements = dict(ProcessingActivity.Requirement.choices)
    active = [a for a in snapshot.get("activities", []) if a.get("status", "active") == "active"]
    activities, recipients, transfers = [], {}, {}
    for item in active:
        if item["role"] == "processor":
            continue
        basis = item.get("legal_basis", "")
        categories = item.get("data_categories", [])
        special = [
            labels(TermKind.DATA_CATEGORY, c)
            for c in categories
            if (t := labels.term(TermKind.DATA_CATEGORY, c)) is not None
            and (t.special or t.criminal)
        ]
        item_recipients, item_transfers = [], []
        for key in item.get("recipients", []):
            party = parties[key]
            name = translated(party["name"])
            role = role_of(party["kind"])
            item_recipients.append(named_with_role(name, role))
            recipients[key] = listed_recipient(
                name, role, labels(TermKind.COUNTRY, party["country"])
            )
            if text := transfer_of(party, labels):
                item_transfers.append(text)
                transfers[key] = text
        retention = [
            _retention_text(rules[key], item.get("data_subjects", []))
            for key in item.get("retention_rules", [])
        ]
        if note := translated(item.get("retention_note"), language):
            retention.append(note)
        requirement = item.get("requirement", "none")
        source_indirect = ""
        if item.get("source") == "indirect":
            source_indirect = translated(item.get("source_detail"), language) or _("from others")
        activities.append(
            Activity(
                key=item["key"],
                name=translated(item["name"], language),
                purpose=translated(item["purpose"], language),
                purpose_kinds=[labels(TermKind.PURPOSE, c) for c in item.get("purpose_terms", [])],
                legal_basis=legal_basis_label(index, basis),
                legal_basis_code=basis,
                legal_basis_detail=translated(item.get("legal_basis_detail"), language),
                special_ground=labels(TermKind.ART9_GROUND, item["art9_ground"])
                if item.get("art9_ground")
                else "",
                groups=[labels(TermKind.DATA_SUBJECT, c) for c in item.get("data_subjects", [])],
                categories=[labels(TermKind.DATA_CATEGORY, c) for c in categories],
                special_categories=special,
                source_indirect=source_indirect,
                recipients=item_recipients,
                transfers=item_transfers,
                retention=retention,
                requirement=str(requirements[requirement]) if requirement != "none" else "",
                requirement_consequence=translated(item.get("requirement_consequence"), language),
                automated=translated(item.get("automated_decisions_detail"), language)
                or (_("yes") if item.get("automated_decisions") else ""),
                cookies=bool(COOKIE_CATEGORIES & set(categories)),
            )
        )
    grouping = notice_settings.get("grouping", "purpose")
    if grouping == "group":
        by_group = {}
        for activity in activities:
            for group in activity.groups or [_("Others")]:
                by_group.setdefault(group, []).append(activity)
        groups = sorted(by_group.items())
    else:
        groups = [(a.name, [a]) for a in activities]
    technical, organisational = security_of(snapshot, language)
    organisation = snapshot.get("organisation", {})
    country = labels(TermKind.COUNTRY, organisation.get("country", "NL"))
    return Statement(
        language=language,
        organisation={**organisation, "country_label": country},
        introduction=translated(notice_settings.get("introduction"), language),
        closing=translated(notice_settings.get("closing"), language),
        notes={
            key: translated(value, language)
            for key, value in (notice_settings.get("section_notes") or {}).items()
            if translated(value, language)
        },
        grouping=grouping,
        groups=groups,
        activities=activities,
        recipients=sorted(recipients.values()),
        transfers=[transfers[key] for key in sorted(transfers)],
        uses_consent=any(a.legal_basis_code == "consent" for a in activities),
        objection_activities=[
            a for a in activities if a.legal_basis_code in INDIVIDUAL_RIGHTS_BASES
        ],
        direct_marketing=any(
            c in ("dpv:DirectMarketing", "dpv:Marketing")
            for item in active
            if item["role"] != "processor"
            for c in item.get("purpose_terms", [])
        ),
        automated=[a for a in activities if a.automated],
        cookie_activities=[a for a in activities if a.cookies],
        processor_for_clients=any(item["role"] == "processor" for item in active),
        retention_rows=[(a.name, a.retention) for a in activities],
        cookie_rows=[
            {
                "name": row["name"],
                **{
                    name: translated(row[name], language)
                    for name in ("kind_label", "category_label", "purpose", "party", "retention")
                },
            }
            for row in snapshot.get("cookies", [])
        ],
        cookies_need_consent=any(
            row["category"] != "necessary" for row in snapshot.get("cookies", [])
        ),
        security_technical=technical,
        security_organisational=organisational,
        certifications=translated(snapshot.get("certifications"), language),
    )


def render(statement, template="notices/statement.html"):
    with translation.override(statement.language):
        return render_to_string(template, {"s": statement})


def render_markdown(statement):
    """The statement as Markdown. HTML in the register's texts is escaped: a site that puts
    this Markdown into its pages must not run markup typed into Waarborg (the template itself
    has no <, > or &)."""
    text = render(statement, "notices/statement.md")
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Templates leave runs of blank lines where optional parts fall away.
    lines, blank = [], False
    for line in text.splitlines():
        if not line.strip():
            if not blank and lines:
                lines.append("")
            blank = True
        else:
            lines.append(line.rstrip())
            blank = False
    return "\n".join(lines).strip() + "\n"
