"""The breach register as a table (Art. 33(5)): every breach, notified or not, with the reason
for not notifying. CSV for Dutch Excel (core/spreadsheets.py) and XLSX."""

import io

from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.breaches import risk
from waarborg.breaches.models import Breach
from waarborg.core.access import scoped
from waarborg.core.dates import format_moment
from waarborg.core.fields import translated
from waarborg.core.spreadsheets import safe_cell, staff_csv


def rows(organisation):
    breaches = (
        scoped(Breach, organisation)
        .order_by("number")
        .prefetch_related("data_categories", "data_subjects", "notifications", "activities")
    )
    result = []
    for breach in breaches:
        first = next((n for n in breach.notifications.all() if n.submitted_at), None)
        score = risk.breach_severity(breach)
        result.append(
            {
                _("Reference"): breach.reference,
                _("Short description"): breach.title,
                _("Became aware"): format_moment(breach.aware_at),
                _("Started"): format_moment(breach.started_at) if breach.started_at else "",
                _("Ended"): _("still going on")
                if breach.ongoing
                else (format_moment(breach.ended_at) if breach.ended_at else ""),
                _("What happened"): translated(breach.description),
                _("Nature"): ", ".join(str(n) for n in breach.natures()),
                _("Cause"): breach.get_cause_display(),
                _("Processing activities"): ", ".join(str(a) for a in breach.activities.all()),
                _("Data categories"): ", ".join(c.label() for c in breach.data_categories.all()),
                _("Groups of people"): ", ".join(s.label() for s in breach.data_subjects.all()),
                _("People, about"): breach.people_count if breach.people_count is not None else "",
                _("Encrypted"): breach.get_encrypted_display() if breach.encrypted else "",
                _("Consequences"): translated(breach.consequences),
                _("Measures taken"): translated(breach.measures_taken),
                _("Measures planned"): translated(breach.measures_planned),
                _("Severity (ENISA)"): f"{risk.score_text(score)} ({risk.BANDS[risk.band(score)]})"
                if score is not None
                else "",
                _("Decision on notifying"): breach.get_risk_decision_display(),
                _("Reason"): breach.risk_reason,
                _("Decision on informing the people"): breach.get_high_risk_decision_display(),
                _("Reason for informing"): breach.high_risk_reason,
                _("Notified on"): format_moment(first.submitted_at) if first else "",
                _("Reference of the authority"): first.authority_reference if first else "",
                _("Reason for the delay"): breach.delay_reason,
                _("People informed"): breach.get_communication_display()
                if breach.communication
                else "",
            }
        )
    return result


def _headers(table):
    return list(table[0]) if table else [_("Reference")]


def to_csv(organisation, language=None):
    with translation.override(language or organisation.default_language):
        table = rows(organisation)
        return staff_csv(_headers(table), table)


def to_xlsx(organisation, language=None):
    from openpyxl import Workbook

    with translation.override(language or organisation.default_language):
        table = rows(organisation)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Data breaches")[:31])
        headers = _headers(table)
        sheet.append(headers)
        for row in table:
            # A spreadsheet runs a cell that looks like a formula; staff text never does here.
            sheet.append(
                [
                    safe_cell(row.get(h)) if isinstance(row.get(h), str) else row.get(h)
                    for h in headers
                ]
            )
        output = io.BytesIO()
        workbook.save(output)
    return output.getvalue()
