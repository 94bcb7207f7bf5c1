"""The mail and documents of an erasure request (Art. 17 GDPR): the person's items (the hits a
handler included) are listed for deletion, except what a legal hold keeps (Art. 17(3)(b),
see requests/document_holds.py), which is listed as kept with the reason.

Messages of a mailbox connected with write access go after an explicit confirmation (the
number typed): moved to the trash folder and expunged, with the evidence on the task and in
the audit trail. Everything else (files on shares, messages of a read-only mailbox) is a step
for a person, ticked off by hand: Waarborg never deletes files on shares.
"""

import contextlib
from datetime import datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waarborg.audit.actions import actor_label, record_entry
from waarborg.core.crypto import keyed_hash
from waarborg.requests import document_holds
from waarborg.requests.actions.common import RequestError
from waarborg.requests.actions.documents import document_sources
from waarborg.requests.models import DocumentHit, HitDecision, HitErasure, HitHold, Kind

MAX_REASON = 500

# What a hit of an erasure task is waiting for, or how it ended.
REVIEW = "review"  # not yet decided whether it is the person's
LEFT = "left"  # excluded: not the person's, left alone
KEPT = "kept"  # a legal hold keeps it
DELETE = "delete"  # to be deleted by Waarborg (a mailbox with write access), after confirmation
BY_HAND = "by_hand"  # to be deleted by a person (a file, a read-only mailbox)
DELETED = "deleted"
DONE_BY_HAND = "done_by_hand"
SETTLED = (LEFT, KEPT, DELETED, DONE_BY_HAND)
INTENT = "deleting_messages"  # on task.result: {source id: the deletion under way}


def is_erasure(task):
    return task.request.kind == Kind.ERASURE


def erasure_state(hit):
    """One of the states above for a hit of an erasure task."""
    if hit.decision == HitDecision.PENDING:
        return REVIEW
    if hit.decision != HitDecision.INCLUDED:
        return LEFT
    if hit.erasure == HitErasure.DELETED:
        return DELETED
    if hit.erasure == HitErasure.BY_HAND:
        return DONE_BY_HAND
    if hit.is_held:
        return KEPT
    source = hit.source
    if source.kind == "imap" and source.write_access and hit.ref:
        return DELETE
    return BY_HAND


def apply_holds(task, now=None):
    """After a search: mark every found item of an erasure task that a statutory minimum of
    the system keeps (see document_holds), and lift the marks that no longer apply. A
    handler's own decision (kept with a reason, or the hold lifted) is left as it is."""
    from waarborg.documents import index

    if not is_erasure(task):
        return
    rules = document_holds.minimum_rules(task.system)
    for hit in task.document_hits.select_related("source"):
        if hit.erasure or hit.hold in (HitHold.HANDLER, HitHold.RELEASED):
            continue
        stored = index.item_text(hit.source_id, hit.ref)
        found = None
        if stored:
            found = document_holds.place_hold(hit.source, rules, stored[0], now=now)
            found = found or document_holds.recognised_hold(rules, *stored, now=now)
        if found is None:
            # an invoice the register has no administration duty for: said, not kept
            hint = ""
            if stored and not document_holds.administration_rules(rules):
                signs = document_holds.invoice_signs(stored[1])
                hint = (_("looks like an invoice: %(signs)s") % {"signs": signs}) if signs else ""
            if hit.hold == HitHold.RECOGNISED or hit.hold_note != hint:
                hit.hold, hit.hold_rule, hit.hold_until, hit.hold_note = "", None, None, hint
                hit.save(update_fields=["hold", "hold_rule", "hold_until", "hold_note"])
            continue
        rule, until, note = found
        hit.hold, hit.hold_rule, hit.hold_until = HitHold.RECOGNISED, rule, until
        hit.hold_note = note[:MAX_REASON]
        hit.save(update_fields=["hold", "hold_rule", "hold_until", "hold_note"])


def _check_open(task):
    if not is_erasure(task):
        raise RequestError(_("Only an erasure request deletes mail and documents."))
    if not task.request.is_open or not task.is_open:
        raise RequestError(_("This task is no longer open."))


def _reason(reason):
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise RequestError(_("Give the reason; it is kept in the audit trail."))
    if len(reason) > MAX_REASON:
        raise RequestError(_("The reason is at most 500 characters."))
    return reason


