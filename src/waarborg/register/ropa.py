"""The register as the supervisory authority gets it on request (Art. 30(4) GDPR).

One builder makes the rows; XLSX, CSV, HTML and PDF only lay them out. All relations are
prefetched, so the number of queries does not grow with the size of the register.
"""

import io

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from waarborg.core.access import scoped
from waarborg.core.citations import cite
from waarborg.core.dates import format_day, humanise_duration
from waarborg.core.fields import translated
from waarborg.core.models import Adequacy, TermKind
from waarborg.core.spreadsheets import staff_csv, text_cell
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


def _listed(values):
    return ", ".join(str(value) for value in values if value)


def term_label(index, kind, code):
    term = index.get(kind, code) if code else None
    return term.label() if term else code or ""


def legal_basis_label(index, code):
    term = index.get(TermKind.LEGAL_BASIS, code) if code else None
    if term is None:
        return code or ""
    article = cite(_("Art. %(article)s GDPR") % {"article": term.article})
    return f"{term.label()} ({article})"


def transfer_text(index, party):
    countries = index.outside_eea([party.country, *(party.locations or [])])
    if not countries:
        return ""
    names = ", ".join(term.label() if term else code for code, term in countries)
    mechanism = term_label(index, TermKind.TRANSFER_MECHANISM, party.transfer_mechanism)
    if party.transfer_mechanism == "scc_2021" and party.scc_module:
        mechanism += f" ({party.get_scc_module_display()})"
    if not mechanism and all(t and t.adequacy == Adequacy.ADEQUATE for _code, t in countries):
        mechanism = term_label(index, TermKind.TRANSFER_MECHANISM, "adequacy")
    mechanism = mechanism or _("no mechanism recorded")
    return f"{translated(party.name)}: {names}: {mechanism}"


ACTIVITY_COLUMNS = [
    ("controller", gettext_lazy("On behalf of (controller)")),
    ("controller_contact", gettext_lazy("Controller contact")),
    ("key", gettext_lazy("Key")),
    ("name", gettext_lazy("Processing activity")),
    ("role", gettext_lazy("Our role")),
    ("purpose", gettext_lazy("Purposes")),
    ("purpose_terms", gettext_lazy("Kinds of purpose")),
    ("legal_basis", gettext_lazy("Legal basis")),
    ("legal_basis_detail", gettext_lazy("Justification")),
    ("art9_ground", gettext_lazy("Exception for special categories")),
    ("data_subjects", gettext_lazy("Groups of people")),
    ("data_categories", gettext_lazy("Data categories")),
    ("source", gettext_lazy("Source")),
    ("recipients", gettext_lazy("Recipients and processors")),
    ("transfers", gettext_lazy("Transfers outside the EEA")),
    ("retention", gettext_lazy("Retention")),
    ("security_measures", gettext_lazy("Security measures")),
    ("systems", gettext_lazy("Systems")),
    ("automated_decisions", gettext_lazy("Automated decision-making")),
    ("dpia", gettext_lazy("DPIA")),
    ("status", gettext_lazy("Status")),
    ("reviewed_at", gettext_lazy("Last reviewed")),
]


def _choices(model, name):
    """A field's choice labels, translated once (not once per row)."""
    return {code: str(label) for code, label in model._meta.get_field(name).choices}


