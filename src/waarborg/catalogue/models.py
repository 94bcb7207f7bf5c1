from django.conf import settings
from django.db import models

from waarborg.core.models import Organisation
from waarborg.register.models import Party


class Confirmation(models.Model):
    """An organisation's operator checked a catalogue entry's facts on this date."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    entry = models.CharField(max_length=80)
    version = models.CharField(max_length=40)
    checked_on = models.DateField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "entry"], name="one_check_per_entry")
        ]

    def __str__(self):
        return f"{self.entry} {self.checked_on}"


class Origin(models.Model):
    """Where a party's facts came from: the catalogue entry, its version, and the facts then."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="catalogue_origin")
    entry = models.CharField(max_length=80)
    version = models.CharField(max_length=40)
    facts = models.JSONField()
    picked_on = models.DateField()

    def __str__(self):
        return f"{self.party} ← {self.entry}"