def set_hold(hit, *, actor, keep, reason, rule=None):
    """A handler keeps an item under a legal hold (a statutory minimum of the system, or another
    ground given in the reason), or lifts a hold so that it is deleted; always with a reason,
    audited with the rule and the decision."""
    task = hit.task
    _check_open(task)
    reason = _reason(reason)
    if hit.erasure:
        raise RequestError(_("This item is already deleted."))
    if hit.decision != HitDecision.INCLUDED:
        raise RequestError(_("Only an item of the person is kept or deleted: include it first."))
    if rule is not None and rule not in document_holds.minimum_rules(task.system):
        raise RequestError(_("Choose a statutory minimum of this system."))
    until = None
    if keep and rule is not None:
        from waarborg.documents import index

        stored = index.item_text(hit.source_id, hit.ref)
        until = document_holds.kept_until(
            rule, document_holds.item_date(stored[0] if stored else {})
        )
    old = {"hold": hit.hold, "rule": hit.hold_rule.key if hit.hold_rule else None}
    with transaction.atomic():
        hit.hold = HitHold.HANDLER if keep else HitHold.RELEASED
        hit.hold_rule = rule if keep else None
        hit.hold_until = until
        hit.hold_note = reason
        hit.hold_by = actor_label(actor)
        hit.save(update_fields=["hold", "hold_rule", "hold_until", "hold_note", "hold_by"])
        record_entry(
            task.organisation,
            actor=actor,
            action="request.document_hold",
            obj=task.request,
            old=old,
            new={
                "task": task.pk,
                "hit": hit.pk,
                "hold": hit.hold,
                "rule": rule.key if rule is not None and keep else None,
                "reason": reason,
            },
        )
    return hit


def mark_deleted_by_hand(hit, *, actor):
    """A person deleted the item (a file on a share, a message of a read-only mailbox) and
    ticks it off; audited with who and when."""
    task = hit.task
    _check_open(task)
    if erasure_state(hit) not in (BY_HAND, DELETE):
        raise RequestError(_("This item is not listed for deletion."))
    with transaction.atomic():
        hit.erasure = HitErasure.BY_HAND
        hit.erased_by = actor_label(actor)
        hit.erased_at = timezone.now()
        hit.save(update_fields=["erasure", "erased_by", "erased_at"])
        record_entry(
            task.organisation,
            actor=actor,
            action="request.document_deleted_by_hand",
            obj=task.request,
            new={"task": task.pk, "hit": hit.pk, "kind": hit.source.kind},
        )
    return hit


def listed_messages(task, source):
    """The hits of `source` that Waarborg is to delete for this task, in a fixed order."""
    hits = task.document_hits.filter(source=source).select_related("source").order_by("pk")
    return [hit for hit in hits if erasure_state(hit) == DELETE]


def listing_token(hits):
    """A keyed hash of the list shown for confirmation: a list that changed (a hit added,
    kept or deleted meanwhile) confirms nothing."""
    return keyed_hash(",".join(f"{h.pk}:{h.ref}" for h in hits), "erasure-listing")[:32]


def task_source(task, source_pk):
    """A mailbox source of the task's own system (of its organisation), or RequestError: a
    folder is none (Waarborg does not delete files on shares)."""
    from waarborg.documents.models import DocumentSource, Kind

    try:
        return document_sources(task).get(pk=int(source_pk), kind=Kind.IMAP)
    except (ValueError, TypeError, DocumentSource.DoesNotExist):
        raise RequestError(_("This mailbox is not a source of this task.")) from None


def _count(value):
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    return int(text)


def delete_listed_messages(task, source, *, actor, confirmed, listing):
    """Delete the listed messages of one mailbox (Art. 17(1) GDPR) after the handler typed
    their number: moved to the trash folder, then expunged there (documents.actions). The
    messages come from the task's own hits, never from the form: `listing` only proves that
    the list confirmed is the list shown. The evidence (Message-IDs, folders, count, who,
    when) goes on the task and in the audit trail; the index forgets the messages.

    Before the mailbox is touched, the intent (which messages, who, when) is committed on the
    task: a crash between the mailbox and the database leaves it, and the next look at the
    list checks the mailbox and records what is gone (recover_deletion). It also keeps a
    second confirmation of the same list from running while the first one does."""
    from waarborg.documents import actions as document_actions

    _check_open(task)
    if source.organisation_id != task.organisation_id or source.system_id != task.system_id:
        raise RequestError(_("This mailbox is not a source of this task."))
    if source.kind != "imap" or not source.write_access:
        raise RequestError(
            _("This mailbox is connected read-only: delete the messages by hand and tick them off.")
        )
    recovered = recover_deletion(task, source, actor=actor)
    if recovered is not None and recovered["count"]:
        raise RequestError(
            _(
                "A deletion from this mailbox had been cut off; what it deleted is now recorded. "
                "Nothing else was deleted: look at the list again."
            )
        )
    hits = listed_messages(task, source)
    if not hits:
        raise RequestError(_("No message of this mailbox is listed for deletion."))
    if not listing or listing != listing_token(hits):
        raise RequestError(
            _("The list changed since it was shown; nothing was deleted. Look at it again.")
        )
    count = _count(confirmed)
    if count != len(hits):
        raise RequestError(
            ngettext(
                "Type the number of messages, %(count)s, to confirm; nothing was deleted.",
                "Type the number of messages, %(count)s, to confirm; nothing was deleted.",
                len(hits),
            )
            % {"count": len(hits)}
        )
    _start_deletion(task, source, hits, actor=actor, listing=listing)
    refs = [hit.ref for hit in hits]
    try:
        evidence = document_actions.delete_messages(
            source,
            refs,
            actor=actor,
            confirmed_count=count,
            reason=task.request.reference,
        )
    except document_actions.DocumentSourceError as error:
        # it may have stopped half-way: what is gone is recorded now, or at the next look
        with contextlib.suppress(RequestError):
            recover_deletion(task, source, actor=actor)
        raise RequestError(str(error)) from None
    return _record_deletion(task, source, hits, evidence, actor=actor)


