"""A request's files, encrypted at rest: uploads, packages and their download links, and their
deletion on the organisation's schedule."""

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waarborg.audit.actions import actor_label, record_entry
from waarborg.core import links
from waarborg.core.crypto import encrypt_bytes
from waarborg.core.emails import absolute_url
from waarborg.core.models import Organisation
from waarborg.requests.actions.common import DOWNLOAD_SALT, RequestError, settings_for
from waarborg.requests.models import (
    FILE_PURPOSE,
    DocumentHit,
    FileKind,
    HitDecision,
    Kind,
    RequestFile,
    RequestLink,
    SubjectRequest,
)


def _store_file(
    subject_request,
    kind,
    upload,
    *,
    actor_text,
    task=None,
    expires_at=None,
    name=None,
    content_type=None,
):
    """Encrypt and keep a file (an UploadedFile, or bytes with `name`)."""
    if isinstance(upload, bytes):
        data = upload
    else:
        limit = settings_for(subject_request.organisation).max_upload_mb * 1024 * 1024
        if upload.size > limit:
            raise RequestError(
                _("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
            )
        data = upload.read()
        name = name or upload.name
        content_type = content_type or upload.content_type
    return RequestFile.objects.create(
        organisation=subject_request.organisation,
        request=subject_request,
        task=task,
        kind=kind,
        name=(name or "file")[-255:],
        content_type=content_type or "application/octet-stream",
        size=len(data),
        data=encrypt_bytes(data, FILE_PURPOSE),
        uploaded_by=actor_text,
        expires_at=expires_at,
    )


def download_link(package):
    """The link to a package: an opaque id (core/links.py) that works until the package
    expires, for as many downloads as the person needs until then."""
    token, _row = links.mint(
        RequestLink,
        organisation=package.organisation,
        request=package.request,
        kind=RequestLink.Kind.DOWNLOAD,
        package=package,
        expires_at=package.expires_at,
    )
    return absolute_url(reverse("center:request_download", args=[package.organisation.slug, token]))


def package_from_token(organisation, token):
    """The package a download link is for, or None when invalid, expired, replaced or for
    another organisation. Links signed before links were opaque are read until the package
    they name expires."""
    if links.is_signed(token):
        try:
            package_id = signing.loads(token, salt=DOWNLOAD_SALT).get("f")
        except (signing.BadSignature, AttributeError):
            return None
    else:
        link = links.find(
            RequestLink, token, organisation=organisation, kind=RequestLink.Kind.DOWNLOAD
        )
        package_id = link.package_id if link else None
    if package_id is None:
        return None
    package = RequestFile.objects.filter(
        organisation=organisation, pk=package_id, kind=FileKind.PACKAGE
    ).first()
    if package is None or package.is_expired():
        return None
    return package


def check_package_ready(subject_request):
    """A package holds what the finished tasks of the systems found: made while one is still
    open, it would tell the person "we found no data" of a system nobody has looked in yet."""
    from waarborg.requests.models import TaskKind

    if subject_request.kind not in (Kind.ACCESS, Kind.PORTABILITY):
        raise RequestError(_("Only access and portability requests have a package."))
    waiting = [
        str(task.system or task.title)
        for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM).select_related("system")
        if task.is_open
    ]
    if waiting:
        raise RequestError(
            ngettext(
                "The task of %(systems)s is still open: finish it (or mark it not applicable) "
                "first, so the package says only what was found.",
                "The tasks of %(systems)s are still open: finish them (or mark them not "
                "applicable) first, so the package says only what was found.",
                len(waiting),
            )
            % {"systems": ", ".join(waiting)}
        )


def build_package(subject_request, *, actor):
    """Make the answer package of an access or portability request (see package.py) and keep
    it encrypted until it expires. A new package replaces an earlier one. Refused while a
    system's task is still open (check_package_ready)."""
    from waarborg.requests import package

    check_package_ready(subject_request)
    content = package.build(subject_request)
    days = settings_for(subject_request.organisation).package_days
    with transaction.atomic():
        RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).delete()
        stored = _store_file(
            subject_request,
            FileKind.PACKAGE,
            content,
            actor_text=actor_label(actor),
            name=f"{subject_request.reference}.zip",
            content_type="application/zip",
            expires_at=timezone.now() + timedelta(days=days),
        )
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.package",
            obj=subject_request,
            new={"size": stored.size, "expires_at": stored.expires_at},
        )
    return stored


