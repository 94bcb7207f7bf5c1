"""Connecting mailboxes and document folders, indexing them, and finding a person in them.

Every function that touches personal data writes an audit entry with counts, never the data.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from waarborg.audit.actions import record_entry
from waarborg.core.crypto import encrypt_text
from waarborg.documents import folders, guard, index, matching
from waarborg.documents.models import (
    OFFICE365_SCOPE,
    PASSWORD_PURPOSE,
    SECRET_PURPOSE,
    Auth,
    DocumentSource,
    Kind,
)
from waarborg.sources.actions import clean_identities

log = logging.getLogger("waarborg.documents")


class DocumentSourceError(Exception):
    """Why a source cannot be connected, changed or read; `field` names the form field it is
    about, where there is one."""

    told = True  # the source's page tells it (last_error): no traceback in the worker's log

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def connect_folder(organisation, system, *, actor, name, path, include="", exclude=""):
    """Connect a folder of documents (checked against WAARBORG_DOCUMENT_DIRS) to a system."""
    try:
        real = guard.allowed_folder(path)
    except guard.FolderRefused as error:
        raise DocumentSourceError(str(error), field="path") from None
    with transaction.atomic():
        source = DocumentSource.objects.create(
            organisation=organisation,
            system=system,
            kind=Kind.FOLDER,
            name=name,
            path=real,
            include=include,
            exclude=exclude,
        )
        record_entry(
            organisation,
            actor=actor,
            action="documents.connect",
            obj=source,
            new={"kind": source.kind, "folder": real},
        )
    return source


def connect_mailbox(
    organisation,
    system,
    *,
    actor,
    name,
    host,
    port,
    username,
    password="",
    mail_folders=(),
    write_access=False,
    trash_folder="Trash",
    auth=Auth.PASSWORD,
    tenant="",
    client_id="",
    client_secret="",
    token_url="",
    scope=OFFICE365_SCOPE,
):
    """Connect an IMAP mailbox (TLS) after a test sign-in: with a password, or with OAuth2
    client credentials (Microsoft 365: tenant, client id and secret; SASL XOAUTH2). The
    password or client secret is stored encrypted."""
    from waarborg.documents import imap, oauth

    source = DocumentSource(
        organisation=organisation,
        system=system,
        kind=Kind.IMAP,
        name=name,
        host=host,
        port=port,
        username=username,
        mail_folders=list(mail_folders),
        write_access=write_access,
        trash_folder=trash_folder,
        auth=auth,
    )
    if auth == Auth.OAUTH2:
        tenant, client_id, token_url = tenant.strip(), client_id.strip(), token_url.strip()
        if not client_id or not client_secret or not (tenant or token_url):
            raise DocumentSourceError(
                _("Give the tenant, the client id and the client secret of the app.")
            )
        oauth.token_url(tenant, token_url)  # refuses a bad tenant or endpoint
        source.oauth_tenant, source.oauth_client_id = tenant, client_id
        source.oauth_secret_encrypted = encrypt_text(client_secret, SECRET_PURPOSE)
        source.oauth_token_url, source.oauth_scope = token_url, scope.strip() or OFFICE365_SCOPE
    elif auth == Auth.PASSWORD:
        source.password_encrypted = encrypt_text(password, PASSWORD_PURPOSE)
    else:
        raise DocumentSourceError(_("Choose how Waarborg signs in to the mailbox."))
    imap.test_source_login(source)
    with transaction.atomic():
        source.save()
        new = {
            "kind": source.kind,
            "server": f"{host}:{port}",
            "user": username,
            "write_access": write_access,
            "sign_in": auth,
        }
        if auth == Auth.OAUTH2:
            new.update(tenant=tenant, client_id=client_id)
        record_entry(organisation, actor=actor, action="documents.connect", obj=source, new=new)
    return source


SETTINGS = ("name", "include", "exclude", "mail_folders", "write_access", "trash_folder",
            "index_days", "kept_patterns", "kept_rule")  # fmt: skip


def _audited(value):
    return getattr(value, "key", value)  # a retention rule by its key


def update_source(source, *, actor, password="", **changes):
    """Change a connected source's settings (SettingsForm's): audited with what was and what
    is (never the password, only that it changed). A new mailbox password is tested first; a
    changed list of folders or patterns takes effect at the next indexing run, which reads
    what is new and leaves out of the index what is no longer listed."""
    from waarborg.documents import imap
    from waarborg.requests.document_holds import minimum_rules

    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise DocumentSourceError(_("These settings cannot be changed here."))
    rule = changes.get("kept_rule")
    if rule is not None and rule.pk not in {r.pk for r in minimum_rules(source.system)}:
        raise DocumentSourceError(_("Choose a statutory minimum of this system."))
    old = {name: _audited(getattr(source, name)) for name in changes}
    for name, value in changes.items():
        setattr(source, name, list(value) if name == "mail_folders" else value)
    if password:
        if source.kind != Kind.IMAP or source.auth != Auth.PASSWORD:
            raise DocumentSourceError(_("This source signs in without a password."))
        source.password_encrypted = encrypt_text(password, PASSWORD_PURPOSE)
    opened = ("mail_folders", "write_access", "trash_folder")  # what a test sign-in opens
    reopen = any(name in changes and old[name] != getattr(source, name) for name in opened)
    if password or (source.kind == Kind.IMAP and reopen):
        imap.test_source_login(source)  # refuses, and nothing is saved
    new = {name: _audited(getattr(source, name)) for name in changes}
    changed_old = {k: v for k, v in old.items() if v != new[k]}
    changed_new = {k: new[k] for k in changed_old}
    if password:
        changed_new["password_changed"] = True
    if not changed_new:
        return source
    with transaction.atomic():
        fields = [*changed_old, *(["password_encrypted"] if password else [])]
        fields = ["kept_rule_id" if name == "kept_rule" else name for name in fields]
        source.save(update_fields=fields)
        record_entry(
            source.organisation,
            actor=actor,
            action="documents.settings",
            obj=source,
            old=changed_old,
            new=changed_new,
        )
    return source


def test_source(source):
    """None when the source can be read, else the one message why not."""
    try:
        if source.kind == Kind.FOLDER:
            guard.allowed_folder(source.path)
        else:
            from waarborg.documents import imap

            imap.test_source_login(source)
    except (guard.FolderRefused, DocumentSourceError) as error:
        return str(error)
    return None


def disconnect_source(source, *, actor):
    with transaction.atomic():
        record_entry(
            source.organisation,
            actor=actor,
            action="documents.disconnect",
            obj=source,
            old={"kind": source.kind, "name": source.name},
        )
        index.drop_source(source.pk)
        source.delete()


def _parts(source):
    if source.kind == Kind.FOLDER:
        return folders.listing(source), folders.loader(source)
    from waarborg.documents import imap

    return imap.listing(source), imap.loader(source)


def _mailbox_error():
    from waarborg.documents.imap import MailboxError

    return MailboxError


def index_source(source, *, actor=None, on_batch=None):
    """Bring the source's index up to date (new and changed items read, deletions removed)."""
    try:
        # the reason a run failed is kept as written in the source (English), and each reader
        # sees it in their own language (last_error_text): never in the language of the run
        with translation.override("en"):
            listing, load = _parts(source)
            run = index.update(source.pk, listing, load, on_batch=on_batch)
    except (guard.FolderRefused, DocumentSourceError, _mailbox_error()) as error:
        message = str(error)
        if isinstance(error, _mailbox_error()):
            log.warning("indexing mailbox %s failed: %s", source.pk, message[:300])
            message = gettext_noop(
                "A mail folder of this mailbox cannot be opened: check its mail folders."
            )
        source.last_error = message
        source.save(update_fields=["last_error"])
        raise DocumentSourceError(source.last_error_text) from None
    counts = {
        "listed": run.listed,
        "read": run.read,
        "unchanged": run.unchanged,
        "removed": run.removed,
        "failed": run.failed,
    }
    with transaction.atomic():
        source.indexed_at = timezone.now()
        source.index_counts = counts
        source.last_error = ""
        source.save(update_fields=["indexed_at", "index_counts", "last_error"])
        record_entry(
            source.organisation, actor=actor, action="documents.index", obj=source, new=counts
        )
    return run


