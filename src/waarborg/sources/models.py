from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.crypto import decrypt_text
from waarborg.core.models import Organisation
from waarborg.register.models import System

URL_PURPOSE = "source-url"


class SqlSource(models.Model):
    """The database behind a system of the register, and the annotation of its personal data."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    system = models.OneToOneField(
        System, on_delete=models.CASCADE, related_name="sql_source", verbose_name=_("system")
    )
    url_encrypted = models.TextField()
    url_display = models.CharField(_("database"), max_length=500)
    annotation = models.TextField(_("annotation (YAML)"))
    checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SQL source")
        verbose_name_plural = _("SQL sources")

    def __str__(self):
        return f"{self.system} ({self.url_display})"

    @property
    def url(self):
        return decrypt_text(self.url_encrypted, URL_PURPOSE)

    def dataset(self):
        from waarborg.sources.annotation import parse_cached

        return parse_cached(self.annotation)

    def has_errors(self):
        return any(problem["level"] == "error" for problem in self.problems)


class RestrictionRecord(models.Model):
    """Rows of a source that are restricted (Art. 18 GDPR) where the database has no flag for it.

    Staff must not use these rows; retention and later requests read this record.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(SqlSource, on_delete=models.CASCADE, related_name="restrictions")
    collection = models.CharField(max_length=200)
    key_columns = models.JSONField(default=list)
    keys = models.JSONField(default=list)
    conditions = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.collection}: {len(self.keys)}"
