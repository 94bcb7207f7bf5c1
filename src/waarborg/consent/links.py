"""Signed links of the consent ledger: double opt-in (7 days), preferences (1 day), and
unsubscribe links that keep working as long as the message that carried them (no expiry)."""

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from waarborg.core.emails import absolute_url

CONFIRM_AGE = timedelta(days=7)
PREFERENCES_AGE = timedelta(days=1)


class LinkError(Exception):
    pass


def _sign(salt, data, timed=True):
    signer = signing.TimestampSigner(salt=salt) if timed else signing.Signer(salt=salt)
    return signer.sign_object(data, compress=True)


def _read(salt, token, max_age=None):
    try:
        if max_age is None:
            return signing.Signer(salt=salt).unsign_object(token)
        return signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
    except signing.BadSignature as error:  # includes SignatureExpired
        raise LinkError(str(error)) from error


def confirm_token(purpose, key, language):
    return _sign("consent-confirm", {"p": purpose.pk, "k": key, "l": language})


def read_confirm(token):
    return _read("consent-confirm", token, CONFIRM_AGE)


def unsubscribe_token(purpose, key):
    return _sign("consent-unsubscribe", {"p": purpose.pk, "k": key}, timed=False)


def read_unsubscribe(token):
    return _read("consent-unsubscribe", token)


def preferences_token(organisation, key, language):
    return _sign("consent-preferences", {"o": organisation.pk, "k": key, "l": language})


def read_preferences(token):
    return _read("consent-preferences", token, PREFERENCES_AGE)


def unsubscribe_url(purpose, key):
    path = reverse(
        "center:unsubscribe", args=[purpose.organisation.slug, unsubscribe_token(purpose, key)]
    )
    return absolute_url(path)


def unsubscribe_headers(purpose, key):
    """RFC 2369 and RFC 8058 headers for a message about `purpose` to `key`: mail clients show
    an unsubscribe button, and one POST to the link withdraws, with no further page."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(purpose, key)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
