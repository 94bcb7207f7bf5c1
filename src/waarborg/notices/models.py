import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedTextField
from waarborg.core.models import Organisation


class NoticeSettings(models.Model):
    """How an organisation wants its statement laid out, and its own texts around the facts."""

    class Grouping(models.TextChoices):
        BY_PURPOSE = "purpose", _("By purpose")
        BY_GROUP = "group", _("By group of people")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="notice_settings"
    )
    grouping = models.CharField(
        _("grouping"), max_length=10, choices=Grouping.choices, default=Grouping.BY_PURPOSE
    )
    introduction = TranslatedTextField(_("introduction"), multiline=True)
    closing = TranslatedTextField(_("closing text"), multiline=True)
    # {section key: {"nl": ..., "en": ...}}: a note the organisation adds under a section.
    section_notes = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return f"{self.organisation}: {self.grouping}"


class NoticeVersion(models.Model):
    """A published statement: never changed after it is written."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notice_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.CharField(_("published by"), max_length=254)
    # The organisation's own numbering and the date the statement takes effect, as it writes
    # them on the statement ("versie 3.1, 25 mei 2018"), beside Waarborg's number.
    own_label = models.CharField(_("own version number"), max_length=40, blank=True)
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    html = models.TextField()
    text = models.TextField()
    snapshot = models.JSONField(help_text="The register data the statement was rendered from.")
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-number", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "language", "number"], name="one_notice_per_number"
            )
        ]

    def __str__(self):
        return f"{self.organisation} v{self.number} ({self.language})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("a published statement cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("a published statement cannot be deleted")

    @staticmethod
    def compute_hash(html, text, snapshot_json):
        digest = hashlib.sha256()
        for part in (html, text, snapshot_json):
            digest.update(part.encode())
            digest.update(b"\0")
        return digest.hexdigest()


class ChangeNotice(models.Model):
    """An e-mail to the people affected by a material change of the statement (Art. 13(3))."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Sent")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="change_notices"
    )
    from_number = models.PositiveIntegerField(_("from version"))
    to_number = models.PositiveIntegerField(_("to version"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    per_minute = models.PositiveIntegerField(_("messages per minute"), default=60)
    created_by = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organisation}: v{self.from_number} -> v{self.to_number}"

    def counts(self):
        """{status: number} of its recipients, in one query."""
        rows = self.recipients.values_list("status").annotate(models.Count("id"))
        return {status: count for status, count in rows}


class ChangeNoticeRecipient(models.Model):
    """One address of a change notice, and what happened to its message."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Unknown: sending was interrupted")

    notice = models.ForeignKey(ChangeNotice, on_delete=models.CASCADE, related_name="recipients")
    email = models.EmailField()
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "email"], name="one_message_per_address")
        ]

    def __str__(self):
        return self.email
