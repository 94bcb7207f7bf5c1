"""The DPIA as a document (HTML and PDF, Dutch or English) and the screening of all activities
as XLSX. A signed version is shown from its frozen data, a draft from the rows as they are."""

import io
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from waarborg.core.access import scoped
from waarborg.core.dates import format_day
from waarborg.core.fields import translated
from waarborg.core.spreadsheets import safe_cell
from waarborg.dpia import criteria
from waarborg.dpia.document import DESCRIPTION_PARTS, NECESSITY_QUESTIONS, document_data
from waarborg.dpia.models import LEVEL_LABELS, SCALE, Assessment, Risk, Screening, level
from waarborg.dpia.riskmap import risk_map
from waarborg.register.models import ProcessingActivity, SecurityMeasure, Status
from waarborg.register.ropa import PdfUnavailable

__all__ = ["PdfUnavailable", "present", "screening_xlsx", "to_html", "to_pdf"]


def present(data):
    """The document data with its labels in the active language, and the two risk maps."""
    scale = dict(SCALE)
    kinds = dict(Risk.Kind.choices)
    measure_kinds = dict(SecurityMeasure.Kind.choices)
    risks = []
    for risk in data["risks"]:
        before = level(risk["severity"], risk["likelihood"])
        after = level(risk["residual_severity"], risk["residual_likelihood"])
        risks.append(
            {
                **risk,
                "kind_label": kinds.get(risk["kind"], risk["kind"]),
                "severity_label": scale[risk["severity"]],
                "likelihood_label": scale[risk["likelihood"]],
                "residual_severity_label": scale[risk["residual_severity"]],
                "residual_likelihood_label": scale[risk["residual_likelihood"]],
                "level": LEVEL_LABELS[before],
                "residual_level": LEVEL_LABELS[after],
                "measures": [
                    {
                        **m,
                        "name": translated(m["name"]) or m["key"],
                        "kind_label": measure_kinds.get(m["kind"], m["kind"]),
                        "description": translated(m["description"]),
                    }
                    for m in risk["measures"]
                ],
            }
        )
    points = [SimpleNamespace(**r) for r in data["risks"]]
    return {
        **data,
        "activities": [
            {**a, "name": translated(a["name"]) or a["key"]} for a in data["activities"]
        ],
        "description_parts": [
            (label, data["description"].get(name, "")) for name, label in DESCRIPTION_PARTS
        ],
        "necessity_parts": [
            (label, question, data["necessity"].get(name, ""))
            for name, label, question in NECESSITY_QUESTIONS
        ],
        "risks": risks,
        "decision_label": dict(Assessment.Decision.choices).get(data["decision"], ""),
        "map_before": mark_safe(risk_map(points, title=_("Before measures"))),  # noqa: S308
        "map_after": mark_safe(risk_map(points, after=True, title=_("After measures"))),  # noqa: S308
    }


def to_html(assessment, language="nl", snapshot=None):
    """The DPIA as one HTML page (for the browser, and what the PDF is printed from)."""
    with translation.override(language):
        data = snapshot if snapshot is not None else document_data(assessment)
        return render_to_string(
            "dpia/document.html",
            {
                "organisation": assessment.organisation,
                "doc": present(data),
                "signed": bool(data.get("signed_on")),
                "generated_at": timezone.localtime(),
                "language": language,
            },
        )


def to_pdf(assessment, language="nl", snapshot=None):
    """The same document as PDF, printed by WeasyPrint as the letters and the RoPA are."""
    try:
        from weasyprint import HTML
    except OSError as error:
        raise PdfUnavailable(str(error)) from error
    return HTML(string=to_html(assessment, language, snapshot)).write_pdf()


def latest_screenings(organisation):
    """{activity pk: its newest screening}."""
    latest = {}
    for screening in scoped(Screening, organisation).order_by("created_at", "pk"):
        latest[screening.activity_id] = screening
    return latest


def screening_xlsx(organisation, language="nl"):
    """One row per activity: the outcome, its reason and date, and each criterion yes/no."""
    lists = criteria.load()
    with translation.override(language):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("DPIA screening")[:31]
        headers = [
            _("Key"),
            _("Processing activity"),
            _("Outcome"),
            _("Screened on"),
            _("Reason"),
            *(f"WP248 {c.number}: {c.label}" for c in lists.wp248),
            *(f"AP {c.number}: {c.label}" for c in lists.ap),
        ]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        latest = latest_screenings(organisation)
        labels = dict(ProcessingActivity.Dpia.choices)
        yes, no = _("yes"), _("no")
        activities = (
            scoped(ProcessingActivity, organisation).exclude(status=Status.RETIRED).order_by("key")
        )
        for activity in activities:
            screening = latest.get(activity.pk)
            answers = screening.answers if screening else {}
            sheet.append(
                [
                    safe_cell(activity.key),
                    safe_cell(translated(activity.name)),
                    str(labels[activity.dpia]),
                    format_day(activity.dpia_screened_on),
                    safe_cell(translated(activity.dpia_reason)),
                    *((yes if answers.get(c.id) else no) if screening else "" for c in lists.all),
                ]
            )
        sheet.column_dimensions["B"].width = 34
        sheet.column_dimensions["E"].width = 60
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
