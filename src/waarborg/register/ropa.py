"""The register as the supervisory authority gets it on request (Art. 30(4) GDPR).

One builder makes the rows; XLSX, CSV, HTML and PDF only lay them out. All relations are
prefetched, so the number of queries does not grow with the size of the register.
"""

import csv
import io

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.core.access import scoped
from waarborg.core.fields import translated
from waarborg.core.models import Adequacy, TermKind
from waarborg.core.taxonomy import TermIndex
from waarborg.register.models import (
    Party,
    ProcessingActivity,
    RetentionRule,
    SecurityMeasure,
    Status,
)
from waarborg.register.schema import KINDS, prefetch


def _join(values):
    return "; ".join(value for value in values if value)


def term_label(index, kind, code):
    term = index.get(kind, code) if code else None
    return term.label() if term else code or ""


def legal_basis_label(index, code):
    term = index.get(TermKind.LEGAL_BASIS, code) if code else None
    if term is None:
        return code or ""
    article = _("Art. %(article)s GDPR") % {"article": term.article}
    return f"{term.label()} ({article})"


def outside_eea(index, party):
    """The countries outside the EEA where `party` is established or processes data."""
    countries = [party.country, *(party.locations or [])]
    result = []
    for code in dict.fromkeys(countries):
        term = index.get(TermKind.COUNTRY, code)
        if term is not None and term.adequacy != Adequacy.EEA:
            result.append(term)
    return result


def transfer_text(index, party):
    countries = outside_eea(index, party)
    if not countries:
        return ""
    names = ", ".join(term.label() for term in countries)
    mechanism = term_label(index, TermKind.TRANSFER_MECHANISM, party.transfer_mechanism)
    if party.transfer_mechanism == "scc_2021" and party.scc_module:
        mechanism += f" ({party.get_scc_module_display()})"
    if not mechanism and all(term.adequacy == Adequacy.ADEQUATE for term in countries):
        mechanism = term_label(index, TermKind.TRANSFER_MECHANISM, "adequacy")
    mechanism = mechanism or _("no mechanism recorded")
    return f"{translated(party.name)}: {names}: {mechanism}"


def rule_text(rule):
    return f"{translated(rule.name)} ({rule.duration}, {rule.get_bound_display()})"


def activity_rows(organisation, role_filter):
    """Rows (dicts of column -> text) for the activities of one role group, in use ones first."""
    index = TermIndex(organisation)
    activities = prefetch(
        KINDS["activities"],
        scoped(ProcessingActivity, organisation).filter(role__in=role_filter).order_by("key"),
    ).exclude(status=Status.RETIRED)
    rows = []
    for activity in activities:
        recipients = list(activity.recipients.all())
        row = {
            _("Key"): activity.key,
            _("Processing activity"): translated(activity.name),
            _("Our role"): activity.get_role_display(),
            _("Purposes"): translated(activity.purpose),
            _("Kinds of purpose"): _join(t.label() for t in activity.purpose_terms.all()),
            _("Legal basis"): legal_basis_label(index, activity.legal_basis),
            _("Justification"): translated(activity.legal_basis_detail),
            _("Exception for special categories"): term_label(
                index, TermKind.ART9_GROUND, activity.art9_ground
            ),
            _("Groups of people"): _join(t.label() for t in activity.data_subjects.all()),
            _("Data categories"): _join(
                t.label() + (" (" + _("special category") + ")" if t.special else "")
                for t in activity.data_categories.all()
            ),
            _("Source"): _join([activity.get_source_display(), translated(activity.source_detail)]),
            _("Recipients and processors"): _join(
                f"{translated(p.name)} ({p.get_kind_display()})" for p in recipients
            ),
            _("Transfers outside the EEA"): _join(transfer_text(index, p) for p in recipients),
            _("Retention"): _join(
                [
                    *(rule_text(r) for r in activity.retention_rules.all()),
                    translated(activity.retention_note),
                ]
            ),
            _("Security measures"): _join(
                translated(m.name) for m in activity.security_measures.all()
            ),
            _("Systems"): _join(translated(s.name) for s in activity.systems.all()),
            _("Automated decision-making"): _("yes") if activity.automated_decisions else _("no"),
            _("DPIA"): activity.get_dpia_display(),
            _("Status"): activity.get_status_display(),
            _("Last reviewed"): activity.reviewed_at.isoformat() if activity.reviewed_at else "",
        }
        if activity.role == ProcessingActivity.Role.PROCESSOR:
            controller = activity.controller
            row = {
                _("On behalf of (controller)"): translated(controller.name) if controller else "",
                _("Controller contact"): controller.contact if controller else "",
                **row,
            }
        rows.append(row)
    return rows


