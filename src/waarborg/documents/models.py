from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from waarborg.core.crypto import decrypt_text
from waarborg.core.models import Organisation
from waarborg.register.models import System

PASSWORD_PURPOSE = "mailbox-password"  # noqa: S105 - a key label, not a password
SECRET_PURPOSE = "mailbox-oauth-secret"  # noqa: S105 - a key label, not a secret
OFFICE365_SCOPE = "https://outlook.office365.com/.default"
INDEX_DAYS = 30


class Kind(models.TextChoices):
    FOLDER = "folder", _("Folder of documents")
    IMAP = "imap", _("IMAP mailbox")


class Auth(models.TextChoices):
    PASSWORD = "password", _("User name and password")
    OAUTH2 = "oauth2", _("Microsoft 365 app (OAuth2 client credentials)")


class DocumentSource(models.Model):
    """A folder of documents or a mailbox where a system of the register keeps personal data;
    a system may have several. Its items are in the index (documents.index), not here."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    system = models.ForeignKey(
        System, on_delete=models.CASCADE, related_name="document_sources", verbose_name=_("system")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # a folder
    path = models.CharField(_("folder"), max_length=1000, blank=True)
    include = models.TextField(_("include"), blank=True, help_text=_("One pattern a line"))
    exclude = models.TextField(_("exclude"), blank=True, help_text=_("One pattern a line"))
    # a mailbox
    host = models.CharField(_("server"), max_length=253, blank=True)
    port = models.PositiveIntegerField(_("port"), default=993)
    username = models.CharField(_("user name"), max_length=254, blank=True)
    password_encrypted = models.TextField(blank=True)
    # or OAuth2 client credentials (Microsoft 365): Waarborg gets a token, then SASL XOAUTH2
    auth = models.CharField(
        _("sign-in"), max_length=10, choices=Auth.choices, default=Auth.PASSWORD
    )
    oauth_tenant = models.CharField(_("tenant"), max_length=100, blank=True)
    oauth_client_id = models.CharField(_("client id"), max_length=100, blank=True)
    oauth_secret_encrypted = models.TextField(blank=True)
    oauth_token_url = models.CharField(
        _("token endpoint"),
        max_length=500,
        blank=True,
        help_text=_("Empty: Microsoft's endpoint for the tenant."),
    )
    oauth_scope = models.CharField(_("scope"), max_length=300, default=OFFICE365_SCOPE)
    mail_folders = models.JSONField(_("mail folders"), default=list, blank=True)
    write_access = models.BooleanField(_("may delete messages"), default=False)
    trash_folder = models.CharField(_("trash folder"), max_length=200, default="Trash")
    # the index
    indexed_at = models.DateTimeField(_("last indexed"), null=True, blank=True)
    # the index's own retention: its terms are plain, so an index not kept up to date goes
    index_days = models.PositiveSmallIntegerField(
        _("days the index is kept without being brought up to date"),
        default=INDEX_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_(
            "Not indexed again within this many days, the source's index is deleted at night; "
            "the next search then asks to index it first."
        ),
    )
    # a place kept whole under a statutory minimum (an "Administratie" folder): its items are
    # listed as kept in an erasure request, with the rule and until when
    kept_patterns = models.TextField(
        _("kept under a statutory minimum"),
        blank=True,
        help_text=_(
            "Files (patterns such as administratie/*) or mail folders (such as Facturen), one a "
            "line, that the law keeps: an erasure request lists what it finds there as kept."
        ),
    )
    kept_rule = models.ForeignKey(
        "register.RetentionRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("statutory minimum"),
    )
    index_counts = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document source")
        verbose_name_plural = _("document sources")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def password(self):
        return (
            decrypt_text(self.password_encrypted, PASSWORD_PURPOSE)
            if self.password_encrypted
            else ""
        )

    @property
    def client_secret(self):
        return (
            decrypt_text(self.oauth_secret_encrypted, SECRET_PURPOSE)
            if self.oauth_secret_encrypted
            else ""
        )

    @property
    def last_error_text(self):
        """Why the last indexing failed, in the reader's language: it is kept as written in the
        source, in English (documents.actions.index_source)."""
        return gettext(self.last_error) if self.last_error else ""

    def index_expired(self, now):
        """Whether the index is older than the source keeps it (never brought up to date
        since it was connected counts from then: a run cut off leaves a partial index)."""
        from datetime import timedelta

        since = self.indexed_at or self.created_at
        return since is not None and since <= now - timedelta(days=self.index_days)

    def kept_place(self, meta):
        """The pattern that keeps this item's place (a file's path, a message's mail folder),
        or "" when none does or no statutory minimum is chosen."""
        import fnmatch
        from pathlib import PurePosixPath

        if self.kept_rule_id is None:
            return ""
        place = (meta or {}).get("folder") if self.kind == Kind.IMAP else (meta or {}).get("path")
        if not place:
            return ""
        name = PurePosixPath(place).name
        for pattern in self.patterns("kept_patterns"):
            if fnmatch.fnmatch(place, pattern) or fnmatch.fnmatch(name, pattern):
                return pattern
        return ""

    def patterns(self, field):
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]
