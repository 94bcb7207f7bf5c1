import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """An audit entry may be written once and never changed or deleted."""


class AuditEntry(models.Model):
    """One thing that happened: who did what to which object, with old and new values.

    Entries of one organisation form a chain: each stores the hash of the previous one, so an
    edited or deleted entry breaks the chain (see `audit.actions.verify_chain`).
    """

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="audit_entries"
    )
    seq = models.PositiveBigIntegerField(_("number"))
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The hash covers this label, not the foreign key, so the chain outlives the user account.
    actor_label = models.CharField(_("actor"), max_length=254)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    old = models.JSONField(_("old values"), null=True, blank=True, encoder=DjangoJSONEncoder)
    new = models.JSONField(_("new values"), null=True, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-organisation_id", "-seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="audit_seq_per_org")
        ]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")

    def canonical(self):
        """The exact text the hash covers: every field but the hash itself, in a fixed order."""
        body = {
            "organisation": self.organisation_id,
            "seq": self.seq,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "old": self.old,
            "new": self.new,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(body, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))

    def compute_hash(self, key=None):
        """HMAC-SHA256 with the chain key (`audit.keys`); plain SHA-256 (key None) only for
        entries written before chains were keyed, which a transition anchor vouches for."""
        if key is None:
            return hashlib.sha256(self.canonical().encode()).hexdigest()
        return key.mac(self.canonical())


class AuditAnchor(models.Model):
    """The number and hash of the last entry removed by the retention period. Kept for the
    retention app; what `verify_chain` trusts is the keyed `ChainAnchor` that saving this
    writes (an anchor row edited by hand proves nothing)."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="audit_anchor"
    )
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    pruned_at = models.DateTimeField()

    def __str__(self):
        return f"{self.organisation_id} from #{self.seq + 1}"

    def save(self, *args, **kwargs):
        from waarborg.audit.chains import add_anchor

        super().save(*args, **kwargs)
        add_anchor(self.organisation_id, ChainAnchor.Chain.AUDIT, "prune", self.seq, self.hash)


class ChainAnchor(models.Model):
    """A keyed point in a chain (audit trail or consent ledger) of one organisation.

    Anchors form their own chain per organisation and chain kind: each holds the MAC of the
    one before, and its own MAC with the key named (`audit.keys`), so an anchor cannot be
    forged, edited, reordered or dropped without the key. Kinds:

    - genesis: the chain starts empty (seq 0) and is keyed from its first entry;
    - upgrade: the entries up to `seq` were hashed with plain SHA-256 before chains were
      keyed; `head_hash` is the hash of entry `seq`, so none of them can be rewritten;
    - rotation: the key changed after entry `seq` (whose hash is `head_hash`);
    - prune: the entries up to `seq` were removed; entry seq + 1 follows `head_hash`.
    """

    class Chain(models.TextChoices):
        AUDIT = "audit", _("audit trail")
        CONSENT = "consent", _("consent ledger")

    KINDS = ("genesis", "upgrade", "rotation", "prune")

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.PROTECT, related_name="chain_anchors"
    )
    chain = models.CharField(max_length=10, choices=Chain.choices)
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)
    seq = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["organisation", "chain", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "chain", "number"], name="anchor_number_per_chain"
            )
        ]

    def __str__(self):
        return f"{self.chain} anchor {self.number} ({self.kind} at #{self.seq})"

    def canonical(self):
        return anchor_text(self)


def anchor_text(anchor):
    """The text an anchor's MAC covers (a function, so that migrations can use it too)."""
    body = {
        "organisation": anchor.organisation_id,
        "chain": anchor.chain,
        "number": anchor.number,
        "kind": anchor.kind,
        "seq": anchor.seq,
        "head_hash": anchor.head_hash,
        "key_id": anchor.key_id,
        "created_at": anchor.created_at.isoformat(timespec="microseconds"),
        "prev_mac": anchor.prev_mac,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"))
