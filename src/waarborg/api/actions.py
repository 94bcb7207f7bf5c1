import hmac

from django.db import transaction
from django.utils import timezone

from waarborg.api.models import PREFIX, ApiKey
from waarborg.audit.actions import record_entry


def create_key(organisation, *, actor, name, role):
    """Make a key; return (ApiKey, the full key to show once)."""
    lookup, secret, full = ApiKey.generate()
    with transaction.atomic():
        key = ApiKey.objects.create(
            organisation=organisation,
            name=name,
            role=role,
            lookup=lookup,
            secret_hash=ApiKey.hash(secret),
            created_by=actor,
        )
        record_entry(
            organisation,
            actor=actor,
            action="api.key_add",
            obj=key,
            new={"name": name, "role": role},
        )
    return key, full


def revoke_key(key, *, actor):
    with transaction.atomic():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record_entry(key.organisation, actor=actor, action="api.key_revoke", obj=key)


def authenticate(token):
    """The active ApiKey of a full key, or None. Constant-time comparison of the secret."""
    if not token or not token.startswith(PREFIX):
        return None
    lookup, _sep, secret = token[len(PREFIX) :].partition("_")
    key = (
        ApiKey.objects.select_related("organisation")
        .filter(lookup=lookup, revoked_at__isnull=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.secret_hash, ApiKey.hash(secret)):
        return None
    return key
