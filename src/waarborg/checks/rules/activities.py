"""Rules about processing activities: purpose, legal basis, special data, retention, Art. 30."""

import datetime

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from waarborg.checks.engine import ERROR, INFO, WARNING, Hit, people_date, period_days, rule
from waarborg.checks.rules.common import (
    FINANCIAL_CATEGORIES,
    all_text,
    category_terms,
    controller_side,
    mentions,
)
from waarborg.core.fields import translated


def _hit(context, item, message, part=""):
    return Hit("activities", item["key"], message, part=part)


@rule(
    "statement.no_activity",
    area="statement",
    severity=ERROR,
    article="Art. 13(1)(c) AVG",
    title=gettext_lazy("No processing activity in use"),
    explanation=gettext_lazy(
        "The statement describes the activities of the register: add the processing "
        "activities the organisation carries out (the starter set helps)."
    ),
    statement=True,
)
def no_activity(context):
    if not controller_side(context):
        yield Hit("organisation", "", _("The register has no processing activity in use."))


@rule(
    "activity.no_purpose",
    area="activities",
    severity=ERROR,
    article="Art. 5(1)(b), 13(1)(c) AVG",
    title=gettext_lazy("No purpose"),
    explanation=gettext_lazy(
        "Personal data may only be collected for specified, explicit purposes, and the "
        "statement says what they are."
    ),
    statement=True,
    field="purpose",
)
def no_purpose(context):
    for item in controller_side(context):
        if not all_text(item.get("purpose")).strip():
            yield _hit(context, item, _("The activity has no purpose."))


@rule(
    "activity.no_legal_basis",
    area="activities",
    severity=ERROR,
    article="Art. 6(1), 13(1)(c) AVG",
    title=gettext_lazy("No legal basis"),
    explanation=gettext_lazy(
        "Every processing needs one of the six grounds of Art. 6(1): consent, contract, legal "
        "obligation, vital interests, public task or legitimate interests."
    ),
    statement=True,
    field="legal_basis",
)
def no_legal_basis(context):
    for item in controller_side(context):
        if not item.get("legal_basis"):
            yield _hit(context, item, _("no legal basis"))


@rule(
    "activity.legal_obligation_without_statute",
    area="activities",
    severity=WARNING,
    article="Art. 6(1)(c), 6(3) AVG",
    title=gettext_lazy("Legal obligation without the law"),
    explanation=gettext_lazy(
        "A legal obligation must be laid down in Union or Dutch law: name the statute and "
        "article (for example art. 52 AWR for the tax records)."
    ),
    statement=True,
    field="legal_basis_detail",
)
def legal_obligation(context):
    for item in controller_side(context):
        if item.get("legal_basis") == "legal_obligation" and not all_text(
            item.get("legal_basis_detail")
        ):
            yield _hit(context, item, _("legal obligation without naming the law"))


@rule(
    "activity.interest_not_described",
    area="activities",
    severity=ERROR,
    article="Art. 6(1)(f), 13(1)(d) AVG",
    title=gettext_lazy("Legitimate interests without the interest"),
    explanation=gettext_lazy(
        "On legitimate interests the statement must say which interest is pursued, and the "
        "balance with the person's interests must have been made."
    ),
    statement=True,
    field="legal_basis_detail",
)
def interest_not_described(context):
    for item in controller_side(context):
        if item.get("legal_basis") == "legitimate_interests" and not all_text(
            item.get("legal_basis_detail")
        ):
            yield _hit(
                context,
                item,
                _("legitimate interests without a description of the interest pursued"),
            )


@rule(
    "activity.special_without_ground",
    area="activities",
    severity=ERROR,
    article="Art. 9(1)-(2) AVG; UAVG art. 22-30",
    title=gettext_lazy("Special categories without an exception"),
    explanation=gettext_lazy(
        "Health, religion, ethnicity, union membership and the other special categories may "
        "only be processed under one of the exceptions of Art. 9(2)."
    ),
    statement=True,
    field="art9_ground",
)
def special_without_ground(context):
    for item in controller_side(context):
        special = [t for t in category_terms(context, item) if t.special]
        if special and not item.get("art9_ground"):
            names = ", ".join(t.label() for t in special)
            yield _hit(
                context,
                item,
                _("Special categories (%(categories)s) without an exception of Art. 9(2).")
                % {"categories": names},
            )


