from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.crypto import decrypt_text
from waarborg.core.models import Organisation

SECRET_PURPOSE = "signin.identity_provider"  # noqa: S105 (a key-derivation label)


class ProviderKind(models.TextChoices):
    ENTRA = "entra", _("Microsoft Entra ID")
    GOOGLE = "google", _("Google Workspace")


# Where each kind publishes its OpenID configuration; Entra's names the tenant.
ISSUERS = {
    ProviderKind.ENTRA: "https://login.microsoftonline.com/{tenant}/v2.0",
    ProviderKind.GOOGLE: "https://accounts.google.com",
}


class IdentityProvider(models.Model):
    """An organisation's own sign-in service (OpenID Connect): its members whose e-mail address
    is in one of `domains` may sign in there instead of with a password.

    allauth keeps its apps per site; Waarborg keeps them per organisation, and the sign-in
    adapter (adapters.py) hands allauth the app of the organisation an address belongs to.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identity_providers"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ProviderKind.choices)
    key = models.SlugField(_("key"), max_length=80, unique=True)
    domains = models.JSONField(_("e-mail domains"), default=list)
    client_id = models.CharField(_("client ID"), max_length=200)
    secret_encrypted = models.TextField(_("client secret"), blank=True)
    tenant = models.CharField(_("tenant ID"), max_length=100, blank=True)
    # Only for a provider elsewhere than the kind's own (and for the local provider of tests).
    server_url = models.URLField(_("issuer"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="one_provider_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.organisation})"

    @property
    def issuer(self):
        return self.server_url or ISSUERS[self.kind].format(tenant=self.tenant)

    @property
    def secret(self):
        return decrypt_text(self.secret_encrypted, SECRET_PURPOSE) if self.secret_encrypted else ""

    def covers(self, email):
        """Whether `email` is an address of one of this provider's domains."""
        local, at, domain = (email or "").strip().lower().partition("@")
        if not (local and at and domain) or "@" in domain:
            return False  # not one address: a bare domain, or two @ signs
        return domain in self.domains
