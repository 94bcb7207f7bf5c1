"""Advice on the severity of a breach: the ENISA method and the EDPB's factors.

ENISA, Recommendations for a methodology of the assessment of severity of personal data
breaches (2013): SE = DPC x EI + CB, where the data processing context (DPC, 1-4) is corrected
by the ease of identification (EI, 0.25-1) and the circumstances of the breach (CB: loss of
confidentiality, integrity, availability, malicious intent) add to it. Bands: below 2 low,
below 3 medium, below 4 high, else very high. The factors of EDPB Guidelines 9/2022 on
personal data breach notification are listed beside it. Neither decides: the privacy officer
does, with a reason (Art. 33(1), 34(1)).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import translated

LOW, MEDIUM, HIGH, VERY_HIGH = "low", "medium", "high", "very_high"
BANDS = {
    LOW: _("low"),
    MEDIUM: _("medium"),
    HIGH: _("high"),
    VERY_HIGH: _("very high"),
}
BAND_MEANING = {
    LOW: _("The people will not be affected, or meet a few inconveniences they overcome easily."),
    MEDIUM: _(
        "The people may meet significant inconveniences they overcome despite some difficulty."
    ),
    HIGH: _(
        "The people may meet significant consequences they overcome only with serious difficulty."
    ),
    VERY_HIGH: _("The people may meet significant, even irreversible, consequences."),
}


def severity(dpc, ei, confidentiality=0, integrity=0, availability=0, malicious=0):
    """SE = DPC x EI + CB, as a Decimal; None until DPC and EI are scored."""
    if dpc is None or ei is None:
        return None
    circumstances = sum(
        Decimal(str(v or 0)) for v in (confidentiality, integrity, availability, malicious)
    )
    return Decimal(int(dpc)) * Decimal(str(ei)) + circumstances


def score_text(score):
    """The score as people write it in the active language: 4, 4,5 (nl) or 4.5 (en); never
    the stored 4.00."""
    from django.utils.formats import number_format

    if score is None:
        return ""
    text = f"{Decimal(score):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text), use_l10n=True)


def band(score):
    if score is None:
        return None
    if score < 2:
        return LOW
    if score < 3:
        return MEDIUM
    if score < 4:
        return HIGH
    return VERY_HIGH


def breach_severity(breach):
    return severity(
        breach.dpc,
        breach.ei,
        breach.cb_confidentiality,
        breach.cb_integrity,
        breach.cb_availability,
        breach.cb_malicious,
    )


def edpb_factors(breach):
    """The factors of EDPB Guidelines 9/2022 (section on assessing risk) with what the
    register entry says about each, as (factor, what is recorded) pairs."""
    categories = list(breach.data_categories.all())
    special = [c.label() for c in categories if c.special or c.criminal]
    national = [c.label() for c in categories if c.national_id]
    natures = ", ".join(str(n) for n in breach.natures()) or str(_("not recorded"))
    unknown = str(_("not recorded"))
    return [
        (_("Type of breach"), natures),
        (
            _("Nature, sensitivity and volume of the data"),
            ", ".join([*special, *national]) or str(_("no special categories or national numbers")),
        ),
        (
            _("Ease of identification"),
            _("encrypted or otherwise unintelligible: %(answer)s")
            % {"answer": breach.get_encrypted_display()}
            if breach.encrypted
            else unknown,
        ),
        (_("Severity of consequences"), translated(breach.consequences) or unknown),
        (
            _("Special characteristics of the people"),
            str(_("vulnerable people among them"))
            if breach.vulnerable_people
            else str(_("none recorded")),
        ),
        (
            _("Number of people affected"),
            str(breach.people_count) if breach.people_count is not None else unknown,
        ),
        (
            _("Special characteristics of the controller"),
            ", ".join(str(a) for a in breach.activities.all()) or unknown,
        ),
    ]
