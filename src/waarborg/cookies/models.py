from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.consent.models import CookieCategory
from waarborg.core.fields import TranslatedTextField
from waarborg.core.models import Organisation

UNKNOWN = "unknown"
CATEGORY_CHOICES = [*CookieCategory.choices, (UNKNOWN, _("unknown"))]


class Pass(models.TextChoices):
    """The three visits of a scan, in the order they run."""

    FIRST = "first", _("before any choice")
    REJECTED = "rejected", _("after “reject all”")
    ACCEPTED = "accepted", _("after “accept all”")


class StoreKind(models.TextChoices):
    COOKIE = "cookie", _("cookie")
    LOCAL = "local", _("localStorage key")
    SESSION = "session", _("sessionStorage key")


class Website(models.Model):
    """A website of the organisation's own, scanned monthly and on demand."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("start address"), max_length=500)
    sitemap_url = models.URLField(
        _("sitemap"),
        max_length=500,
        blank=True,
        help_text=_("Optional: the pages listed there are visited too."),
    )
    page_limit = models.PositiveSmallIntegerField(
        _("page limit"), default=20, help_text=_("At most this many pages per pass (1 to 200).")
    )
    monthly = models.BooleanField(_("scan every month"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "url"], name="website_url_per_org")
        ]

    def __str__(self):
        return self.url

    def last_scan(self):
        return self.scans.filter(status=Scan.Status.DONE).order_by("-finished_at").first()


class Scan(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    website = models.ForeignKey(Website, on_delete=models.CASCADE, related_name="scans")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    banner_found = models.BooleanField(default=False)
    # A code the pages write out in the reader's language (see views.ERRORS), and its detail.
    error = models.CharField(max_length=40, blank=True)
    error_detail = models.CharField(max_length=500, blank=True)
    screenshot = models.FileField(upload_to="cookie-scans/", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return str(self.website)


class ScanPage(models.Model):
    """What one pass found on one page: the evidence the observations are drawn from."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="pages")
    url = models.URLField(max_length=500)
    visit = models.CharField(max_length=10, choices=Pass.choices)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    cookies = models.JSONField(default=list)  # [{name, domain, path, expires, ...}]
    local_storage = models.JSONField(default=list)
    session_storage = models.JSONField(default=list)
    hosts = models.JSONField(default=list)  # other hosts the page sent requests to

    class Meta:
        ordering = ["visit", "pk"]

    def __str__(self):
        return f"{self.visit}: {self.url}"


class Observation(models.Model):
    """One cookie or storage key of a scan, with the first pass that had it and its class."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="observations")
    kind = models.CharField(max_length=10, choices=StoreKind.choices)
    name = models.CharField(max_length=300)
    domain = models.CharField(max_length=300, blank=True)
    third_party = models.BooleanField(default=False)
    first_seen = models.CharField(max_length=10, choices=Pass.choices)
    passes = models.JSONField(default=list)
    pages = models.PositiveIntegerField(default=0)
    expiry_days = models.IntegerField(null=True, blank=True)  # None: ends with the session
    category = models.CharField(max_length=12, choices=CATEGORY_CHOICES, default=UNKNOWN)
    platform = models.CharField(max_length=200, blank=True)
    controller = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    overridden = models.BooleanField(default=False)
    exempt = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "name", "domain"]

    def __str__(self):
        return self.name

    def before_choice(self):
        return Pass.FIRST in self.passes or Pass.REJECTED in self.passes


class ThirdPartyHost(models.Model):
    """A host outside the website that one of its pages sent a request to."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="third_parties")
    host = models.CharField(max_length=300)
    passes = models.JSONField(default=list)
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["host"]

    def __str__(self):
        return self.host


class CookieOverride(models.Model):
    """The organisation's own classification of a cookie or key, over the database's."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=300)
    category = models.CharField(_("category"), max_length=12, choices=CookieCategory.choices)
    purpose = TranslatedTextField(_("purpose"), blank=True)
    exempt = models.BooleanField(
        _("analytics that meets the AP's conditions"),
        default=False,
        help_text=_(
            "Only for analytics: the data stay with you or a processor bound to you, are not "
            "shared or combined, and IP addresses are shortened (Tw 11.7a(3)). Then no consent "
            "is needed."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="cookie_override_per_org")
        ]

    def __str__(self):
        return self.name


class CookieSettings(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="cookie_settings"
    )
    consent_mode = models.BooleanField(
        _("send Google Consent Mode v2 signals"),
        default=False,
        help_text=_(
            "The banner tells Google's tags the visitor's choice (ad_storage, analytics_storage, "
            "ad_user_data, ad_personalization): denied until consent."
        ),
    )

    def __str__(self):
        return str(self.organisation)