def _intents(task):
    return dict((task.result or {}).get(INTENT) or {})


def _without_intent(result, source):
    intents = dict(result.get(INTENT) or {})
    intents.pop(str(source.pk), None)
    if intents:
        result[INTENT] = intents
    else:
        result.pop(INTENT, None)
    return result


def _start_deletion(task, source, hits, *, actor, listing):
    """Commit the intent to delete these hits' messages, under the task's lock: refused if a
    deletion of this mailbox for this task is already under way (or was cut off)."""
    from waarborg.documents import index
    from waarborg.requests.models import RequestTask

    messages = {}
    for hit in hits:
        stored = index.item_text(hit.source_id, hit.ref)
        meta = stored[0] if stored else {}
        messages[hit.ref] = {
            "folder": meta.get("folder", ""),
            "message_id": meta.get("message_id", ""),
        }
    with transaction.atomic():
        locked = RequestTask.objects.select_for_update().get(pk=task.pk)
        intents = _intents(locked)
        if str(source.pk) in intents:
            raise RequestError(
                _("A deletion from this mailbox is already under way; nothing more was deleted.")
            )
        if listing != listing_token(listed_messages(locked, source)):
            raise RequestError(
                _("The list changed since it was shown; nothing was deleted. Look at it again.")
            )
        intents[str(source.pk)] = {
            "hits": [hit.pk for hit in hits],
            "messages": messages,
            "by": actor_label(actor),
            "at": timezone.now().isoformat(),
        }
        locked.result = {**(locked.result or {}), INTENT: intents}
        locked.save(update_fields=["result"])
        task.result = locked.result
        record_entry(
            task.organisation,
            actor=actor,
            action="request.documents_delete_started",
            obj=task.request,
            new={"task": task.pk, "source": source.pk, "count": len(hits)},
        )


def _record_deletion(task, source, hits, evidence, *, actor, intent=None):
    """The evidence on the task, the hits marked deleted and the intent gone, in one commit."""
    from waarborg.requests.models import RequestTask

    not_found = set(evidence["not_found"])
    now = timezone.now()
    who = actor_label(actor)
    done = [hit for hit in hits if hit.ref not in not_found]
    record = {
        "source": source.name,
        "count": evidence["count"],
        "messages": evidence["deleted"],
        "not_found": len(not_found),
        "by": who,
        "at": now.isoformat(),
    }
    if intent is not None:  # checked after a cut-off: confirmed then by whom the intent says
        record.update(by=intent.get("by", who), started_at=intent.get("at", ""), checked_by=who)
        record["still_listed"] = record.pop("not_found")
    with transaction.atomic():
        locked = RequestTask.objects.select_for_update().get(pk=task.pk)
        DocumentHit.objects.filter(pk__in=[hit.pk for hit in done]).update(
            erasure=HitErasure.DELETED, erased_by=who, erased_at=now
        )
        result = dict(locked.result or {})
        result["deleted_messages"] = [*result.get("deleted_messages", []), record]
        locked.result = _without_intent(result, source)
        locked.save(update_fields=["result"])
        task.result = locked.result
        record_entry(
            task.organisation,
            actor=actor,
            action="request.documents_deleted",
            obj=task.request,
            new={"task": task.pk, "source": source.pk, **record},
        )
    return record


def interrupted_deletions(task):
    """The mailboxes (their ids) whose deletion for this task was cut off and not yet checked."""
    return [int(key) for key in _intents(task)]


