"""Which addresses a cookie scan may visit: public websites only, unless the operator allows
more hosts (WAARBORG_SCAN_HOSTS), so a scan cannot be aimed at the installation's own network.

The start address is checked when a website is saved and again when the scan starts; every
request the browser makes during the scan is checked too (a page may point the browser at an
internal address): refused requests are aborted, and still recorded as contacted hosts.
"""

import ipaddress
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class ScanRefused(ValueError):
    pass


def refused():
    return ScanRefused(
        _(
            "Only public websites can be scanned; the operator allows other hosts "
            "(WAARBORG_SCAN_HOSTS)."
        )
    )


def check_url(url):
    """Raise ScanRefused unless `url` is an http(s) address the scan may visit."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ScanRefused(_("Give the address of a web page, starting with https://."))
    if parts.username or parts.password:
        raise ScanRefused(_("Give the address without a user name or password."))
    if not host_allowed(parts.hostname):
        host = parts.hostname.strip("[]").rstrip(".").lower()
        if not _addresses(host) and not any(host == r for r in _rule_names()):
            raise ScanRefused(_("The host name of this address cannot be found."))
        raise refused()


def _rule_names():
    return [r for r in getattr(settings, "SCAN_HOSTS", []) if isinstance(r, str)]


def host_allowed(host, rules=None):
    host = (host or "").strip("[]").rstrip(".").lower()
    rules = getattr(settings, "SCAN_HOSTS", []) if rules is None else rules
    return _allowed(host, tuple(str(r) if not isinstance(r, str) else r for r in rules))


@lru_cache(maxsize=512)
def _allowed(host, rules):
    if not host:
        return False
    networks = []
    for rule in rules:
        if "/" in rule:
            networks.append(ipaddress.ip_network(rule))
        elif host == rule or (rule.startswith(".") and host.endswith(rule)):
            return True
    addresses = _addresses(host)
    if not addresses:
        return False
    if networks and all(any(a in n for n in networks) for a in addresses):
        return True
    return all(a.is_global and not a.is_multicast for a in addresses)


def _addresses(host):
    try:
        literal = ipaddress.ip_address(host)
        return [getattr(literal, "ipv4_mapped", None) or literal]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    found = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        found.append(getattr(address, "ipv4_mapped", None) or address)
    return found


def clear():
    _allowed.cache_clear()
