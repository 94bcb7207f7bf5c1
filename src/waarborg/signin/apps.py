from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "waarborg.signin"
    label = "signin"
    verbose_name = _("Sign-in")

    def ready(self):
        from waarborg.signin import receivers

        receivers.connect()
