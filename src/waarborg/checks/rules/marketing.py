"""Rules about consent, marketing by e-mail, text message and phone, and cookies."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.checks.engine import ERROR, OPERATIONS, WARNING, Hit, rule
from waarborg.checks.rules.common import (
    all_text,
    calls,
    controller_side,
    is_marketing,
    mentions,
    non_customer_groups,
    sms,
    texts,
    uses_email,
)

CONSENT_BY_USE = (
    r"door (het )?gebruik",
    r"door (het )?(invullen|versturen|verzenden)",
    r"door verder te",
    r"by using",
    r"by (filling|submitting|sending|continuing)",
    r"bij gebruik van",
)
HARD_WITHDRAWAL = (
    r"schriftelijk",
    r"per (brief|post|aangetekende)",
    r"in writing",
    r"by (letter|post)",
    r"registered mail",
)
OTHERS_PRODUCTS = (r"partners", r"derden", r"third part")
OPT_OUT_WORDS = (r"afmeld", r"opt-?out", r"unsubscribe", r"uitschrijf", r"bezwaar", r"object")


@rule(
    "consent.no_ledger_purpose",
    area="marketing",
    severity=WARNING,
    article="Art. 7(1) AVG",
    title=gettext_lazy("Consent without a purpose in the ledger"),
    explanation=gettext_lazy(
        "Consent must be provable: who agreed, when, to which wording. Add a consent purpose "
        "for this activity so that every grant and withdrawal is recorded."
    ),
    needs=OPERATIONS,
)
def no_ledger_purpose(context):
    linked = {p["activity__key"] for p in context.operations.consent_purposes}
    for item in controller_side(context):
        if item.get("legal_basis") == "consent" and item["key"] not in linked:
            yield Hit("activities", item["key"], _("No consent purpose records this consent."))


@rule(
    "consent.withdrawal_harder",
    area="marketing",
    severity=ERROR,
    article="Art. 7(3) AVG",
    title=gettext_lazy("Withdrawing harder than giving"),
    explanation=gettext_lazy(
        "Withdrawing consent must be as easy as giving it: if consent is given online, a "
        "letter or written request may not be needed to withdraw it."
    ),
)
def withdrawal_harder(context):
    for item in controller_side(context):
        if item.get("legal_basis") == "consent" and mentions(
            texts(item, "legal_basis_detail", "purpose"), *HARD_WITHDRAWAL
        ):
            yield Hit("activities", item["key"], _("Withdrawal asks for a letter or writing."))


@rule(
    "consent.by_use",
    area="marketing",
    severity=ERROR,
    article="Art. 4(11), 7 AVG; HvJ EU C-673/17 (Planet49)",
    title=gettext_lazy("“Consent” by merely using a form or site"),
    explanation=gettext_lazy(
        "Consent is a clear, active and separate yes. Filling in a form, continuing to browse "
        "or a pre-ticked box is not consent: ask for it separately, or use another basis."
    ),
)
def consent_by_use(context):
    for item in controller_side(context):
        if item.get("legal_basis") == "consent" and mentions(
            all_text(item.get("legal_basis_detail")), *CONSENT_BY_USE
        ):
            yield Hit("activities", item["key"], _("Consent is taken from using a form or site."))


@rule(
    "marketing.email_without_consent",
    area="marketing",
    severity=ERROR,
    article="Telecommunicatiewet art. 11.7(1)",
    title=gettext_lazy("E-mail or text-message marketing without consent"),
    explanation=gettext_lazy(
        "Marketing by e-mail or text message needs prior consent, except to your own customers "
        "(the soft opt-in). Legitimate interests is not enough for prospects, newsletter "
        "readers or other non-customers: ask for opt-in."
    ),
)
def email_without_consent(context):
    for item in controller_side(context):
        if not is_marketing(item) or item.get("legal_basis") == "consent":
            continue
        if not (uses_email(item) or sms(item)):
            continue
        others = non_customer_groups(context, item)
        if others:
            yield Hit(
                "activities",
                item["key"],
                _("Marketing messages to %(groups)s without their consent.")
                % {"groups": ", ".join(others)},
            )


@rule(
    "marketing.soft_opt_in",
    area="marketing",
    severity=WARNING,
    article="Telecommunicatiewet art. 11.7(3)",
    title=gettext_lazy("Soft opt-in conditions not shown"),
    explanation=gettext_lazy(
        "Without consent, marketing e-mail may go only to customers whose address you obtained "
        "in a sale, for your own similar products, with a free opt-out offered when the "
        "address was collected and in every message. Say so in the justification."
    ),
)
def soft_opt_in(context):
    for item in controller_side(context):
        if not is_marketing(item) or item.get("legal_basis") == "consent":
            continue
        if not uses_email(item) or non_customer_groups(context, item):
            continue
        text = texts(item, "legal_basis_detail", "purpose")
        if mentions(text, *OTHERS_PRODUCTS):
            yield Hit(
                "activities",
                item["key"],
                _("The messages are about products of others, not your own similar ones."),
                part="products",
            )
        if not mentions(text, *OPT_OUT_WORDS):
            yield Hit(
                "activities",
                item["key"],
                _("The opt-out at collection and in each message is not described."),
                part="opt_out",
            )


def _telemarketing(context):
    for item in controller_side(context):
        if is_marketing(item) and item.get("legal_basis") != "consent" and calls(item):
            others = non_customer_groups(context, item)
            if others:
                yield item, others


@rule(
    "marketing.telemarketing",
    area="marketing",
    severity=ERROR,
    article="Telecommunicatiewet art. 11.7 (sinds 1 juli 2021)",
    title=gettext_lazy("Telemarketing to natural persons without opt-in"),
    explanation=gettext_lazy(
        "Since 1 July 2021 natural persons (consumers, eenmanszaak, vof, maatschap) may be "
        "called for marketing only with their prior consent, except existing customers. "
        "Businesses that are legal persons remain opt-out."
    ),
)
def telemarketing(context):
    for item, others in _telemarketing(context):
        if item.get("subject_type") in ("natural_persons", "both"):
            yield Hit(
                "activities",
                item["key"],
                _("Calls %(groups)s for marketing without opt-in.") % {"groups": ", ".join(others)},
            )


@rule(
    "marketing.telemarketing_unknown",
    area="marketing",
    severity=WARNING,
    article="Telecommunicatiewet art. 11.7 (sinds 1 juli 2021)",
    title=gettext_lazy("Telemarketing: natural persons or businesses?"),
    explanation=gettext_lazy(
        "Calling natural persons (consumers, eenmanszaak, vof, maatschap) for marketing needs "
        "opt-in since 1 July 2021; legal persons remain opt-out. Record who the people are "
        "on the activity."
    ),
)
def telemarketing_unknown(context):
    for item, others in _telemarketing(context):
        if not item.get("subject_type"):
            yield Hit(
                "activities",
                item["key"],
                _(
                    "Calls %(groups)s for marketing without opt-in; whether they are natural "
                    "persons is not recorded."
                )
                % {"groups": ", ".join(others)},
            )


COOKIE_CATEGORIES = {"user.device.cookie_id", "user.device.device_id"}
ANALYTICS = "dpv:ServiceUsageAnalytics"


@rule(
    "cookies.analytics_exempt",
    area="cookies",
    severity=WARNING,
    article="Telecommunicatiewet art. 11.7a(3)(b)",
    title=gettext_lazy("Analytics cookies without consent, outside the AP's conditions"),
    explanation=gettext_lazy(
        "Analytics cookies are exempt from consent only with little or no impact on privacy: "
        "a processing agreement with the analytics provider, IP addresses masked, and no "
        "sharing of the data with others. Otherwise ask consent in the banner."
    ),
    guidance=True,
)
def analytics_exempt(context):
    for item in controller_side(context):
        if ANALYTICS not in item.get("purpose_terms", []) or item.get("legal_basis") == "consent":
            continue
        if not COOKIE_CATEGORIES & set(item.get("data_categories", [])):
            continue
        problems = []
        for key in item.get("recipients", []):
            party = context.parties.get(key)
            if party is None:
                continue
            if party["kind"] != "processor":
                problems.append(_("shared with %(party)s") % {"party": context.name(party)})
            elif not party.get("agreement_signed_on"):
                problems.append(
                    _("no processing agreement with %(party)s") % {"party": context.name(party)}
                )
            if "user.device.ip_address" in item.get("data_categories", []):
                problems.append(
                    _("full IP addresses go to %(party)s") % {"party": context.name(party)}
                )
        if problems:
            yield Hit("activities", item["key"], "; ".join(problems) + ".")


def _banner_purposes(context):
    return [p for p in context.operations.consent_purposes if p["channel"] == "cookie"]


@rule(
    "cookies.not_in_statement",
    area="cookies",
    severity=ERROR,
    article="Art. 13(1)(c) AVG; Telecommunicatiewet art. 11.7a(1)",
    title=gettext_lazy("Cookie purpose the statement does not mention"),
    explanation=gettext_lazy(
        "Consent to cookies must be informed: every purpose of the banner belongs to an "
        "activity of the register that the published statement describes."
    ),
    needs=OPERATIONS,
)
def not_in_statement(context):
    from waarborg.core.fields import translated

    published = context.operations.published
    described = None
    if published is not None:
        register = published.snapshot.get("register", {})
        described = {a["key"] for a in register.get("activities", [])}
    for purpose in _banner_purposes(context):
        activity = purpose["activity__key"]
        if activity is None or activity not in context.items["activities"]:
            message = _("Not linked to an activity of the register.")
        elif described is not None and activity not in described:
            message = _("Its activity is not in the published statement.")
        else:
            continue
        yield Hit(
            "consent",
            purpose["key"],
            message,
            data=purpose,
            name=translated(purpose["name"]) or purpose["key"],
        )


@rule(
    "cookies.basis_contradicts_banner",
    area="cookies",
    severity=ERROR,
    article="Art. 6(1)(a) AVG; Telecommunicatiewet art. 11.7a(1)",
    title=gettext_lazy("Legal basis and banner disagree"),
    explanation=gettext_lazy(
        "A cookie asked for with opt-in rests on consent; the register says another basis "
        "(or the other way round). Make the register and the banner say the same."
    ),
    needs=OPERATIONS,
)
def basis_contradicts_banner(context):
    for purpose in _banner_purposes(context):
        item = context.items["activities"].get(purpose["activity__key"] or "")
        if item is None:
            continue
        consent = item.get("legal_basis") == "consent"
        if (purpose["mechanism"] == "opt_in") != consent:
            yield Hit(
                "activities",
                item["key"],
                _("The banner asks “%(purpose)s” as %(mechanism)s; the register says %(basis)s.")
                % {
                    "purpose": purpose["key"],
                    "mechanism": _("opt-in") if purpose["mechanism"] == "opt_in" else _("opt-out"),
                    "basis": context.label("legal_basis", item.get("legal_basis") or "")
                    or _("no basis"),
                },
                part=purpose["key"],
            )