def party_rows(organisation):
    index = TermIndex(organisation)
    parties = prefetch(KINDS["parties"], scoped(Party, organisation).order_by("key")).exclude(
        status=Status.RETIRED
    )
    return [
        {
            _("Key"): party.key,
            _("Party"): translated(party.name),
            _("Kind"): party.get_kind_display(),
            _("Country of establishment"): term_label(index, TermKind.COUNTRY, party.country),
            _("Processing locations"): _join(
                term_label(index, TermKind.COUNTRY, code) for code in party.locations or []
            ),
            _("Transfer outside the EEA"): transfer_text(index, party),
            _("Transfer impact assessment"): _date(party.transfer_assessment_on),
            _("Agreement signed on"): _date(party.agreement_signed_on),
            _("Agreement document"): party.agreement_document,
            _("Agreement review"): _date(party.agreement_review_on),
            _("Sub-processors"): _join(translated(p.name) for p in party.sub_processors.all()),
            _("Contact"): party.contact,
        }
        for party in parties
    ]


def _date(value):
    return value.isoformat() if value else ""


def retention_rows(organisation):
    rules = scoped(RetentionRule, organisation).exclude(status=Status.RETIRED).order_by("key")
    return [
        {
            _("Key"): rule.key,
            _("Retention rule"): translated(rule.name),
            _("Period"): rule.duration,
            _("Counted"): rule.get_trigger_display(),
            _("Kind of period"): rule.get_bound_display(),
            _("At the end"): rule.get_end_action_display(),
            _("Legal source"): rule.legal_source,
            _("Explanation"): translated(rule.description),
        }
        for rule in rules
    ]


def measure_rows(organisation):
    measures = scoped(SecurityMeasure, organisation).exclude(status=Status.RETIRED)
    return [
        {
            _("Key"): measure.key,
            _("Security measure"): translated(measure.name),
            _("Kind"): measure.get_kind_display(),
            _("Description"): translated(measure.description),
            _("Review interval"): measure.review_interval,
            _("Last reviewed"): _date(measure.last_reviewed),
        }
        for measure in measures.order_by("key")
    ]


def sheets(organisation):
    """(title, rows) per sheet of the RoPA, in the active language."""
    controller_roles = [
        ProcessingActivity.Role.CONTROLLER,
        ProcessingActivity.Role.JOINT_CONTROLLER,
    ]
    return [
        (_("As controller"), activity_rows(organisation, controller_roles)),
        (_("As processor"), activity_rows(organisation, [ProcessingActivity.Role.PROCESSOR])),
        (_("Parties and transfers"), party_rows(organisation)),
        (_("Retention rules"), retention_rows(organisation)),
        (_("Security measures"), measure_rows(organisation)),
    ]


def to_xlsx(organisation, language="nl"):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    with translation.override(language):
        workbook = Workbook(write_only=False)
        workbook.remove(workbook.active)
        for title, rows in sheets(organisation):
            sheet = workbook.create_sheet(title[:31])
            if not rows:
                sheet.append([_("Nothing recorded.")])
                continue
            headers = list(rows[0])
            sheet.append(headers)
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in rows:
                sheet.append([row.get(header, "") for header in headers])
            sheet.freeze_panes = "C2"
            for column in sheet.columns:
                letter = column[0].column_letter
                sheet.column_dimensions[letter].width = 18 if letter in "AC" else 32
                for cell in column[1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        output = io.BytesIO()
        workbook.save(output)
    return output.getvalue()


def to_csv(organisation, language="nl"):
    """The activities (both roles) as one CSV table: the register's core."""
    with translation.override(language):
        rows = activity_rows(organisation, ProcessingActivity.Role.values)
        output = io.StringIO()
        headers = list(dict.fromkeys(header for row in rows for header in row)) or [_("Key")]
        writer = csv.DictWriter(output, fieldnames=headers, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return output.getvalue()


def to_html(organisation, language="nl"):
    with translation.override(language):
        return render_to_string(
            "register/ropa.html",
            {
                "organisation": organisation,
                "sheets": sheets(organisation),
                "generated_at": timezone.localtime(),
                "language": language,
            },
        )


def to_pdf(organisation, language="nl"):
    from weasyprint import HTML

    return HTML(string=to_html(organisation, language)).write_pdf()
