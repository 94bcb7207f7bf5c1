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

    def compute_hash(self):
        return hashlib.sha256(self.canonical().encode()).hexdigest()


class AuditAnchor(models.Model):
    """Where an organisation's chain starts after old entries were removed by its retention
    period: the number and hash of the last removed entry. `verify_chain` starts there."""

    organisation = models.OneToOneField(
        "core.Organisation", on_delete=models.CASCADE, related_name="audit_anchor"
    )
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    pruned_at = models.DateTimeField()

    def __str__(self):
        return f"{self.organisation_id} from #{self.seq + 1}"
