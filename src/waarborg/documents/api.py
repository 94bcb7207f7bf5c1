"""Mail and document routes of the JSON API: the sources with their index status, starting
an indexing run in the worker, and (read-only) the hits of a request's task with their review.
Connecting a source and reviewing hits are done on the staff pages."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from waarborg.api.api import ErrorOut, require
from waarborg.core.access import scoped
from waarborg.core.models import Role
from waarborg.documents import actions, matching
from waarborg.documents.models import DocumentSource

router = Router(tags=["mail and documents"])
hits_router = Router(tags=["mail and documents"])


class ProgressOut(Schema):
    status: str = Field(description="queued or running")
    done: int = Field(description="items read so far")
    total: int | None = Field(description="items to read, once known")
    queued_at: datetime


class SourceOut(Schema):
    id: int
    system: str = Field(description="the system's key in the register")
    kind: str = Field(description="folder or imap")
    name: str
    folder: str = Field(description="a folder source's path; empty for a mailbox")
    server: str = Field(description="a mailbox's host:port; empty for a folder")
    mail_folders: list[str]
    write_access: bool = Field(description="may delete a person's messages after confirmation")
    indexed_at: datetime | None
    counts: dict[str, int] = Field(
        description="the last run: listed, read, unchanged, removed, failed"
    )
    last_error: str
    indexing: ProgressOut | None = Field(description="the worker's run now, if any")


class HitOut(Schema):
    id: int
    source: int
    title: str
    where: str
    kind: str = Field(description="mail or file")
    matched: list[str] = Field(description="which identifiers were found: email, phone_number…")
    snippets: list[list[str]] = Field(description="[before, match, after], BSNs masked")
    confidence: float
    decision: str = Field(description="pending, included or excluded")
    redactions: int = Field(description="how many strings are redacted in the copy")
    decided_by: str
    decided_at: datetime | None


def _progress(source):
    job = actions.index_job(source)
    if job is None:
        return None
    lease = getattr(job, "lease", None) if job.status == "RUNNING" else None
    return {
        "status": "running" if lease else "queued",
        "done": lease.done if lease else 0,
        "total": lease.total if lease else None,
        "queued_at": job.enqueued_at,
    }


def _out(source):
    imap = source.kind == "imap"
    return {
        "id": source.pk,
        "system": source.system.key,
        "kind": source.kind,
        "name": source.name,
        "folder": "" if imap else source.path,
        "server": f"{source.host}:{source.port}" if imap else "",
        "mail_folders": list(source.mail_folders) if imap else [],
        "write_access": source.write_access,
        "indexed_at": source.indexed_at,
        "counts": {k: int(v) for k, v in (source.index_counts or {}).items()},
        "last_error": source.last_error_text,
        "indexing": _progress(source),
    }


def _get(request, source_id):
    source = (
        scoped(DocumentSource, request.organisation)
        .select_related("system")
        .filter(pk=source_id)
        .first()
    )
    if source is None:
        raise HttpError(404, _("There is no mail or document source %s.") % source_id)
    return source


@router.get("/", response=list[SourceOut])
def list_sources(request, system: str = ""):
    """The organisation's mailboxes and folders, optionally of one system (its key)."""
    require(request, Role.VIEWER)
    rows = scoped(DocumentSource, request.organisation).select_related("system")
    if system:
        rows = rows.filter(system__key=system)
    return [_out(s) for s in rows.order_by("system__key", "name", "pk")[:1000]]


@router.get("/{source_id}", response=SourceOut)
def read_source(request, source_id: int):
    """One source: its index status and the indexing run now, if any."""
    require(request, Role.VIEWER)
    return _out(_get(request, source_id))


@router.post("/{source_id}/index", response={202: SourceOut, 409: ErrorOut})
def index_source(request, source_id: int):
    """Queue the indexing of the source for the worker (only new and changed items are read);
    409 when it is queued or running already."""
    require(request, Role.PRIVACY_OFFICER)
    source = _get(request, source_id)
    try:
        actions.start_indexing(source, actor=request.api_key)
    except actions.DocumentSourceError as error:
        raise HttpError(409, str(error)) from error
    return Status(202, _out(source))


@hits_router.get("/{reference}/tasks/{task_id}/hits", response=list[HitOut])
def task_hits(request, reference: str, task_id: int):
    """What the last search of the task's mail and documents found, with each review
    decision (read-only: searching and reviewing are done on the request's page). What a
    handler redacted is redacted here too: it is other people's data."""
    from django.utils.translation import get_language

    from waarborg.requests.actions.documents import redaction_mark
    from waarborg.requests.models import RequestTask, SubjectRequest

    require(request, Role.HANDLER)
    subject_request = (
        scoped(SubjectRequest, request.organisation).filter(reference=reference).first()
    )
    if subject_request is None:
        raise HttpError(404, _("There is no request %s.") % reference)
    task = RequestTask.objects.filter(request=subject_request, pk=task_id).first()
    if task is None:
        raise HttpError(404, _("The request has no task %s.") % task_id)
    mark = redaction_mark(get_language())
    rows = task.document_hits.filter(organisation=request.organisation)
    return [hit_out(hit, mark) for hit in rows]


def hit_out(hit, mark):
    """A hit as the API gives it: every string the handler redacted replaced by `mark` in
    its title, where it was found and its snippets."""
    from waarborg.requests.actions.documents import redact

    found, strings = hit.found, hit.redactions

    def clean(text):
        return redact(str(text), strings, mark)

    return {
        "id": hit.pk,
        "source": hit.source_id,
        "title": clean(found.get("title", "")),
        "where": clean(found.get("where", "")),
        "kind": found.get("kind", "file"),
        "matched": found.get("matched", []),
        "snippets": [matching.redact_snippet(s, strings, mark) for s in found.get("snippets", [])],
        "confidence": hit.confidence,
        "decision": hit.decision,
        "redactions": len(strings),
        "decided_by": hit.decided_by,
        "decided_at": hit.decided_at,
    }
