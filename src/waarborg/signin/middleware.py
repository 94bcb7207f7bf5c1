from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from waarborg.signin.adapters import SETUP_REQUIRED, has_second_factor


class RequireMultiFactor:
    """A member who signed in without a second factor, where an organisation of theirs requires
    one, sees only the pages that set one up (or signs out) until it is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.session.get(SETUP_REQUIRED):
            if has_second_factor(request.user):
                del request.session[SETUP_REQUIRED]
            elif not self._allowed(request.path):
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _allowed(path):
        allowed = [
            reverse("mfa_index"),  # TOTP, passkeys and recovery codes live below it
            reverse("account_logout"),
            reverse("core:logout"),
            reverse("account_reauthenticate"),
            reverse("set_language"),
            "/" + settings.STATIC_URL.lstrip("/"),
        ]
        return any(path.startswith(prefix) for prefix in allowed)