def package_out_of_date(subject_request, package):
    """Why a package made earlier no longer holds what the request's tasks say now, or "": a
    task finished again or a mail or document hit decided again after it was made, or an item
    it holds changed or gone from the index since (another request's erasure deleted it)."""
    from django.utils.translation import get_language

    from waarborg.requests.actions.documents import check_included_current

    made = package.created_at
    redecided = DocumentHit.objects.filter(
        organisation=subject_request.organisation,
        task__request=subject_request,
        decided_at__gt=made,
    )
    if subject_request.tasks.filter(completed_at__gt=made).exists() or redecided.exists():
        return _(
            "A task or a hit in the mail and documents was decided again after the package "
            "was made: make the package again."
        )
    with_items = subject_request.tasks.filter(
        document_hits__decision=HitDecision.INCLUDED
    ).distinct()
    for task in with_items:
        try:
            check_included_current(task, get_language() or subject_request.language)
        except RequestError as error:
            return str(error)
    return ""


LARGE_PACKAGE_ROWS = 20_000  # rows found over every system: the worker builds the package
# included messages and files: their originals are fetched from the mailbox or folder
LARGE_PACKAGE_DOCUMENTS = 25


def package_is_large(subject_request):
    """Whether the package would take long to build: then it is built by the worker."""
    from waarborg.requests.models import DocumentHit, HitDecision, TaskKind, TaskStatus

    rows = 0
    tasks = subject_request.tasks.filter(kind=TaskKind.SYSTEM, status=TaskStatus.DONE)
    for result in tasks.values_list("result", flat=True):
        for item in ((result or {}).get("found") or {}).values():
            rows += len(item.get("rows") or [])
    documents = DocumentHit.objects.filter(task__in=tasks, decision=HitDecision.INCLUDED)
    return rows > LARGE_PACKAGE_ROWS or documents.count() > LARGE_PACKAGE_DOCUMENTS


def record_package_failure(subject_request, *, actor, mailbox):
    """The worker could not make the package because a mailbox could not be reached: said on
    the request's page (in the reader's language) until a package is made."""
    with transaction.atomic():
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.package_failed",
            obj=subject_request,
            new={"mailbox": mailbox},
        )


def package_failure(subject_request):
    """The audit entry of the last package the worker could not make, when no package was
    made since; else None."""
    from waarborg.audit.models import AuditEntry

    last = (
        AuditEntry.objects.filter(
            organisation=subject_request.organisation,
            object_type=subject_request._meta.label_lower,
            object_id=str(subject_request.pk),
            action__in=["request.package", "request.package_failed"],
        )
        .order_by("-seq")
        .first()
    )
    return last if last is not None and last.action == "request.package_failed" else None


def queue_package(subject_request, *, actor):
    """Have the worker build the package (a large one takes long): after the commit, as a job
    that survives its worker's death (see tasks.make_package)."""
    from waarborg.requests.tasks import make_package

    check_package_ready(subject_request)
    queued_at = timezone.now().isoformat()
    actor_id = actor.pk if actor is not None else None
    transaction.on_commit(lambda: make_package.enqueue(subject_request.pk, actor_id, queued_at))


def open_file(stored, *, actor):
    """A request's file decrypted for staff; every opening is audited."""
    with transaction.atomic():
        record_entry(
            stored.organisation,
            actor=actor,
            action="request.file_open",
            obj=stored.request,
            new={"file": stored.name, "kind": stored.kind},
        )
    return stored.content()


def record_download(package, *, ip=""):
    with transaction.atomic():
        RequestFile.objects.filter(pk=package.pk).update(downloads=F("downloads") + 1)
        record_entry(
            package.organisation,
            actor=None,
            action="request.download",
            obj=package.request,
            new={"file": package.name, "ip": ip},
        )


def prune_links(now=None):
    """Delete the links (verification, upload, download) that have expired; how many."""
    return links.prune(RequestLink, now)


def purge_files(now=None):
    """Delete expired packages, and every file of requests closed longer ago than the
    organisation's purge period. Idempotent; the audit records what went."""
    now = now or timezone.now()
    deleted = 0
    for organisation in Organisation.objects.order_by("pk"):
        cutoff = now - timedelta(days=settings_for(organisation).purge_days)
        expired = RequestFile.objects.filter(
            organisation=organisation, kind=FileKind.PACKAGE, expires_at__lte=now
        )
        closed = RequestFile.objects.filter(
            organisation=organisation, request__closed_at__lte=cutoff
        )
        ids = set(expired.values_list("pk", flat=True)) | set(closed.values_list("pk", flat=True))
        if not ids:
            continue
        with transaction.atomic():
            _total, rows = RequestFile.objects.filter(pk__in=ids).delete()  # links go too
            count = rows.get(RequestFile._meta.label, 0)
            SubjectRequest.objects.filter(
                organisation=organisation, closed_at__lte=cutoff, purged_at__isnull=True
            ).update(purged_at=now)
            record_entry(
                organisation, actor=None, action="request.purge_files", new={"files": count}
            )
        deleted += count
    return deleted