@rule(
    "activity.national_id_without_statute",
    area="activities",
    severity=ERROR,
    article="UAVG art. 46; Art. 87 AVG",
    title=gettext_lazy("BSN or other national number without a statutory basis"),
    explanation=gettext_lazy(
        "The BSN and similar national numbers may only be used where a law says so (for "
        "example the Wet op de loonbelasting for payroll). Name that law as a legal "
        "obligation."
    ),
)
def national_id(context):
    for item in controller_side(context):
        numbers = [t for t in category_terms(context, item) if t.national_id]
        statute = item.get("legal_basis") in ("legal_obligation", "public_task") and all_text(
            item.get("legal_basis_detail")
        )
        if numbers and not statute:
            yield _hit(
                context,
                item,
                _("%(categories)s without a law that allows it.")
                % {"categories": ", ".join(t.label() for t in numbers)},
            )


@rule(
    "activity.criminal_without_basis",
    area="activities",
    severity=ERROR,
    article="Art. 10 AVG; UAVG art. 31-33",
    title=gettext_lazy("Criminal data without a UAVG basis"),
    explanation=gettext_lazy(
        "Data about criminal convictions and offences may only be processed under UAVG "
        "art. 31-33 (for example art. 33(5) for a certificate of conduct, VOG): name the "
        "article in the justification."
    ),
)
def criminal(context):
    for item in controller_side(context):
        if any(t.criminal for t in category_terms(context, item)) and not mentions(
            all_text(item.get("legal_basis_detail")), r"uavg", r"\b3[123]\b", r"\bvog\b"
        ):
            yield _hit(context, item, _("Criminal data without naming UAVG art. 31-33."))


VAGUE_RETENTION = (
    r"zolang (als )?(nodig|noodzakelijk)",
    r"as long as (needed|necessary|required)",
    r"onbepaalde tijd",
    r"indefinite",
    r"korte (periode|tijd)",
    r"short (period|time)",
    r"niet langer dan nodig",
    r"no longer than (needed|necessary)",
)


@rule(
    "activity.no_retention",
    area="retention",
    severity=ERROR,
    article="Art. 5(1)(e), 13(2)(a), 30(1)(f) AVG",
    title=gettext_lazy("No retention period or criteria"),
    explanation=gettext_lazy(
        "The register and the statement say how long data are kept, or the criteria that "
        "decide it. Link a retention rule or explain the criteria."
    ),
    statement=True,
    field="retention_rules",
)
def no_retention(context):
    for item in controller_side(context):
        if not item.get("retention_rules") and not all_text(item.get("retention_note")):
            yield _hit(context, item, _("no retention period or criteria"))


@rule(
    "activity.vague_retention",
    area="retention",
    severity=WARNING,
    article="Art. 5(1)(e), 13(2)(a) AVG",
    title=gettext_lazy("Retention without criteria"),
    explanation=gettext_lazy(
        "“As long as needed” or “a short period” is not a period: give a number of months "
        "or years, or the event and criteria that end it."
    ),
)
def vague_retention(context):
    for item in controller_side(context):
        note = all_text(item.get("retention_note"))
        if not item.get("retention_rules") and mentions(note, *VAGUE_RETENTION):
            yield _hit(
                context,
                item,
                _("The retention is “%(note)s”: no period or criteria.")
                % {"note": _text(item.get("retention_note"))},
            )


def _text(value):
    return translated(value)


@rule(
    "system.no_retention",
    area="retention",
    severity=WARNING,
    article="Art. 5(1)(e) AVG",
    title=gettext_lazy("Data in a system without a retention rule"),
    explanation=gettext_lazy(
        "Waarborg can only delete on time (or remind someone to) where a system's data have a "
        "retention rule."
    ),
)
def system_without_retention(context):
    for key, system in context.items["systems"].items():
        if system.get("data_categories") and not system.get("retention_rules"):
            yield Hit("systems", key, _("The data in this system have no retention rule."))


def _shortest_keep(context, item):
    """The rules of an activity: (longest statutory minimum in days, longest maximum)."""
    minimum = maximum = None
    for rule_item in context.retention_rules_of(item):
        days = period_days(rule_item["duration"])
        if days is None:
            continue
        if rule_item["bound"] == "minimum":
            minimum = max(minimum or 0, days)
        else:
            maximum = max(maximum or 0, days)
    return minimum, maximum


