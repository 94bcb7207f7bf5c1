"""A system's mail and document sources in a request: the person found from the verified
identifiers only, each hit reviewed by a handler (included or excluded, other people's data
redacted) before anything of it goes into a package (Art. 15(4) GDPR: the rights of others).

An included item without redactions goes into the package as its original (the message as
.eml, the file as it is), once its hash shows it is still the one reviewed; one with redactions
never as its original (a redaction laid over a PDF can be lifted), but as a PDF and a text
made from the reviewed text with the redactions burnt in (see requests.package).
"""

import json
import re

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import actor_label, record_entry
from waarborg.core.crypto import encrypt_text, keyed_hash
from waarborg.requests.actions.common import RequestError
from waarborg.requests.actions.identifiers import claimed_identities, verified_identities
from waarborg.requests.document_holds import item_date
from waarborg.requests.models import (
    HIT_PURPOSE,
    ClaimedDecision,
    DocumentHit,
    HitDecision,
    Kind,
    TaskKind,
)

# Kinds whose system tasks search the mail and document sources.
DOCUMENT_KINDS = (Kind.ACCESS, Kind.PORTABILITY, Kind.ERASURE)
TEXT_PURPOSE = "request-document-text"
MAX_REDACTIONS = 50


def document_sources(task):
    """The mail and document sources of the task's system, of the task's organisation only."""
    from waarborg.documents.models import DocumentSource

    if task.kind != TaskKind.SYSTEM or task.system_id is None:
        return DocumentSource.objects.none()
    return DocumentSource.objects.filter(organisation=task.organisation, system=task.system)


def search_identities(subject_request):
    """The identifiers a search may use: the verified ones, and the claimed ones only after
    staff confirmed they are the person's. A name is never verified, so it is not used."""
    subject_request.refresh_from_db()
    identities = dict(verified_identities(subject_request))
    if subject_request.claimed_decision == ClaimedDecision.CONFIRMED:
        identities.update(claimed_identities(subject_request))
    return identities


def text_hash(text):
    return keyed_hash(text, TEXT_PURPOSE)


def _where(source, meta):
    if meta.get("kind") == "mail":
        return f"{source.name}: {meta.get('folder', '')}"
    if meta.get("message"):  # one message of an MBOX file, numbered as in its ref
        return f"{source.name}: {meta.get('path', '')}#{meta['message']}"
    return f"{source.name}: {meta.get('path', '')}"


def find_documents(task, *, actor):
    """Search the task's mail and document sources for the person and keep each hit for review.

    Hits decided before are kept with their decision unless the item changed since (then it
    is to be reviewed again); undecided hits no longer found go."""
    from waarborg.documents import actions as document_actions
    from waarborg.documents import index
    from waarborg.requests.actions.document_erasure import apply_holds

    subject_request = task.request
    if subject_request.kind not in DOCUMENT_KINDS:
        raise RequestError(_("This kind of request does not search mail and documents."))
    if not subject_request.is_open or not task.is_open:
        raise RequestError(_("This task is no longer open."))
    sources = list(document_sources(task))
    if not sources:
        raise RequestError(_("This system has no mail or document source."))
    unindexed = [source.name for source in sources if source.indexed_at is None]
    if unindexed:
        # never indexed, or its index was cleared by the index's retention: finding nothing
        # there would read as "the person is not in it"
        raise RequestError(
            _("%(sources)s is not indexed (or its index was cleared): index it first.")
            % {"sources": ", ".join(unindexed)}
        )
    identities = search_identities(subject_request)
    if not identities:
        raise RequestError(
            _(
                "No identifier of this request is verified, so the mail and documents are not "
                "searched: establish the identity first."
            )
        )
    hits = document_actions.find_person(
        task.organisation,
        identities,
        actor=actor,
        sources=sources,
        reason=subject_request.reference,
        about=subject_request,
    )
    by_pk = {source.pk: source for source in sources}
    with transaction.atomic():
        existing = {(h.source_id, h.ref): h for h in task.document_hits.all()}
        seen = set()
        for hit in hits:
            source = by_pk.get(hit.source_id)
            if source is None:  # find_person keeps to these sources; never trust it blindly
                continue
            key = (hit.source_id, hit.ref)
            seen.add(key)
            text = index.item_text(hit.source_id, hit.ref)
            found = {
                "title": str(hit.meta.get("title") or hit.ref),
                "where": _where(source, hit.meta),
                "kind": hit.meta.get("kind", "file"),
                "matched": hit.matched,
                "snippets": [list(s) for s in hit.snippets],
                "text_hash": text_hash(text[1]) if text else "",
                # the original as indexed: checked again before the original goes out
                "digest": str(hit.meta.get("sha256") or ""),
                # BSNs the review showed masked: the original would show them in full
                "bsn_masked": int(hit.meta.get("bsn_masked") or 0),
                # attachments no one could read: the original would send them unseen
                "unread": [str(name) for name in hit.meta.get("unread") or []][:50],
            }
            if hit.meta.get("path"):
                found["path"] = hit.meta["path"]
            day = item_date(hit.meta)  # a message's date, a file's last change
            if day is not None:
                found["date"] = day.isoformat()
            if hit.meta.get("message"):  # one message of an MBOX file: the file and its number
                found.update(path=hit.meta.get("path", ""), message=hit.meta["message"])
            sealed = encrypt_text(json.dumps(found, ensure_ascii=False), HIT_PURPOSE)
            old = existing.get(key)
            if old is None:
                DocumentHit.objects.create(
                    organisation=task.organisation,
                    task=task,
                    source=source,
                    ref=hit.ref,
                    found_encrypted=sealed,
                    confidence=hit.confidence,
                )
            elif not old.is_reviewed or _changed(old.found, found):
                # changed since it was decided: to be reviewed again (its redactions shown)
                old.found_encrypted = sealed
                old.confidence = hit.confidence
                old.decision = HitDecision.PENDING
                old.save(update_fields=["found_encrypted", "confidence", "decision"])
        gone = [h.pk for k, h in existing.items() if k not in seen and not h.is_reviewed]
        DocumentHit.objects.filter(pk__in=gone).delete()
        task.documents_searched_at = timezone.now()
        task.save(update_fields=["documents_searched_at"])
        apply_holds(task)
        record_entry(
            task.organisation,
            actor=actor,
            action="request.documents_found",
            obj=subject_request,
            new={
                "task": task.pk,
                "sources": len(sources),
                "hits": len(seen),
                "identifiers": sorted(identities),
            },
        )
    return list(task.document_hits.all())


