"""Source URLs as pages, logs and the audit trail may show them: every password hidden, in the
user info (`user:***@host`) and in query options (`?password=***`, `?sslpassword=***`)."""

import re
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

MASK = "***"
SECRET_NAMES = re.compile(r"pass|pwd|secret|token|key|auth|credential", re.IGNORECASE)


def mask_url(url):
    """The URL with its secrets replaced by ***; text that is no URL comes back as `?`."""
    try:
        parts = urlsplit((url or "").strip())
        if not re.fullmatch(r"[a-z][a-z0-9+.-]*", parts.scheme) or " " in url.strip():
            return "?"
        netloc = parts.netloc
        if "@" in netloc:
            userinfo, _at, hostport = netloc.rpartition("@")
            user, colon, _password = userinfo.partition(":")
            netloc = f"{user}:{MASK}@{hostport}" if colon else f"{user}@{hostport}"
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = "&".join(
            quote(name, safe="") + "=" + (MASK if SECRET_NAMES.search(name) else quote(value))
            for name, value in pairs
        )
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))
    except ValueError:
        return "?"
