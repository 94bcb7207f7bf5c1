from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.models import Organisation


class Dismissal(models.Model):
    """A privacy officer's decision that a finding does not apply, with the reason.

    It holds while the object has the fingerprint it had when dismissed: when the object
    changes, the finding comes back.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    finding = models.CharField(_("finding"), max_length=300)
    rule = models.CharField(_("rule"), max_length=80)
    fingerprint = models.CharField(max_length=40)
    reason = models.TextField(_("reason"))
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    dismissed_at = models.DateTimeField(_("dismissed at"))

    class Meta:
        ordering = ["-dismissed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "finding"], name="one_dismissal_per_finding"
            )
        ]

    def __str__(self):
        return self.finding


class CheckRun(models.Model):
    """The nightly check of one organisation: counts per area and the errors found, so that
    the dashboard can draw the last weeks and the digest can name only new errors."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    run_on = models.DateField()
    counts = models.JSONField(default=dict)  # {area: {severity: n}}, dismissed ones left out
    errors = models.JSONField(default=list)  # ids of the open errors
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_on"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "run_on"], name="one_check_run_a_day")
        ]

    def __str__(self):
        return f"{self.organisation} {self.run_on}"