def _changed(reviewed, found):
    """Whether an item differs from the one reviewed: its text, or (when both were hashed)
    its original."""
    if reviewed.get("text_hash") != found["text_hash"]:
        return True
    return bool(reviewed.get("digest") and found["digest"]) and (
        reviewed["digest"] != found["digest"]
    )


def clean_redactions(redactions):
    """The strings to redact, one a line or a list: stripped, without duplicates."""
    if isinstance(redactions, str):
        redactions = redactions.splitlines()
    cleaned = []
    for value in redactions or []:
        value = " ".join(str(value).split())
        if value and value.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(value)
    if len(cleaned) > MAX_REDACTIONS:
        raise RequestError(_("Give at most 50 strings to redact."))
    if any(len(value) < 2 for value in cleaned):
        raise RequestError(_("A string to redact has at least two characters."))
    return cleaned


def review_hit(hit, *, actor, decision, redactions=()):
    """A handler includes a hit in the answer (with the strings to redact in its copy) or
    excludes it; audited with the decision and the number of redactions, never the strings."""
    task = hit.task
    if decision not in (HitDecision.INCLUDED, HitDecision.EXCLUDED):
        raise RequestError(_("Choose whether the item is included or excluded."))
    if not task.request.is_open or not task.is_open:
        raise RequestError(_("This task is no longer open."))
    if hit.erasure:
        raise RequestError(_("This item is already deleted."))
    # an item excluded keeps the redactions it had, so that including it again (after all)
    # does not send it without them
    cleaned = (
        clean_redactions(redactions) if decision == HitDecision.INCLUDED else list(hit.redactions)
    )
    with transaction.atomic():
        old = {"decision": hit.decision, "redactions": len(hit.redactions)}
        hit.decision = decision
        hit.redactions_encrypted = (
            encrypt_text(json.dumps(cleaned, ensure_ascii=False), HIT_PURPOSE) if cleaned else ""
        )
        hit.decided_by = actor_label(actor)
        hit.decided_at = timezone.now()
        hit.save(update_fields=["decision", "redactions_encrypted", "decided_by", "decided_at"])
        record_entry(
            task.organisation,
            actor=actor,
            action="request.document_reviewed",
            obj=task.request,
            old=old,
            new={"task": task.pk, "hit": hit.pk, "decision": decision, "redactions": len(cleaned)},
        )
    return hit


def check_documents_reviewed(task):
    """Raise unless the task may be completed: its system's mail and document sources were
    searched, every hit was included or excluded by a handler, and for an erasure every
    included one was deleted or is kept under a legal hold."""
    from waarborg.requests.actions.document_erasure import check_erasure_settled

    if task.request.kind not in DOCUMENT_KINDS or not document_sources(task).exists():
        return
    if task.documents_searched_at is None:
        raise RequestError(
            _("Search the system's mail and documents for the person before completing the task.")
        )
    pending = task.document_hits.filter(decision=HitDecision.PENDING).count()
    if pending:
        raise RequestError(
            _("Review every message and file found first: %(count)s still to review.")
            % {"count": pending}
        )
    check_erasure_settled(task)


