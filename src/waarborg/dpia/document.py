"""The parts of an assessment (Art. 35(7) GDPR), in the order of the CNIL's PIA method and the
Model DPIA Rijksdienst: the description prefilled from the register, the questions of necessity
and proportionality, and the document as data (one dict for the page, the exports and a
signed version).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.core.dates import format_day, period_in_words
from waarborg.core.fields import translated
from waarborg.core.models import TermKind
from waarborg.core.taxonomy import TermIndex
from waarborg.register.ropa import legal_basis_label, term_label, transfer_text

# Art. 35(7)(a): a systematic description of the processing and its purposes.
DESCRIPTION_PARTS = [
    ("purposes", gettext_lazy("Purposes")),
    ("data", gettext_lazy("Personal data")),
    ("people", gettext_lazy("Groups of people")),
    ("recipients", gettext_lazy("Recipients and processors")),
    ("systems", gettext_lazy("Systems")),
    ("locations", gettext_lazy("Locations and transfers")),
    ("retention", gettext_lazy("Retention")),
]

# Art. 35(7)(b): necessity and proportionality, one question each (CNIL: fundamental
# principles; Model DPIA Rijksdienst, part A).
NECESSITY_QUESTIONS = [
    ("legal_basis", gettext_lazy("Legal basis"),
     gettext_lazy("On which ground of Art. 6 (and 9 or 10) does it rest, and why does it apply?")),
    ("minimisation", gettext_lazy("Data minimisation"),
     gettext_lazy("Are all these data needed for the purposes? What is left out?")),
    ("accuracy", gettext_lazy("Accuracy"),
     gettext_lazy("How are the data kept correct and up to date?")),
    ("retention", gettext_lazy("Retention"),
     gettext_lazy("Why is the retention period no longer than needed?")),
    ("information", gettext_lazy("Information"),
     gettext_lazy("How are people told about the processing (Art. 13 and 14)?")),
    ("rights", gettext_lazy("Rights of people"),
     gettext_lazy("How can people access, correct, erase, restrict or object (Art. 15-22)?")),
    ("processors", gettext_lazy("Processors"),
     gettext_lazy("Which processors take part and is there an agreement under Art. 28?")),
    ("transfers", gettext_lazy("Transfers"),
     gettext_lazy("Do data leave the EEA, and on which ground (Chapter V)?")),
]  # fmt: skip  # noqa: E501


def _join(values):
    return "; ".join(v for v in values if v)


def prefill(organisation, activities):
    """({part: text}, {question: text}) from what the register says about `activities`."""
    index = TermIndex(organisation)
    many = len(activities) > 1

    def each(render):
        lines = []
        for activity in activities:
            text = render(activity)
            if text:
                lines.append(f"{translated(activity.name)}: {text}" if many else text)
        return "\n".join(lines)

    def retention(activity):
        return _join(
            [
                *(
                    f"{translated(r.name)} ({period_in_words(r.duration, r.trigger)})"
                    for r in activity.retention_rules.all()
                ),
                translated(activity.retention_note),
            ]
        )

    def locations(activity):
        countries = set()
        for party in activity.recipients.all():
            countries.update([party.country, *(party.locations or [])])
        names = _join(sorted(term_label(index, TermKind.COUNTRY, c) for c in countries if c))
        transfers = _join(transfer_text(index, p) for p in activity.recipients.all())
        return _join([names, transfers])

    description = {
        "purposes": each(lambda a: translated(a.purpose)),
        "data": each(
            lambda a: _join(
                t.label() + (" (" + _("special category") + ")" if t.special else "")
                for t in a.data_categories.all()
            )
        ),
        "people": each(lambda a: _join(t.label() for t in a.data_subjects.all())),
        "recipients": each(
            lambda a: _join(
                f"{translated(p.name)} ({p.get_kind_display()})" for p in a.recipients.all()
            )
        ),
        "systems": each(lambda a: _join(translated(s.name) for s in a.systems.all())),
        "locations": each(locations),
        "retention": each(retention),
    }
    necessity = {
        "legal_basis": each(
            lambda a: _join(
                [
                    legal_basis_label(index, a.legal_basis),
                    translated(a.legal_basis_detail),
                    term_label(index, TermKind.ART9_GROUND, a.art9_ground),
                ]
            )
        ),
        "retention": description["retention"],
        "processors": each(
            lambda a: _join(
                f"{translated(p.name)}: "
                + (
                    _("agreement signed on %(date)s") % {"date": format_day(p.agreement_signed_on)}
                    if p.agreement_signed_on
                    else _("no agreement recorded")
                )
                for p in a.recipients.all()
                if p.kind in ("processor", "sub_processor")
            )
        ),
        "transfers": each(lambda a: _join(transfer_text(index, p) for p in a.recipients.all())),
    }
    return (
        {k: v for k, v in description.items() if v},
        {k: v for k, v in necessity.items() if v},
    )


def document_data(assessment):
    """The assessment as plain data: what a signed version keeps and every export shows."""
    risks = []
    for number, risk in enumerate(assessment.risks.all(), start=1):
        risks.append(
            {
                "number": number,
                "kind": risk.kind,
                "title": risk.title,
                "impacts": risk.impacts,
                "threats": risk.threats,
                "sources": risk.sources,
                "severity": risk.severity,
                "likelihood": risk.likelihood,
                "residual_severity": risk.residual_severity,
                "residual_likelihood": risk.residual_likelihood,
                "measures": [
                    {"key": m.key, "name": m.name, "kind": m.kind, "description": m.description}
                    for m in risk.measures.all()
                ],
            }
        )
    return {
        "title": assessment.title,
        "version": assessment.version,
        "activities": [
            {"key": a.key, "name": a.name, "version": a.version}
            for a in assessment.activities.order_by("key")
        ],
        "description": assessment.description,
        "necessity": assessment.necessity,
        "risks": risks,
        "advice": assessment.advice,
        "advice_by": assessment.advice_by,
        "decision": assessment.decision,
        "decision_reason": assessment.decision_reason,
        "consulted_on": assessment.consulted_on.isoformat() if assessment.consulted_on else None,
        "signed_by": assessment.signed_by,
        "signed_on": assessment.signed_on.isoformat() if assessment.signed_on else None,
        "review_on": assessment.review_on.isoformat() if assessment.review_on else None,
    }