def person_identities(identities):
    cleaned = clean_identities(identities)
    return {name: values for name, values in cleaned.items() if values}


def find_person(organisation, identities, *, actor, sources=None, reason="", about=None):
    """The hits of a person in the organisation's mail and document sources (Art. 15 GDPR),
    audited with counts only. `sources` narrows to some of them (of this organisation only);
    `about` is what the look-up is for in the audit trail (a request), else the one source."""
    identities = person_identities(identities)
    if not identities:
        raise DocumentSourceError(_("Give at least one identity to look for"))
    own = DocumentSource.objects.filter(organisation=organisation)
    if sources is not None:
        own = own.filter(pk__in=[s.pk for s in sources])
    searched = list(own)
    ids = [source.pk for source in searched]
    hits = matching.find(ids, identities)
    with transaction.atomic():
        record_entry(
            organisation,
            actor=actor,
            action="documents.find",
            # what it was for, or the source looked in (the trail's Object column names it)
            obj=about or (searched[0] if len(searched) == 1 else None),
            new={"sources": len(ids), "hits": len(hits), "reason": str(reason)[:200]},
        )
    return hits


def delete_messages(source, refs, *, actor, confirmed_count, reason=""):
    """Delete a person's messages from a mailbox that allows it (Art. 17 GDPR): moved to the
    trash folder, then expunged there. `confirmed_count` must be the number of messages the
    person confirming saw ("delete these N messages"), so a changed list deletes nothing.
    Returns the evidence (folders, Message-IDs, count), also written to the audit trail."""
    from waarborg.documents import imap

    refs = sorted(set(refs))
    if source.kind != Kind.IMAP or not source.write_access:
        raise DocumentSourceError(_("This mailbox is connected read-only; nothing was deleted."))
    if not refs or confirmed_count != len(refs):
        raise DocumentSourceError(_("Confirm the number of messages to delete."))
    known = set(index.refs_of(source.pk))
    if not set(refs) <= known:
        raise DocumentSourceError(_("Only messages found in this mailbox can be deleted."))
    try:
        evidence = imap.delete_messages(source, refs)
    except imap.MailboxError as error:
        raise DocumentSourceError(str(error)) from None
    # only what is gone: a message left alone stays findable
    index.forget(source.pk, evidence.get("deleted_refs", refs))
    with transaction.atomic():
        record_entry(
            source.organisation,
            actor=actor,
            action="documents.delete_messages",
            obj=source,
            new={
                "count": evidence["count"],
                "not_found": len(evidence["not_found"]),
                "messages": evidence["deleted"],
                "reason": str(reason)[:200],
            },
        )
    return evidence


