from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "waarborg.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from waarborg.core.taxonomy import sync_shipped_terms

        post_migrate.connect(sync_shipped_terms, sender=self)
