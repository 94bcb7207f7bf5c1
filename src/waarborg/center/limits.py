"""Rate limits of the public pages: per client IP (core/clients.py) and per e-mail address,
counted in the database by the limiter of the request form (requests.actions.allow), so every
web process shares them. A page over a limit answers 429 and changes nothing."""

from waarborg.core.clients import client_ip
from waarborg.requests.actions import allow

# (attempts, minutes)
PER_IP = (10, 60)
PER_ADDRESS = (3, 60)


def within(request, scope, address=None, per_ip=PER_IP, per_address=PER_ADDRESS):
    """Count one attempt at `scope` from this client and, if given, for this address; False when
    either is over its limit."""
    if not allow(f"{scope}-ip", client_ip(request), limit=per_ip[0], minutes=per_ip[1]):
        return False
    if address:
        key = address.strip().lower()
        return allow(f"{scope}-address", key, limit=per_address[0], minutes=per_address[1])
    return True