def recover_deletion(task, source, *, actor):
    """A deletion of this mailbox's messages that was cut off (its intent is still on the
    task): ask the mailbox which of them are gone, record those as deleted with the evidence
    the intent kept, and leave the rest listed. None when there was nothing to recover; a
    mailbox that cannot be reached raises RequestError and leaves the intent for later."""
    from waarborg.documents import actions as document_actions

    task.refresh_from_db(fields=["result"])  # the intent as committed, not as this copy saw it
    intent = _intents(task).get(str(source.pk))
    if intent is None:
        return None
    hits = list(
        task.document_hits.filter(pk__in=intent["hits"], source=source).select_related("source")
    )
    messages = intent.get("messages", {})
    refs = [hit.ref for hit in hits if hit.ref]
    try:
        gone = set(
            document_actions.recover_deletion(
                source,
                refs,
                {ref: messages.get(ref, {}).get("message_id", "") for ref in refs},
                actor=actor,
                reason=task.request.reference,
            )
        )
    except document_actions.DocumentSourceError as error:
        raise RequestError(str(error)) from None
    evidence = {
        "deleted": [messages.get(ref, {"folder": "", "message_id": ""}) for ref in sorted(gone)],
        "not_found": [ref for ref in refs if ref not in gone],
        "count": len(gone),
    }
    if not gone:  # cut off before anything went: nothing to record but the check
        _clear_intent(task, source)
        return {"count": 0, "still_listed": len(refs)}
    # "not found" here means still in the mailbox: those stay listed, nothing is marked
    return _record_deletion(task, source, hits, evidence, actor=actor, intent=intent)


def _clear_intent(task, source):
    from waarborg.requests.models import RequestTask

    with transaction.atomic():
        locked = RequestTask.objects.select_for_update().get(pk=task.pk)
        locked.result = _without_intent(dict(locked.result or {}), source)
        locked.save(update_fields=["result"])
        task.result = locked.result


def check_erasure_settled(task):
    """Raise unless every item of the person is deleted, ticked off as deleted by hand, or
    kept under a legal hold (Art. 17(1), (3)(b) GDPR)."""
    if not is_erasure(task):
        return
    waiting = [
        hit
        for hit in task.document_hits.select_related("source")
        if erasure_state(hit) in (DELETE, BY_HAND)
    ]
    if waiting:
        raise RequestError(
            ngettext(
                "%(count)s message or file of the person is still listed for deletion: delete "
                "it, tick it off as deleted by hand, or keep it under a legal hold.",
                "%(count)s messages and files of the person are still listed for deletion: "
                "delete them, tick them off as deleted by hand, or keep them under a legal hold.",
                len(waiting),
            )
            % {"count": len(waiting)}
        )


def location(hit):
    """Where a person finds the item to delete it: the file's full path on the share, or the
    mailbox and folder of a message."""
    import os

    if hit.source.kind == "folder" and hit.mbox_message:
        return os.path.join(hit.source.path, hit.found.get("path", ""))
    if hit.source.kind == "folder" and hit.ref:
        return os.path.join(hit.source.path, hit.ref)
    return hit.found.get("where", "")


def erasure_plan(task):
    """The hits of an erasure task by state, for its page: {state: [hit]}, "all" (each with
    its `erasure_state`), and per mailbox with write access the messages to delete:
    "mailboxes": [(source, [hit], token)]."""
    plan = {state: [] for state in (REVIEW, LEFT, KEPT, DELETE, BY_HAND, DELETED, DONE_BY_HAND)}
    plan["all"] = list(task.document_hits.select_related("source", "hold_rule"))
    by_source = {}
    language = translation.get_language() or "nl"
    for hit in plan["all"]:
        state = erasure_state(hit)
        hit.erasure_state = state
        hit.hold_reason = document_holds.hold_text(hit, language) if hit.hold else ""
        hit.location = location(hit)
        plan[state].append(hit)
        if state == DELETE:
            by_source.setdefault(hit.source, []).append(hit)
    plan["evidence"] = []
    for record in (task.result or {}).get("deleted_messages", []):
        try:
            at = datetime.fromisoformat(record.get("at", ""))
        except (TypeError, ValueError):
            at = None
        plan["evidence"].append({**record, "at": at})
    intents = set(interrupted_deletions(task))
    plan["interrupted"] = [
        source for source in document_sources(task).order_by("pk") if source.pk in intents
    ]
    plan["mailboxes"] = []
    for source, hits in sorted(by_source.items(), key=lambda pair: pair[0].pk):
        hits = sorted(hits, key=lambda hit: hit.pk)  # the order listed_messages gives
        plan["mailboxes"].append((source, hits, listing_token(hits)))
    return plan