SEVEN_YEARS = period_days("P7Y")


@rule(
    "retention.financial_minimum",
    area="retention",
    severity=ERROR,
    article="AWR art. 52(4); BW 2:10(3)",
    title=gettext_lazy("Financial records kept shorter than 7 years"),
    explanation=gettext_lazy(
        "The tax records (invoices, payments) must be kept 7 years from the end of the "
        "financial year. A shorter maximum deletes them too early; add the statutory minimum."
    ),
)
def financial_minimum(context):
    for section in ("activities", "systems"):
        for key, item in context.items[section].items():
            if not FINANCIAL_CATEGORIES & set(item.get("data_categories", [])):
                continue
            minimum, maximum = _shortest_keep(context, item)
            if maximum is not None and maximum < SEVEN_YEARS and (minimum or 0) < SEVEN_YEARS:
                yield Hit(section, key, _("Financial records are kept shorter than 7 years."))


@rule(
    "retention.above_ap_reference",
    area="retention",
    severity=WARNING,
    article="Art. 5(1)(e) AVG",
    title=gettext_lazy("Longer than the AP's reference period"),
    explanation=gettext_lazy(
        "The Autoriteit Persoonsgegevens names reference periods: job applicants 4 weeks after "
        "the procedure (1 year with consent), camera images 4 weeks, personnel files 2 years "
        "after leaving. Keeping longer needs a reason you can explain."
    ),
    guidance=True,
)
def above_reference(context):
    periods = context.reference["ap_retention"]["periods"]
    for item in controller_side(context):
        groups = set(item.get("data_subjects", []))
        categories = set(item.get("data_categories", []))
        for period in periods:
            if not (
                groups & set(period.get("data_subjects", []))
                or categories & set(period.get("data_categories", []))
            ):
                continue
            limit = period["duration"]
            if period.get("with_consent") and item.get("legal_basis") == "consent":
                limit = period["with_consent"]
            trigger = period.get("trigger")
            longer = [
                r
                for r in context.retention_rules_of(item)
                if r["bound"] == "maximum"
                and (trigger is None or r["trigger"] == trigger)
                and (period_days(r["duration"]) or 0) > period_days(limit)
            ]
            if longer:
                language = (get_language() or "nl")[:2]
                yield Hit(
                    "activities",
                    item["key"],
                    _("Kept longer than the AP's reference (%(reference)s).")
                    % {"reference": period.get(language) or period["nl"]},
                    part=period["code"],
                )


@rule(
    "activity.no_data_categories",
    area="activities",
    severity=ERROR,
    article="Art. 13(1)(e)-14(1)(d), 30(1)(c) AVG",
    title=gettext_lazy("No data categories"),
    explanation=gettext_lazy("The register says which personal data the activity processes."),
    statement=True,
    field="data_categories",
)
def no_data_categories(context):
    for item in controller_side(context):
        if not item.get("data_categories"):
            yield _hit(context, item, _("no data categories"))


@rule(
    "activity.no_data_subjects",
    area="activities",
    severity=ERROR,
    article="Art. 13(1)(c), 30(1)(c) AVG",
    title=gettext_lazy("No groups of people"),
    explanation=gettext_lazy(
        "The register says whose data each activity processes: customers, employees, "
        "subscribers. The statement tells each group what happens to their data, and a "
        "request looks in the systems of the activities of the person's group. Open the "
        "activity and choose its groups of people under 'Whose data'."
    ),
    statement="warning",
    field="data_subjects",
)
def no_data_subjects(context):
    for item in controller_side(context):
        if not item.get("data_subjects"):
            yield _hit(
                context,
                item,
                _(
                    "No groups of people: choose whose data this is under 'Whose data'; "
                    "until then a request finds nothing of this activity to search."
                ),
            )


