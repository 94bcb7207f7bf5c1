from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessorsConfig(AppConfig):
    name = "waarborg.processors"
    label = "processors"
    verbose_name = _("Processing for clients")
