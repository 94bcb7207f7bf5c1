from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.crypto import decrypt_text
from waarborg.core.models import Organisation
from waarborg.register.models import System

PASSWORD_PURPOSE = "mailbox-password"  # noqa: S105 - a key label, not a password


class Kind(models.TextChoices):
    FOLDER = "folder", _("Folder of documents")
    IMAP = "imap", _("IMAP mailbox")


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
    mail_folders = models.JSONField(_("mail folders"), default=list, blank=True)
    write_access = models.BooleanField(_("may delete messages"), default=False)
    trash_folder = models.CharField(_("trash folder"), max_length=200, default="Trash")
    # the index
    indexed_at = models.DateTimeField(_("last indexed"), null=True, blank=True)
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

    def patterns(self, field):
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]
