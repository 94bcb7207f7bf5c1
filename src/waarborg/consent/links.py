"""Links of the consent ledger: double opt-in (7 days), preferences (1 day), and unsubscribe
links that keep working as long as the message that carried them (no expiry, RFC 8058).

A link carries an opaque random id (`LinkToken`, stored hashed; see core/links.py), never the
address. Links sent before carried the address in a signed token; they keep working (read_*
accepts both), but no new one is made."""

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from waarborg.core import links
from waarborg.core.crypto import decrypt_text, encrypt_text
from waarborg.core.emails import absolute_url

CONFIRM_AGE = timedelta(days=7)
PREFERENCES_AGE = timedelta(days=1)
ENCRYPTION = "consent-link"  # the purpose its key is derived for


class LinkError(Exception):
    pass


def _new(kind, organisation_id, key, *, purpose=None, language="nl", age=None, keep=False):
    from waarborg.consent.models import LinkToken

    token, row = links.mint(
        LinkToken,
        age=age,
        organisation_id=organisation_id,
        purpose=purpose,
        kind=kind,
        person_key=key,
        language=language,
    )
    if keep:
        row.token_encrypted = encrypt_text(token, ENCRYPTION)
        row.save(update_fields=["token_encrypted"])
    return token


def _find(kind, token):
    """The LinkToken of an opaque id, or LinkError (unknown, expired, another kind)."""
    from waarborg.consent.models import LinkToken

    found = links.find(LinkToken, token, kind=kind)
    if found is None:
        raise LinkError("unknown or expired link")
    return found


_signed = links.is_signed  # the signed tokens of links sent before (value:signature)


def _read_signed(salt, token, max_age=None):
    try:
        if max_age is None:
            return signing.Signer(salt=salt).unsign_object(token)
        return signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
    except signing.BadSignature as error:  # includes SignatureExpired
        raise LinkError(str(error)) from error


def confirm_token(purpose, key, language):
    return _new(
        "confirm", purpose.organisation_id, key, purpose=purpose, language=language, age=CONFIRM_AGE
    )


def read_confirm(token):
    if _signed(token):
        return _read_signed("consent-confirm", token, CONFIRM_AGE)
    found = _find("confirm", token)
    return {"p": found.purpose_id, "k": found.person_key, "l": found.language}


def unsubscribe_token(purpose, key):
    """The person's one unsubscribe link for this purpose, made once and given again."""
    from waarborg.consent.models import LinkToken

    known = (
        LinkToken.objects.filter(kind="unsubscribe", purpose=purpose, person_key=key)
        .exclude(token_encrypted="")
        .first()
    )
    if known is not None:
        return decrypt_text(known.token_encrypted, ENCRYPTION)
    return _new("unsubscribe", purpose.organisation_id, key, purpose=purpose, keep=True)


def read_unsubscribe(token):
    if _signed(token):
        return _read_signed("consent-unsubscribe", token)
    found = _find("unsubscribe", token)
    return {"p": found.purpose_id, "k": found.person_key}


def preferences_token(organisation, key, language):
    return _new("preferences", organisation.pk, key, language=language, age=PREFERENCES_AGE)


def read_preferences(token):
    if _signed(token):
        return _read_signed("consent-preferences", token, PREFERENCES_AGE)
    found = _find("preferences", token)
    return {"o": found.organisation_id, "k": found.person_key, "l": found.language}


def unsubscribe_url(purpose, key):
    path = reverse(
        "center:unsubscribe", args=[purpose.organisation.slug, unsubscribe_token(purpose, key)]
    )
    return absolute_url(path)


def unsubscribe_headers(purpose, key):
    """RFC 2369 and RFC 8058 headers for a message about `purpose` to `key`: mail clients show
    an unsubscribe button, and one POST to the link withdraws, with no further page."""
    url = unsubscribe_url(purpose, key)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def prune_links(now=None):
    """Delete the links that have expired (confirmations, preferences); unsubscribe links do
    not expire. Run every night by the worker."""
    from waarborg.consent.models import LinkToken

    return links.prune(LinkToken, now)


def erase_links(organisation, keys):
    """Delete every link of these people (their addresses or numbers) in this organisation, their
    unsubscribe links too: the person's data is erased, and a link row holds their address.
    Returns how many; the caller audits it."""
    from waarborg.consent.models import LinkToken

    keys = [key for key in keys if key]
    if not keys:
        return 0
    count, _rows = LinkToken.objects.filter(organisation=organisation, person_key__in=keys).delete()
    return count
