"""Opaque ids for e-mailed links (see core.models.OpaqueToken): made, found and pruned here,
for every app that keeps a table of them (consent's links, requests' links).

A link carries 32 random characters and nothing else: no address, name or number, readable or
encoded. The database keeps only their SHA-256, so neither a copy of it nor an access log
gives anyone a working link. Links signed the old way carry a colon; the apps read those
while they are still valid, and make no new ones."""

import hashlib
import secrets

from django.utils import timezone


def token_hash(token):
    return hashlib.sha256(str(token).encode()).hexdigest()


def is_signed(token):
    """A link signed before links were opaque (value:signature); opaque ids have no colon."""
    return ":" in token


def mint(model, *, age=None, **fields):
    """Make a row of `model` (an OpaqueToken) for a new link; return (token, row). `age`: how
    long it works (None: for good)."""
    token = secrets.token_urlsafe(24)
    row = model.objects.create(
        token_hash=token_hash(token),
        expires_at=timezone.now() + age if age is not None else fields.pop("expires_at", None),
        **fields,
    )
    return token, row


def find(model, token, **scope):
    """The row of `model` whose link this is, within `scope` (an organisation, a kind), or None:
    unknown, expired, or someone else's. Rows are looked up by hash only, so a guess costs a
    lookup and says nothing."""
    if not token or is_signed(token) or len(token) > 64:
        return None
    found = model.objects.filter(token_hash=token_hash(token), **scope).first()
    if found is None or found.is_expired():
        return None
    return found


def prune(model, now=None):
    """Delete the rows of links that have expired; return how many."""
    count, _rows = model.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return count
