"""The address of the client of a request: the connection's, or, when the connection comes from
a reverse proxy listed in WAARBORG_TRUSTED_PROXIES, the nearest address in X-Forwarded-For
that is not such a proxy. Rate limits, the consent proof and staff sign-in all use it, so no
visitor can choose the address they are counted or recorded under."""

import ipaddress

from django.conf import settings


def _address(text):
    try:
        return ipaddress.ip_address((text or "").strip().strip("[]"))
    except ValueError:
        return None


def _trusted(address, proxies):
    return address is not None and any(address in network for network in proxies)


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", [])
    if not proxies or not _trusted(_address(remote), proxies):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):  # the right end was written by our own proxies
        address = _address(hop)
        if address is None:
            return remote  # a garbled header: count the proxy, not a made-up address
        if not _trusted(address, proxies):
            return str(address)
    return str(_address(hops[0])) if hops else remote
