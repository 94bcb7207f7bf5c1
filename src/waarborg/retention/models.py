from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.models import Organisation
from waarborg.register.models import RetentionRule, System


class BuiltinKind(models.TextChoices):
    """Waarborg's own data that a retention period applies to (set per organisation)."""

    AUDIT_ENTRIES = "audit_entries", _("audit trail entries")
    CLOSED_REQUESTS = "closed_requests", _("closed data subject requests")
    ACCESS_PACKAGES = "access_packages", _("access packages")
    ID_UPLOADS = "id_uploads", _("uploaded ID copies")
    CONSENT_EVIDENCE = "consent_evidence", _("consent evidence after withdrawal")


# Defaults: ID copies go right after the check; packages after 30 days; the audit trail and
# consent proof are kept (empty = no end) until the organisation chooses a period.
BUILTIN_DEFAULTS = {
    BuiltinKind.AUDIT_ENTRIES: "",
    BuiltinKind.CLOSED_REQUESTS: "P2Y",
    BuiltinKind.ACCESS_PACKAGES: "P30D",
    BuiltinKind.ID_UPLOADS: "P0D",
    BuiltinKind.CONSENT_EVIDENCE: "",
}


class RetentionSettings(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="retention_settings"
    )
    periods = models.JSONField(default=dict, blank=True)  # BuiltinKind -> ISO 8601 or ""
    # A rule that would delete or anonymise more than this share of its table waits for a
    # person's confirmation; the nightly sweep skips it and tells the privacy officers.
    max_share = models.PositiveSmallIntegerField(
        _("largest share of a table the sweep takes without asking (%)"), default=50
    )

    def __str__(self):
        return f"{self.organisation}: {self.periods}"

    def period(self, kind):
        return self.periods.get(kind, BUILTIN_DEFAULTS[kind])


class ReviewTask(models.Model):
    """A recurring check, for a system without a connector, that its data past a retention
    period was deleted by hand ("delete call records older than 5 months in the portal")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(RetentionRule, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "rule"],
                condition=models.Q(done_at__isnull=True),
                name="one_open_review_per_system_rule",
            )
        ]

    def __str__(self):
        return f"{self.system} · {self.rule}"


class RetentionRun(models.Model):
    """One sweep: what it did per rule, as evidence for the supervisory authority."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=20)  # schedule, staff, command
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    items = models.JSONField(default=list, blank=True)
    progress = models.JSONField(default=dict, blank=True)
    # Items a person confirmed although they take a large share of their table:
    # {plan item key: the number of rows seen when confirming}.
    confirmed = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"#{self.pk} {self.status}"

    def rows(self):
        return sum(item.get("rows", 0) for item in self.items)
