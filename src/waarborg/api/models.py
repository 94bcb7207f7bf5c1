import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.models import Organisation, Role

PREFIX = "wb_"


class ApiKey(models.Model):
    """A key for a program of one organisation (a web shop, a mailing tool), with a role.
    Only a hash of the secret is stored; the key is shown once, when it is made."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    lookup = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({PREFIX}{self.lookup}…)"

    @staticmethod
    def hash(secret):
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def generate():
        """(lookup, secret, full key)."""
        lookup, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        return lookup, secret, f"{PREFIX}{lookup}_{secret}"
