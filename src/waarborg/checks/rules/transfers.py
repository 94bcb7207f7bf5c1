"""Rules about transfers outside the EEA (Chapter V AVG), against the dated reference data."""

import datetime
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.checks.engine import ERROR, WARNING, Hit, people_date, rule
from waarborg.core.models import Adequacy

PRIVACY_SHIELD = re.compile(r"privacy[\s-]*shield", re.IGNORECASE)
# Words that say the text itself calls the Privacy Shield invalid.
CALLED_INVALID = re.compile(
    r"ongeldig|niet (meer )?geldig|vervallen|invalid|no longer valid|struck down|schrems",
    re.IGNORECASE,
)
TEXT_FIELDS = ("description", "contact", "legal_basis_detail", "purpose", "retention_note")


def _locations(party):
    return list(dict.fromkeys([party["country"], *party.get("locations", [])]))


def _unprotected(context, codes, allowed=(Adequacy.EEA, Adequacy.ADEQUATE)):
    """Codes of countries that are neither in the EEA nor (by default) adequate."""
    out = []
    for code in codes:
        term = context.country(code)
        if term is None or term.adequacy not in allowed:
            out.append(code)
    return out


def _names(context, codes, in_sentence=False):
    """The countries' names, with their article when they stand in a sentence ('in de
    Verenigde Staten')."""
    from django.utils.translation import get_language

    from waarborg.core.models import TermKind
    from waarborg.core.taxonomy import country_in_sentence

    names = [(code, context.label(TermKind.COUNTRY, code)) for code in codes]
    if in_sentence:
        names = [(code, country_in_sentence(code, name, get_language())) for code, name in names]
    return ", ".join(name for _code, name in names)


@rule(
    "transfer.privacy_shield",
    area="transfers",
    severity=ERROR,
    article="Art. 45 AVG; HvJ EU C-311/18 (Schrems II)",
    title=gettext_lazy("Transfer on the Privacy Shield"),
    explanation=gettext_lazy(
        "The EU-US Privacy Shield is invalid since 16 July 2020. For a US importer certified "
        "under the Data Privacy Framework use that; otherwise the 2021 standard contractual "
        "clauses with a transfer impact assessment."
    ),
    statement="warning",
)
def privacy_shield(context):
    for key, party in context.parties.items():
        if party.get("transfer_mechanism") == "privacy_shield":
            yield Hit(
                "parties", key, _("Relies on the Privacy Shield, invalid since 16 July 2020.")
            )


@rule(
    "transfer.privacy_shield_text",
    area="transfers",
    severity=WARNING,
    article="HvJ EU C-311/18 (Schrems II)",
    title=gettext_lazy("Privacy Shield mentioned"),
    explanation=gettext_lazy(
        "A text of the register mentions the Privacy Shield, invalid since 16 July 2020. "
        "Say what the transfer rests on now; where the text itself says the Shield is "
        "invalid this is not raised."
    ),
)
def privacy_shield_text(context):
    for section, items in context.items.items():
        for key, item in items.items():
            for name in TEXT_FIELDS:
                value = item.get(name)
                texts = value.values() if isinstance(value, dict) else [value or ""]
                if any(PRIVACY_SHIELD.search(t) and not CALLED_INVALID.search(t) for t in texts):
                    yield Hit(section, key, _("The text mentions the Privacy Shield."), part=name)
                    break


@rule(
    "transfer.dpf_not_certified",
    area="transfers",
    severity=ERROR,
    article="Art. 45 AVG; Uitvoeringsbesluit (EU) 2023/1795",
    title=gettext_lazy("DPF without a recorded certification"),
    explanation=gettext_lazy(
        "The EU-US Data Privacy Framework covers only US organisations on the list of "
        "certified organisations. Look the party up on dataprivacyframework.gov and record "
        "the date you checked; if it is not listed, use the standard contractual clauses."
    ),
    statement="warning",
)
def dpf_not_certified(context):
    for key, party in context.parties.items():
        if party.get("transfer_mechanism") == "eu_us_dpf" and not party.get("dpf_checked_on"):
            yield Hit("parties", key, _("Under the DPF, but its certification is not recorded."))


@rule(
    "transfer.dpf_check_old",
    area="transfers",
    severity=WARNING,
    article="Art. 45 AVG; Uitvoeringsbesluit (EU) 2023/1795",
    title=gettext_lazy("DPF certification checked over a year ago"),
    explanation=gettext_lazy(
        "A certification under the Data Privacy Framework must be renewed every year; it may "
        "lapse. Check the list again and record the date."
    ),
)
def dpf_check_old(context):
    limit = context.today - datetime.timedelta(days=365)
    for key, party in context.parties.items():
        checked = party.get("dpf_checked_on")
        if party.get("transfer_mechanism") == "eu_us_dpf" and checked and checked < limit:
            yield Hit(
                "parties",
                key,
                _("The certification was last checked on %(date)s.")
                % {"date": people_date(checked)},
            )