def activity_rows(organisation, role_filter):
    """Rows (dicts of column -> text) for the activities of one role group."""
    index = TermIndex(organisation)
    labels = {name: str(label) for name, label in ACTIVITY_COLUMNS}
    processor = role_filter == [ProcessingActivity.Role.PROCESSOR]
    if not processor:
        labels.pop("controller"), labels.pop("controller_contact")
    roles, sources = _choices(ProcessingActivity, "role"), _choices(ProcessingActivity, "source")
    dpias, statuses = _choices(ProcessingActivity, "dpia"), _choices(ProcessingActivity, "status")
    yes, no, special = _("yes"), _("no"), " (" + _("special category") + ")"
    kinds = _choices(Party, "kind")
    bounds = _choices(RetentionRule, "bound")
    transfers = {}
    activities = prefetch(
        KINDS["activities"],
        scoped(ProcessingActivity, organisation)
        .filter(role__in=role_filter)
        .exclude(status=Status.RETIRED)
        .order_by("key"),
    )
    rows = []
    for activity in activities:
        recipients = activity.recipients.all()
        for party in recipients:
            if party.pk not in transfers:
                transfers[party.pk] = transfer_text(index, party)
        controller = activity.controller
        values = {
            "controller": translated(controller.name) if controller else "",
            "controller_contact": controller.contact if controller else "",
            "key": activity.key,
            "name": translated(activity.name),
            "role": roles[activity.role],
            "purpose": translated(activity.purpose),
            "purpose_terms": _join(t.label() for t in activity.purpose_terms.all()),
            "legal_basis": legal_basis_label(index, activity.legal_basis),
            "legal_basis_detail": translated(activity.legal_basis_detail),
            "art9_ground": term_label(index, TermKind.ART9_GROUND, activity.art9_ground),
            "data_subjects": _join(t.label() for t in activity.data_subjects.all()),
            "data_categories": _join(
                t.label() + (special if t.special else "") for t in activity.data_categories.all()
            ),
            "source": _join([sources[activity.source], translated(activity.source_detail)]),
            "recipients": _join(f"{translated(p.name)} ({kinds[p.kind]})" for p in recipients),
            "transfers": _join(transfers[p.pk] for p in recipients),
            "retention": _join(
                [
                    *(
                        # a period a scheme sets may be unknown: no empty slot before the kind
                        f"{translated(r.name)} ({_listed([_period(r.duration), bounds[r.bound]])})"
                        for r in activity.retention_rules.all()
                    ),
                    translated(activity.retention_note),
                ]
            ),
            "security_measures": _join(
                translated(m.name) for m in activity.security_measures.all()
            ),
            "systems": _join(translated(s.name) for s in activity.systems.all()),
            "automated_decisions": yes if activity.automated_decisions else no,
            "dpia": dpias[activity.dpia],
            "status": statuses[activity.status],
            "reviewed_at": _date(activity.reviewed_at),
        }
        rows.append({label: values[name] for name, label in labels.items()})
    return rows


def party_rows(organisation):
    index = TermIndex(organisation)
    parties = prefetch(
        KINDS["parties"],
        scoped(Party, organisation).exclude(status=Status.RETIRED).order_by("key"),
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


def _period(duration):
    """A period as the AP reads it: '7 jaar', never 'P7Y'."""
    return humanise_duration(duration) if duration else ""


def _date(value):
    """A date as the AP reads it: '1 december 2026', never '2026-12-01'."""
    return format_day(value) if value else ""


def retention_rows(organisation):
    rules = scoped(RetentionRule, organisation).exclude(status=Status.RETIRED).order_by("key")
    return [
        {
            _("Key"): rule.key,
            _("Retention rule"): translated(rule.name),
            _("Period"): _period(rule.duration),
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
            _("Review interval"): _period(measure.review_interval),
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
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, NamedStyle

    with translation.override(language):
        # Write-only mode streams rows; one named style for every cell keeps styling cheap.
        workbook = Workbook(write_only=True)
        body = NamedStyle(name="body", alignment=Alignment(wrap_text=True, vertical="top"))
        head = NamedStyle(name="head", font=Font(bold=True), alignment=body.alignment)
        workbook.add_named_style(body)
        workbook.add_named_style(head)
        for title, rows in sheets(organisation):
            sheet = workbook.create_sheet(title[:31])
            if not rows:
                sheet.append([_("Nothing recorded.")])
                continue
            headers = list(rows[0])
            for number in range(len(headers)):
                letter = get_column_letter(number + 1)
                sheet.column_dimensions[letter].width = 18 if number in (0, 2) else 32
            sheet.freeze_panes = "C2"
            sheet.append([_cell(sheet, WriteOnlyCell, text, "head") for text in headers])
            # Style one cell by name and share its style array: a write-only cell is written
            # once and never changed, and a named-style lookup per cell is slow.
            style = _cell(sheet, WriteOnlyCell, "", "body")._style
            for row in rows:
                cells = []
                for header in headers:
                    cell = text_cell(WriteOnlyCell(sheet, value=row.get(header, "")))
                    cell._style = style
                    cells.append(cell)
                sheet.append(cells)
        output = io.BytesIO()
        workbook.save(output)
    return output.getvalue()


def _cell(sheet, cell_class, value, style):
    cell = text_cell(cell_class(sheet, value=value))
    cell.style = style
    return cell


def to_csv(organisation, language="nl"):
    """The activities (both roles) as one CSV table: the register's core."""
    with translation.override(language):
        rows = activity_rows(organisation, ProcessingActivity.Role.values)
        headers = list(dict.fromkeys(header for row in rows for header in row)) or [_("Key")]
        return staff_csv(headers, rows)


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


class PdfUnavailable(Exception):
    """WeasyPrint cannot load its system libraries (Pango) on this machine."""


def to_pdf(organisation, language="nl"):
    try:
        from weasyprint import HTML
    except OSError as error:
        raise PdfUnavailable(str(error)) from error

    return HTML(string=to_html(organisation, language)).write_pdf()
