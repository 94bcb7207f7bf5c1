from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "waarborg.checks"
    label = "checks"
    verbose_name = _("Checks")

    def ready(self):
        # Rules register themselves on import: ours, and a `check_rules` module of any app
        # (the DPIA rules plug in that way).
        from django.utils.module_loading import autodiscover_modules

        from waarborg.checks import rules  # noqa: F401

        autodiscover_modules("check_rules")