@rule(
    "transfer.dpf_outside_us",
    area="transfers",
    severity=ERROR,
    article="Art. 44, 46 AVG; Uitvoeringsbesluit (EU) 2023/1795",
    title=gettext_lazy("DPF for locations outside the US"),
    explanation=gettext_lazy(
        "The Data Privacy Framework covers transfers to certified importers in the United "
        "States only. A location outside the US that is neither in the EEA nor adequate needs "
        "its own mechanism (standard contractual clauses with a transfer impact assessment)."
    ),
    statement="warning",
)
def dpf_outside_us(context):
    covered = set(context.reference["dpf"].get("countries", ["US"]))
    for key, party in context.parties.items():
        if party.get("transfer_mechanism") != "eu_us_dpf":
            continue
        beyond = [c for c in _unprotected(context, _locations(party)) if c not in covered]
        if beyond:
            yield Hit(
                "parties",
                key,
                _("Under the DPF, yet it processes in %(countries)s, which the DPF does not cover.")
                % {"countries": _names(context, beyond, in_sentence=True)},
            )


@rule(
    "transfer.dpf_invalid",
    area="transfers",
    severity=ERROR,
    article="Art. 45 AVG",
    title=gettext_lazy("The Data Privacy Framework is no longer valid"),
    explanation=gettext_lazy(
        "According to Waarborg's reference data the Data Privacy Framework no longer applies: "
        "transfers on it need another mechanism."
    ),
)
def dpf_invalid(context):
    if context.reference["dpf"].get("valid", True):
        return
    for key, party in context.parties.items():
        if party.get("transfer_mechanism") == "eu_us_dpf":
            yield Hit("parties", key, _("Relies on the Data Privacy Framework."))


@rule(
    "transfer.old_scc",
    area="transfers",
    severity=ERROR,
    article="Art. 46(2)(c) AVG; Uitvoeringsbesluit (EU) 2021/914, art. 4",
    title=gettext_lazy("Old standard contractual clauses"),
    explanation=gettext_lazy(
        "The standard contractual clauses of 2001, 2004 and 2010 may no longer be relied on "
        "since 27 December 2022: replace them by the 2021 clauses."
    ),
    statement="warning",
)
def old_scc(context):
    for key, party in context.parties.items():
        if party.get("transfer_mechanism") == "scc_2010":
            yield Hit(
                "parties", key, _("Relies on the old clauses, invalid since 27 December 2022.")
            )


@rule(
    "transfer.no_mechanism",
    area="transfers",
    severity=ERROR,
    article="Art. 44-46, 13(1)(f) AVG",
    title=gettext_lazy("Transfer outside the EEA without a mechanism"),
    explanation=gettext_lazy(
        "A country outside the EEA without an adequacy decision may receive personal data only "
        "with a transfer mechanism: standard contractual clauses, binding corporate rules, the "
        "DPF for certified US importers, or an exception of Art. 49."
    ),
    statement=True,
)
def no_mechanism(context):
    for key, party in context.parties.items():
        mechanism = party.get("transfer_mechanism", "")
        if mechanism not in ("", "none", "adequacy"):
            continue
        allowed = (Adequacy.EEA, Adequacy.ADEQUATE)
        outside = _unprotected(context, _locations(party), allowed)
        if outside:
            yield Hit(
                "parties",
                key,
                _("%(party)s is outside the EEA (%(countries)s) without a transfer mechanism")
                % {"party": context.name(party), "countries": _names(context, outside)},
            )


@rule(
    "transfer.scc_without_assessment",
    area="transfers",
    severity=WARNING,
    article="Art. 46 AVG; HvJ EU C-311/18; EDPB Aanbevelingen 01/2020",
    title=gettext_lazy("Standard contractual clauses without a transfer impact assessment"),
    explanation=gettext_lazy(
        "Clauses alone are not enough where the law of the importer's country may undermine "
        "them: assess that, and record the date of the transfer impact assessment."
    ),
)
def scc_without_assessment(context):
    for key, party in context.parties.items():
        if party.get("transfer_mechanism") == "scc_2021" and not party.get(
            "transfer_assessment_on"
        ):
            yield Hit("parties", key, _("No date of a transfer impact assessment."))
