"""Access tokens for a mailbox signed in to with OAuth2 client credentials (Microsoft 365: an
app registered in the tenant with the IMAP.AccessAsApp permission), for SASL XOAUTH2.

A token is requested from the tenant's token endpoint with the client id and secret, and kept in
this process until shortly before it expires; it is never written anywhere. A token the mailbox
refused is forgotten, so the next attempt asks for a new one.
"""

import json
import logging
import re
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger("waarborg.documents")
TIMEOUT = 30
MARGIN = 120  # seconds before its expiry that a token is no longer used
MICROSOFT = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$")

_cache = {}
_lock = threading.Lock()


def _error(message):
    from waarborg.documents.actions import DocumentSourceError

    return DocumentSourceError(message)


def valid_tenant(tenant):
    return bool(_TENANT.match(tenant or ""))


def token_url(tenant, custom=""):
    """The token endpoint: the one given (https only), or Microsoft's for the tenant."""
    custom = (custom or "").strip()
    if custom:
        parts = urllib.parse.urlsplit(custom)
        if parts.scheme != "https" or not parts.hostname:
            raise _error(_("The token endpoint must be an https:// address."))
        return custom
    if not valid_tenant(tenant):
        raise _error(_("Give the tenant as its id or its domain (firma.onmicrosoft.com)."))
    return MICROSOFT.format(tenant=tenant)


def _key(url, client_id, secret, scope):
    from waarborg.core.crypto import keyed_hash

    return keyed_hash("\n".join((url, client_id, secret, scope)), "mailbox-oauth-cache")


def _context():
    cafile = getattr(settings, "IMAP_CAFILE", "") or None
    return ssl.create_default_context(cafile=cafile)


def request_token(url, client_id, secret, scope):
    """(access token, seconds it is valid) from the token endpoint, client-credentials grant."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if urllib.parse.urlsplit(MICROSOFT).hostname != host:
        from waarborg.sources.guard import host_allowed

        try:
            host_allowed(host)
        except Exception:  # noqa: BLE001 - the operator's list decides; one message
            raise _error(_("Waarborg may not connect to this token endpoint.")) from None
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": secret,
            "scope": scope,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - https only, checked above
        url,
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT, context=_context()) as response:  # noqa: S310
            body = json.loads(response.read(65536))
    except urllib.error.HTTPError as error:
        answer = _json(error)
        log.warning("token request refused: %s %s", error.code, str(answer.get("error"))[:100])
        if 400 <= error.code < 500 and answer.get("error"):
            raise _error(
                _(
                    "The token endpoint refused the client id or secret, or does not know the "
                    "tenant: check them in the app registration."
                )
            ) from None
        raise _error(_("Cannot get an access token from the token endpoint.")) from None
    except (OSError, ValueError) as error:
        log.warning("token request failed: %s", str(error)[:300])
        raise _error(_("Cannot get an access token from the token endpoint.")) from None
    token = body.get("access_token") if isinstance(body, dict) else None
    if not token or not isinstance(token, str):
        raise _error(_("Cannot get an access token from the token endpoint."))
    try:
        lifetime = int(body.get("expires_in", 0))
    except (TypeError, ValueError):
        lifetime = 0
    return token, lifetime


def _json(error):
    try:
        answer = json.loads(error.read(65536))
    except (OSError, ValueError):
        return {}
    return answer if isinstance(answer, dict) else {}


def access_token(tenant, client_id, secret, *, url="", scope):
    """A token valid for at least MARGIN seconds more: the one kept, or a new one."""
    url = token_url(tenant, url)
    key = _key(url, client_id, secret, scope)
    with _lock:
        kept = _cache.get(key)
        if kept and kept[1] - MARGIN > time.time():
            return kept[0]
    token, lifetime = request_token(url, client_id, secret, scope)
    with _lock:
        _cache[key] = (token, time.time() + lifetime)
    return token


def forget(token):
    """Drop a token the mailbox refused (revoked, or the app lost its permission)."""
    with _lock:
        for key, (kept, _expires) in list(_cache.items()):
            if kept == token:
                del _cache[key]


def source_token(source):
    return access_token(
        source.oauth_tenant,
        source.oauth_client_id,
        source.client_secret,
        url=source.oauth_token_url,
        scope=source.oauth_scope,
    )


def xoauth2(username, token):
    """The SASL XOAUTH2 initial response (before imaplib's base64)."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01".encode()