def recover_deletion(source, refs, message_ids, *, actor, reason=""):
    """After a deletion of these messages was cut off (a crash between the mailbox and the
    database): which of them are gone from the mailbox. Their copies are expunged from the
    trash, the index forgets them, and the audit trail says so. Read-only but for the trash."""
    from waarborg.documents import imap

    refs = sorted(set(refs))
    try:
        present = imap.present_refs(source, refs)
        gone = [value for value in refs if value not in present]
        imap.finish_in_trash(source, [message_ids.get(value, "") for value in gone])
    except imap.MailboxError as error:
        raise DocumentSourceError(str(error)) from None
    index.forget(source.pk, gone)
    with transaction.atomic():
        record_entry(
            source.organisation,
            actor=actor,
            action="documents.deletion_recovered",
            obj=source,
            new={"gone": len(gone), "still_there": len(refs) - len(gone),
                 "reason": str(reason)[:200]},
        )  # fmt: skip
    return gone


def apply_index_retention(*, now=None):
    """The index's own retention, run at night (its terms are necessarily plain): items of
    sources no longer connected go (a system deleted with its sources); the index of a source
    not indexed again within its `index_days` goes; and the hits stored on a request's tasks go
    once the request has been closed for the organisation's purge period, with its files.
    Audited per organisation with counts only. Returns the totals."""
    from waarborg.core.models import Organisation
    from waarborg.jobs.worker import checkpoint
    from waarborg.requests.actions.common import settings_for
    from waarborg.requests.models import DocumentHit

    now = now or timezone.now()
    totals = {"orphans": 0, "sources": 0, "items": 0, "hits": 0}
    connected = set(DocumentSource.objects.values_list("pk", flat=True))
    for source_id in index.source_ids():
        if source_id not in connected:
            totals["items"] += index.drop_source(source_id)
            totals["orphans"] += 1
    counts = {}
    for source in DocumentSource.objects.order_by("pk"):
        checkpoint()
        if not source.index_expired(now):
            continue
        items = index.drop_source(source.pk)
        if not items and source.indexed_at is None:
            continue  # dropped before, or never indexed
        source.indexed_at, source.index_counts = None, {}
        source.save(update_fields=["indexed_at", "index_counts"])
        org = counts.setdefault(source.organisation_id, {"sources": 0, "items": 0, "hits": 0})
        org["sources"] += 1
        org["items"] += items
    for organisation in Organisation.objects.order_by("pk"):
        checkpoint()
        cutoff = now - timedelta(days=settings_for(organisation).purge_days)
        closed = DocumentHit.objects.filter(
            organisation=organisation, task__request__closed_at__lte=cutoff
        )
        org = counts.setdefault(organisation.pk, {"sources": 0, "items": 0, "hits": 0})
        with transaction.atomic():
            _total, rows = closed.delete()
            org["hits"] = rows.get(DocumentHit._meta.label, 0)
            if any(org.values()):
                record_entry(
                    organisation, actor=None, action="documents.index_retention", new=dict(org)
                )
        for name in ("sources", "items", "hits"):
            totals[name] += org[name]
    return totals


INDEX_TASK = "waarborg.documents.tasks.index_document_source"


def index_job(source):
    """The worker's unfinished indexing of this source (queued or running), with its lease
    (how far it is) when a worker has it; None when there is none."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(
            task_path=INDEX_TASK,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            args_kwargs__args__0=source.pk,
        )
        .select_related("lease")
        .order_by("-enqueued_at")
        .first()
    )


def start_indexing(source, *, actor):
    """Queue the indexing of a source for the worker, unless it is queued or running already."""
    from waarborg.documents.tasks import index_document_source

    with transaction.atomic():
        if index_job(source) is not None:
            raise DocumentSourceError(_("This source is being indexed already."))
        record_entry(
            source.organisation,
            actor=actor,
            action="documents.index_started",
            obj=source,
            new={"kind": source.kind, "name": source.name},
        )
        # the job is a row of this database: queued with the audit entry, or not at all
        # the worker's own entry names the person who asked; an API key is named above
        from django.contrib.auth import get_user_model

        user_id = actor.pk if isinstance(actor, get_user_model()) else None
        return index_document_source.enqueue(source.pk, user_id)
