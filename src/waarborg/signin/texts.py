"""allauth's texts on the pages staff see, listed here so that Waarborg's own catalogue, which
Django reads before allauth's, gives them in Waarborg's Dutch (formal "u", as everywhere else)."""

from django.utils.translation import gettext_noop

ALLAUTH_TEXTS = [
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop("Enter your password:"),
    gettext_noop("You are about to generate a new set of recovery codes for your account."),
    gettext_noop("Are you sure?"),
    gettext_noop(
        "You are about to deactivate authenticator app based authentication. Are you sure?"
    ),
    gettext_noop("Are you sure you want to remove this security key?"),
    gettext_noop(
        "You are about to create a passkey for your account. As you can add additional keys "
        "later on, you can use a descriptive name to tell the keys apart."
    ),
    gettext_noop("An error occurred while attempting to login via your third-party account."),
]
