"""The answer package of an access (Art. 15) or portability (Art. 20) request.

Access: a readable report (HTML and PDF, in the person's language) with the Art. 15(1)-(2)
information from the register and the data found per system, plus JSON and CSV per table, the
files handlers uploaded, and the messages and files of the mail and document sources that a
handler included: unredacted as the original (.eml, the file itself) once it is shown to be the
one reviewed, redacted as a PDF and a text of the reviewed text, with a list of them all.
Portability: only the machine-readable part (JSON and CSV).
"""

import csv
import io
import json
import zipfile

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from waarborg.core.dates import kept_for
from waarborg.core.fields import translated
from waarborg.core.taxonomy import TermIndex
from waarborg.jobs.worker import checkpoint, progress
from waarborg.notices.statement import named_with_role, role_of
from waarborg.register.ropa import legal_basis_label, transfer_text
from waarborg.requests.actions.common import RequestError
from waarborg.requests.actions.documents import included_items, never_the_original
from waarborg.requests.models import FileKind, Kind, TaskKind, TaskStatus

SHOWN_ROWS = 200  # per table in the readable report; the JSON and CSV hold every row


def _named(name, role):
    """'DHL Parcel (ontvanger)', 'Exact Online (boekhouding, verwerker)': the role once, in
    the name's own brackets when it has them."""
    if role.lower() in name.lower():
        return name
    if name.endswith(")"):
        return f"{name[:-1]}, {role})"
    return named_with_role(name, role)


def _activity_info(activity, index, language):
    groups = [term.code for term in activity.data_subjects.all()]
    return {
        "name": translated(activity.name, language),
        "purpose": translated(activity.purpose, language),
        "legal_basis": legal_basis_label(index, activity.legal_basis),
        "legal_basis_detail": translated(activity.legal_basis_detail, language),
        "categories": [t.label(language) for t in activity.data_categories.all()],
        "recipients": [
            {
                # 'DHL Parcel (ontvanger)', as the statement writes it: the role once
                "named": _named(translated(p.name, language), str(role_of(p.kind))),
                "name": translated(p.name, language),
                "kind": p.get_kind_display(),
                "transfer": transfer_text(index, p),
            }
            for p in activity.recipients.all()
        ],
        # said to the person as the statement says it: 'tot u zich afmeldt', '4 weken na
        # afloop van de sollicitatieprocedure', for the groups of people of the activity
        "retention": [
            f"{translated(rule.name, language)}: {kept_for(rule.duration, rule.trigger, groups)}"
            for rule in activity.retention_rules.all()
        ],
        "retention_note": translated(activity.retention_note, language),
        "source": activity.get_source_display(),
        "source_detail": translated(activity.source_detail, language),
        "automated": translated(activity.automated_decisions_detail, language)
        if activity.automated_decisions
        else "",
    }


def _system_data(subject_request, language):
    """[(system name, key, tables, files)] of the done system tasks."""
    result = []
    tasks = subject_request.tasks.filter(kind=TaskKind.SYSTEM, status=TaskStatus.DONE)
    for task in tasks.select_related("system").prefetch_related("files"):
        name = translated(task.system.name, language) if task.system else task.title
        key = task.system.key if task.system else slugify(task.title) or f"task-{task.pk}"
        tables = []
        for table, item in sorted((task.result.get("found") or {}).items()):
            tables.append(
                {
                    "name": table,
                    "fields": item["fields"],
                    "rows": item["rows"],
                    "shown": item["rows"][:SHOWN_ROWS],
                    "more": max(0, len(item["rows"]) - SHOWN_ROWS),
                }
            )
        files = [f for f in task.files.all() if f.kind == FileKind.RESULT]
        documents = included_items(task, language)
        folder = "documenten" if language == "nl" else "documents"
        for number, item in enumerate(documents, start=1):
            item["stem"] = f"{key}/{folder}/{number:02d}-"
            item["files"] = []  # the files of the package that hold it, once packed
        note = task.notes.strip() if task.notes_for_person else ""
        result.append(
            {
                "name": name,
                "key": key,
                "tables": tables,
                "files": files,
                "documents": documents,
                "note": note,
                "outcome": task.outcome,
            }
        )
    return result


