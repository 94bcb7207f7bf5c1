"""Writing and checking the audit trail.

`record_entry` is called by every action of every app, inside that action's transaction, so a
state change and its audit entry are committed together or not at all.
"""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from waarborg.audit.models import GENESIS_HASH, AuditAnchor, AuditEntry
from waarborg.core.models import Organisation

SYSTEM_ACTOR = "system"


def json_ready(values):
    """JSON-normalise old/new values now, so the hash matches what the database gives back."""
    if values is None:
        return None
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def actor_label(actor):
    if actor is None:
        return SYSTEM_ACTOR
    return f"{actor.email} (#{actor.pk})"


def record_entry(organisation, *, actor, action, obj=None, old=None, new=None):
    """Append one entry to the organisation's audit chain and return it.

    Must run inside the caller's `transaction.atomic()`. The organisation row is locked (on
    databases that can) so that two concurrent writers cannot both extend the same last entry.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_entry must run inside the action's transaction")
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    last = (
        AuditEntry.objects.filter(organisation=organisation)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    entry = AuditEntry(
        organisation=organisation,
        seq=seq,
        created_at=timezone.now(),
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        old=json_ready(old),
        new=json_ready(new),
        prev_hash=prev_hash,
    )
    entry.hash = entry.compute_hash()
    entry.save()
    return entry


@dataclass
class ChainProblem:
    organisation: Organisation
    seq: int
    entry_id: int | None
    reason: str

    def __str__(self):
        where = f"entry #{self.seq}" + (f" (id {self.entry_id})" if self.entry_id else "")
        return f"{self.organisation.slug}: {where}: {self.reason}"


def verify_chain(organisation, batch_size=2000):
    """Recompute the chain of one organisation; return the problems found (empty when intact).

    Finds edited entries (hash mismatch) and deleted entries (a gap in the numbers, or a
    previous-hash that no longer matches). Deleting only the newest entries leaves no gap; the
    head (number and hash) that `waarborg audit verify` prints, kept elsewhere, shows that.
    """
    problems = []
    expected_seq, prev_hash = 1, GENESIS_HASH
    anchor = AuditAnchor.objects.filter(organisation=organisation).first()
    if anchor is not None:  # older entries were removed by the retention period
        expected_seq, prev_hash = anchor.seq + 1, anchor.hash
    entries = AuditEntry.objects.filter(organisation=organisation).order_by("seq")
    for entry in entries.iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            problems.append(
                ChainProblem(
                    organisation,
                    expected_seq,
                    None,
                    f"missing: entries {expected_seq} to {entry.seq - 1} were deleted",
                )
            )
        elif entry.prev_hash != prev_hash:
            problems.append(
                ChainProblem(
                    organisation, entry.seq, entry.pk, "does not follow the previous entry"
                )
            )
        if entry.compute_hash() != entry.hash:
            problems.append(
                ChainProblem(organisation, entry.seq, entry.pk, "edited after it was written")
            )
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    return problems