def redact(text, strings, mark):
    """The text with every occurrence of each string replaced by `mark`: case and the spaces
    or line breaks between words do not matter, so "Piet\\nJansen" goes with "Piet Jansen"."""
    for value in sorted(strings, key=len, reverse=True):
        words = value.split()
        if not words:
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        text = re.sub(pattern, mark, text, flags=re.IGNORECASE)
    return text


def redacted_html(text, mark):
    """The redacted text as safe HTML, each redaction a `<span class="redacted">` holding the
    mark: made from the redacted text only, so what was redacted is in none of it."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    bar = f'<span class="redacted">{escape(mark)}</span>'
    return mark_safe(bar.join(escape(part) for part in text.split(mark)))  # noqa: S308


def never_the_original(*, redacted, bsn_masked, unread):
    """Whether an included item goes into the package as a PDF and a text of its reviewed
    copy, never as its original: something in it was redacted, a BSN was shown masked (whose
    it is, no one saw), or a part could not be read (so no one reviewed it)."""
    return bool(redacted or bsn_masked or unread)


def hit_copy(hit, *, actor, language):
    """What a handler reads before deciding: the item's whole text as indexed (BSNs masked)
    with the redactions given so far burnt in, as the copy in the package would hold it, and
    how it would go ("original", "pdf" or "text"). The reading is audited. None when the item
    is gone from the index (search again)."""
    from waarborg.documents import index

    stored = index.item_text(hit.source_id, hit.ref)
    if stored is None:
        return None
    mark = redaction_mark(language)
    found, strings = hit.found, hit.redactions
    if never_the_original(
        redacted=strings, bsn_masked=found.get("bsn_masked"), unread=found.get("unread")
    ):
        goes_as = "pdf"
    else:
        goes_as = "original" if found.get("digest") else "text"
    with transaction.atomic():
        record_entry(
            hit.organisation,
            actor=actor,
            action="request.document_read",
            obj=hit.task.request,
            new={"task": hit.task_id, "hit": hit.pk},
        )
    return {
        "title": redact(str(found.get("title", "")), strings, mark),
        "where": redact(str(found.get("where", "")), strings, mark),
        "body": redacted_html(redact(stored[1], strings, mark), mark),
        "redactions": len(strings),
        "goes_as": goes_as,
        "bsn_masked": bool(found.get("bsn_masked")),
        # an erasure request sends no package: its hits are deleted or kept
        "erasure": hit.task.request.kind == "erasure",
        "unread": found.get("unread") or [],
    }


def redaction_mark(language):
    with translation.override(language):
        return _("[redacted]")


def _included_hits(task):
    """The task's included hits, of its own organisation and system only."""
    return (
        task.document_hits.filter(
            decision=HitDecision.INCLUDED,
            organisation=task.organisation,
            source__organisation=task.organisation,
            source__system=task.system_id,
        )
        .select_related("source")
        .order_by("pk")
    )


def _current_included(task, mark):
    """(hit, (meta, text) as indexed) of each included hit; RequestError naming the first
    that changed in the index since it was reviewed, or is gone from it (another request's
    erasure, a file changed on the share)."""
    from waarborg.documents import index

    for hit in _included_hits(task):
        stored = index.item_text(hit.source_id, hit.ref)
        if stored is None or text_hash(stored[1]) != hit.found.get("text_hash"):
            raise RequestError(
                _(
                    "%(item)s changed or is gone since it was reviewed: reopen the task, "
                    "search again and review it."
                )
                % {"item": redact(hit.found["title"], hit.redactions, mark)}
            )
        yield hit, stored


def check_included_current(task, language):
    """Raise RequestError when an included item changed or is gone since it was reviewed."""
    for _hit in _current_included(task, redaction_mark(language)):
        pass


def included_items(task, language):
    """[{"title", "where", "text", "redacted", ...}] of the task's included hits, redactions
    burnt in (also in the title and where it was found), with what is needed to fetch the
    original of an unredacted one ("source", "ref", "meta", "digest"). Only hits of the task's
    own organisation and system. Raises when an item changed in the index since it was
    reviewed, or is gone from it: it is then reviewed again."""
    mark = redaction_mark(language)
    items = []
    for hit, stored in _current_included(task, mark):
        found = hit.found
        strings = hit.redactions
        items.append(
            {
                "title": redact(found["title"], strings, mark),
                "where": redact(found["where"], strings, mark),
                "kind": found.get("kind", "file"),
                "text": redact(stored[1], strings, mark),
                "redacted": bool(strings),
                "source": hit.source,
                "ref": hit.ref,
                "meta": {"path": found.get("path", ""), "message": found.get("message")},
                "digest": found.get("digest", ""),
                "bsn_masked": bool(found.get("bsn_masked")),
                "unread": list(found.get("unread") or []),
            }
        )
    return items