def report_context(subject_request, systems=None):
    from waarborg.requests.actions import concerned_activities, local_date

    language = subject_request.language
    organisation = subject_request.organisation
    index = TermIndex(organisation)
    activities = []
    if subject_request.kind != Kind.PORTABILITY:
        activities = [
            a for a in concerned_activities(subject_request) if a.role != a.Role.PROCESSOR
        ]
    return {
        "organisation": organisation,
        "subject_request": subject_request,
        "language": language,
        "received": local_date(organisation, subject_request.received_at),
        "generated_at": timezone.localtime(),
        "activities": [_activity_info(a, index, language) for a in activities],
        "systems": _system_data(subject_request, language) if systems is None else systems,
        "groups": [t.label(language) for t in subject_request.subject_groups.all()],
    }


def report_policy(html):
    """The Content-Security-Policy to serve the report page with: nothing but its own inline
    style (allowed by its hash, so no other inline style or any script runs)."""
    import base64
    import hashlib
    import re

    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    ]
    return "; ".join(
        [
            "default-src 'none'",
            "style-src " + (" ".join(hashes) or "'none'"),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def render_report(subject_request, systems=None):
    with translation.override(subject_request.language):
        return render_to_string("requests/report.html", report_context(subject_request, systems))


def _file_stem(title):
    """ "offerte 2026.pdf" -> "offerte-2026-pdf": the text export says what it was."""
    return slugify(title.replace(".", " "))[:60] or "item"


class MailboxUnreachable(RequestError):
    """A mailbox could not be read while the package was made: no package, nothing kept."""

    def __init__(self, source_name):
        super().__init__(
            _(
                "The mailbox %(source)s cannot be reached, so the package is not made (nothing "
                "of it is kept): try again when the mailbox can be reached."
            )
            % {"source": source_name}
        )
        self.source_name = source_name


# How an included message or file is in the package (Art. 15(3)-(4) GDPR: a copy, without
# the rights of others).
ORIGINAL = "original"  # unredacted and still the one reviewed: the message (.eml) or the file
REDACTED = "redacted"  # a PDF and a text of the reviewed text, the redactions burnt in
MASKED = "masked"  # the same for a BSN the review showed masked (whose it is, no one saw)
UNREAD = "unread"  # the same for a message with attachments no one could read (not sent)
CHANGED = "changed"  # the original changed or is gone since the review: the reviewed text
UNCHECKED = "unchecked"  # indexed before originals were hashed: the reviewed text


def form_label(form):
    return {
        ORIGINAL: _("Included as the original"),
        REDACTED: _("Included as PDF and text, other people's data redacted"),
        MASKED: _("Included as PDF and text, a citizen service number (BSN) in it masked"),
        UNREAD: _(
            "Included as PDF and text, without the attachments that could not be read for "
            "the review"
        ),
        CHANGED: _(
            "Included as the reviewed text: the original changed or is gone since the review"
        ),
        UNCHECKED: _(
            "Included as the reviewed text: the original could not be checked against the review"
        ),
    }[form]


def _document_list(systems, language):
    """The list of the messages and files in the package, in the request's language."""
    with translation.override(language):
        header = [_("File"), _("Name"), _("System"), _("Where found"), _("Status")]
        output = io.StringIO()
        writer = csv.writer(output)
        writer.writerow(header)
        for system in systems:
            for item in system["documents"]:
                writer.writerow(
                    [
                        " + ".join(item["files"]),
                        item["title"],
                        system["name"],
                        item["where"],
                        form_label(item["form"]),
                    ]
                )
    return output.getvalue()


def _original_name(item, suffix):
    """ "offerte-2026.pdf" -> "offerte-2026.pdf", a mail "Afspraak monteur" ->
    "afspraak-monteur.eml": the original under its own kind."""
    title = item["title"]
    if title.lower().endswith(suffix):
        title = title[: -len(suffix)]
    return f"{item['stem']}{_file_stem(title)}{suffix}"


def _export_html(item, language):
    """The reviewed text as a page, each redaction a black bar with the mark in it: made from
    the redacted text only, so what was redacted is in no byte of the PDF."""
    from waarborg.requests.actions.documents import redacted_html, redaction_mark

    body = redacted_html(item["text"], redaction_mark(language))
    with translation.override(language):
        return render_to_string(
            "requests/document_export.html",
            {"item": item, "body": body, "language": language},
        )


def _pdf(html):
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def _pack_document(item, originals, language):
    """[(name, bytes)] of one included item, and how it is packed (ORIGINAL, ...)."""
    from waarborg.documents import extract
    from waarborg.documents import originals as originals_module

    text_name = f"{item['stem']}{_file_stem(item['title'])}.txt"
    if never_the_original(
        redacted=item["redacted"], bsn_masked=item["bsn_masked"], unread=item["unread"]
    ):
        pdf_name = f"{item['stem']}{_file_stem(item['title'])}.pdf"
        files = [(pdf_name, _pdf(_export_html(item, language))), (text_name, item["text"])]
        form = REDACTED if item["redacted"] else MASKED if item["bsn_masked"] else UNREAD
        return files, form
    if not item["digest"]:
        return [(text_name, item["text"])], UNCHECKED
    source = item["source"]
    try:
        data = originals.fetch(source, item["ref"], item["meta"])
    except originals_module.Unreachable:
        raise MailboxUnreachable(source.name) from None
    if data is None or extract.digest(data) != item["digest"]:
        return [(text_name, item["text"])], CHANGED
    suffix = originals_module.suffix_of(source, item["ref"], item["meta"])
    return [(_original_name(item, suffix), data)], ORIGINAL


def _csv(item):
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(item["fields"])
    writer.writerows(item["rows"])
    return output.getvalue()


def build(subject_request):
    """The package as ZIP bytes.

    Built in memory and kept in one commit by the caller, so work cut off leaves nothing
    behind; in a worker it may stop at a checkpoint between two items (messages and files
    fetched from their source, tables, uploaded files), and the job builds it again from the
    start (see tasks.make_package). A mailbox that cannot be reached stops it with a
    RequestError before anything is kept."""
    language = subject_request.language
    buffer = io.BytesIO()
    combined = {"reference": subject_request.reference, "systems": {}}
    systems = _system_data(subject_request, language)
    total = sum(
        len(system["tables"]) + len(system["files"]) + len(system["documents"])
        for system in systems
    )
    done = 0

    def item_done():
        nonlocal done
        done += 1
        progress(done, total)
        checkpoint()

    from waarborg.documents.originals import Originals

    packed = {}  # id(item) -> [(name, bytes)]
    with Originals() as originals:
        # the originals first (a mailbox may be slow or unreachable): the report says how
        # each item is in the package
        for system in systems:
            for item in system["documents"]:
                packed[id(item)], item["form"] = _pack_document(item, originals, language)
                item["files"] = [name for name, _data in packed[id(item)]]
                with translation.override(language):
                    item["form_label"] = str(form_label(item["form"]))
                item_done()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if subject_request.kind == Kind.ACCESS:
            html = render_report(subject_request, systems)
            archive.writestr("rapport.html" if language == "nl" else "report.html", html)
            try:
                from weasyprint import HTML

                pdf = HTML(string=html).write_pdf()
            except OSError:  # Pango missing: the HTML report still says everything
                pdf = None
            if pdf:
                archive.writestr("rapport.pdf" if language == "nl" else "report.pdf", pdf)
        for system in systems:
            tables = {}
            for table in system["tables"]:
                records = [dict(zip(table["fields"], row, strict=True)) for row in table["rows"]]
                tables[table["name"]] = records
                archive.writestr(
                    f"{system['key']}/{table['name']}.json",
                    json.dumps(records, ensure_ascii=False, indent=2),
                )
                archive.writestr(f"{system['key']}/{table['name']}.csv", _csv(table))
                item_done()
            for stored in system["files"]:
                archive.writestr(f"{system['key']}/{stored.name}", stored.content())
                item_done()
            for item in system["documents"]:
                for name, data in packed[id(item)]:
                    archive.writestr(name, data)
            combined["systems"][system["key"]] = {
                "name": system["name"],
                "tables": tables,
                "files": [f.name for f in system["files"]],
                "documents": [
                    {"files": i["files"], "name": i["title"], "where": i["where"],
                     "redacted": i["redacted"], "form": i["form"]}
                    for i in system["documents"]
                ],
            }  # fmt: skip
        if any(system["documents"] for system in systems):
            name = "documenten.csv" if language == "nl" else "documents.csv"
            archive.writestr(name, _document_list(systems, language))
        archive.writestr("data.json", json.dumps(combined, ensure_ascii=False, indent=2))
    return buffer.getvalue()
