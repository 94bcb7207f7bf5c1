"""Writing and checking the audit trail.

`record_entry` is called by every action of every app, inside that action's transaction, so a
state change and its audit entry are committed together or not at all.
"""

import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.chains import key_for_append, verify_rows
from waarborg.audit.models import GENESIS_HASH, AuditEntry, ChainAnchor
from waarborg.core.models import Organisation

SYSTEM_ACTOR = "system"


def json_ready(values):
    """JSON-normalise old/new values now, so the hash matches what the database gives back."""
    if values is None:
        return None
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def actor_label(actor):
    """Who did it, as the trail keeps it: a user by address and id, a program by its API key
    (name and the key's public part), or the system."""
    if actor is None:
        return SYSTEM_ACTOR
    if not hasattr(actor, "email"):  # an API key of the organisation (api.models.ApiKey)
        return f"API: {actor}"
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
    if last is None:  # every entry was pruned: the chain goes on from its prune anchor
        pruned = (
            ChainAnchor.objects.filter(
                organisation=organisation, chain=ChainAnchor.Chain.AUDIT, kind="prune"
            )
            .order_by("-seq")
            .values_list("seq", "head_hash")
            .first()
        )
        if pruned:
            seq, prev_hash = pruned[0] + 1, pruned[1]
    key = key_for_append(organisation.pk, ChainAnchor.Chain.AUDIT, seq - 1, prev_hash)
    entry = AuditEntry(
        organisation=organisation,
        seq=seq,
        created_at=timezone.now(),
        actor=actor if hasattr(actor, "email") else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        old=json_ready(old),
        new=json_ready(new),
        prev_hash=prev_hash,
    )
    entry.hash = entry.compute_hash(key)
    entry.save()
    return entry


@dataclass
class ChainProblem:
    organisation: Organisation
    seq: int
    entry_id: int | None
    reason: str

    def __str__(self):
        where = _("entry #%(seq)s") % {"seq": self.seq} + (
            f" (id {self.entry_id})" if self.entry_id else ""
        )
        return f"{self.organisation.slug}: {where}: {self.reason}"


def verify_chain(organisation, batch_size=2000):
    """Recompute the chain of one organisation; return the problems found (empty when intact).

    Finds edited entries (the keyed hash no longer matches), deleted ones (a gap, a
    previous-hash that no longer matches, an anchor standing on an entry that is gone) and
    forged, edited or dropped anchors. Deleting only the newest entries leaves no trace here;
    the witness (`waarborg audit witness`, `audit verify --witness FILE`) shows that.
    """
    entries = AuditEntry.objects.filter(organisation=organisation)
    return [
        ChainProblem(organisation, p.seq, p.row_id, p.reason)
        for p in verify_rows(organisation.pk, ChainAnchor.Chain.AUDIT, entries)
    ]
