"""The e-mail a member gets when the way they sign in changes: a second factor set up could
otherwise be someone else's who learnt the password first."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.core.emails import absolute_url, send_templated

CHANGES = {
    "mfa/email/totp_activated": _("An authenticator app was set up for signing in."),
    "mfa/email/totp_deactivated": _("The authenticator app was removed."),
    "mfa/email/webauthn_added": _("A passkey was added."),
    "mfa/email/webauthn_removed": _("A passkey was removed."),
    "mfa/email/recovery_codes_generated": _("New recovery codes were made."),
    "account/email/password_changed": _("The password was changed."),
}


def send_sign_in_change(user, *, change, ip):
    """Tell `user`, in their own language (else their first organisation's), after the change
    is saved."""
    membership = user.memberships.select_related("organisation").order_by("pk").first()
    language = user.language_in(membership.organisation if membership else None)
    context = {
        "change": CHANGES[change],
        "ip": ip,
        "at": timezone.now(),
        "reset_link": absolute_url("/password/reset/"),
    }
    transaction.on_commit(
        lambda: send_templated(
            "signin/emails/sign_in_changed", to=user.email, language=language, context=context
        )
    )
