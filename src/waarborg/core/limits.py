"""Rate limits of forms that anyone can send, and of every form that sends e-mail: per client
IP (core/clients.py) and per e-mail address, counted in the database, so every web process
shares them. A form over a limit answers 429 and changes nothing."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from waarborg.core.clients import client_ip
from waarborg.core.crypto import keyed_hash
from waarborg.core.models import Attempt

# (attempts, minutes)
PER_IP = (10, 60)
PER_ADDRESS = (3, 60)


def allow(scope, key, *, limit, minutes):
    """Count one attempt of `key` (an IP or an address) in `scope`; False when over the limit."""
    key_hash = keyed_hash(str(key).lower(), "rate-limit")
    since = timezone.now() - timedelta(minutes=minutes)
    with transaction.atomic():
        Attempt.objects.filter(scope=scope, key_hash=key_hash, at__lt=since).delete()
        count = Attempt.objects.filter(scope=scope, key_hash=key_hash).count()
        if count >= limit:
            return False
        Attempt.objects.create(scope=scope, key_hash=key_hash)
    return True


def within(request, scope, address=None, per_ip=PER_IP, per_address=PER_ADDRESS):
    """Count one attempt at `scope` from this client and, if given, for this address; False when
    either is over its limit."""
    if not allow(f"{scope}-ip", client_ip(request), limit=per_ip[0], minutes=per_ip[1]):
        return False
    if address:
        key = str(address).strip().lower()
        return allow(f"{scope}-address", key, limit=per_address[0], minutes=per_address[1])
    return True