@rule(
    "activity.incomplete_record",
    area="activities",
    severity=WARNING,
    article="Art. 30(1)(c)-(g) AVG",
    title=gettext_lazy("Register entry incomplete"),
    explanation=gettext_lazy(
        "The record of processing names the recipients (including the parties that run the "
        "systems used) and the security measures."
    ),
)
def incomplete_record(context):
    systems = context.items["systems"]
    for item in context.activities:
        missing = []  # groups of people: a rule of their own (activity.no_data_subjects)
        if not item.get("security_measures"):
            missing.append(_("security measures"))
        recipients = set(item.get("recipients", []))
        operators = {
            systems[key]["operator"]
            for key in item.get("systems", [])
            if key in systems and systems[key].get("operator")
        }
        unnamed = [
            context.name(context.parties[key])
            for key in sorted(operators - recipients - {item.get("controller")})
            if key in context.parties
        ]
        if unnamed:
            missing.append(_("recipients: %(parties)s") % {"parties": ", ".join(unnamed)})
        if missing:
            yield _hit(context, item, _("Missing: %(items)s.") % {"items": "; ".join(missing)})


YEAR = datetime.timedelta(days=365)


@rule(
    "activity.not_reviewed",
    area="activities",
    severity=INFO,
    article="Art. 5(2), 24(1) AVG",
    title=gettext_lazy("Not reviewed for 12 months"),
    explanation=gettext_lazy(
        "Accountability means keeping the register true: review each activity at least once a "
        "year and record the date."
    ),
    guidance=True,
)
def not_reviewed(context):
    for item in context.activities:
        reviewed = item.get("reviewed_at")
        if reviewed is None:
            yield _hit(context, item, _("Never reviewed."))
        elif reviewed < context.today - YEAR:
            yield _hit(
                context, item, _("Last reviewed on %(date)s.") % {"date": people_date(reviewed)}
            )


@rule(
    "security.review_overdue",
    area="security",
    severity=WARNING,
    article="Art. 32(1)(d) AVG",
    title=gettext_lazy("Security measure past its review"),
    explanation=gettext_lazy(
        "A measure with a review interval (a password changed every 3 months) must be tested "
        "and evaluated at that interval: record when it was last done."
    ),
)
def security_review(context):
    from waarborg.core.dates import parse_duration

    for key, measure in context.items["security_measures"].items():
        interval = measure.get("review_interval")
        if not interval:
            continue
        last = measure.get("last_reviewed")
        if last is None:
            yield Hit("security_measures", key, _("Never reviewed since it was recorded."))
            continue
        try:
            due = last + parse_duration(interval)
        except ValueError:
            continue
        if due < context.today:
            yield Hit(
                "security_measures",
                key,
                _("The review was due on %(date)s.") % {"date": people_date(due)},
            )


@rule(
    "activity.source_not_named",
    area="activities",
    severity=WARNING,
    article="Art. 14(2)(f) AVG",
    title=gettext_lazy("Data from others without saying from whom"),
    explanation=gettext_lazy(
        "When the data do not come from the person, the statement says where they come from."
    ),
    statement=True,
    field="source_detail",
)
def source_not_named(context):
    for item in controller_side(context):
        if item.get("source") == "indirect" and not all_text(item.get("source_detail")):
            yield _hit(context, item, _("data from others without saying from whom"))


@rule(
    "activity.requirement_without_consequence",
    area="activities",
    severity=WARNING,
    article="Art. 13(2)(e) AVG",
    title=gettext_lazy("Required data without the consequence"),
    explanation=gettext_lazy(
        "Where people must provide data (by law or for a contract), the statement says what "
        "happens if they do not."
    ),
    statement=True,
    field="requirement_consequence",
)
def requirement_without_consequence(context):
    for item in controller_side(context):
        if item.get("requirement", "none") != "none" and not all_text(
            item.get("requirement_consequence")
        ):
            yield _hit(
                context, item, _("required data without the consequence of not providing them")
            )


@rule(
    "statement.no_english",
    area="statement",
    severity=INFO,
    article="Art. 12(1) AVG",
    title=gettext_lazy("No English text"),
    explanation=gettext_lazy(
        "The statement must be intelligible to the people it addresses; where the English "
        "text is missing, the English statement shows the Dutch."
    ),
    statement="warning",
)
def no_english(context):
    for item in controller_side(context):
        name, purpose = item.get("name"), item.get("purpose")
        # A plain string in a register file is Dutch.
        if not (isinstance(name, dict) and name.get("en")) or not (
            isinstance(purpose, dict) and purpose.get("en")
        ):
            yield _hit(context, item, _("no English text: the English statement shows the Dutch"))
