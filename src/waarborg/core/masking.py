"""Secrets hidden wherever a URL is shown (pages, logs, the audit trail and its export): every
password in the user info (`user:***@host`) and in query options (`?password=***`)."""

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


_URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s\"'<>]+", re.IGNORECASE)


def _has_secret(url):
    try:
        parts = urlsplit(url)
    except ValueError:
        return True  # not readable: show it masked rather than as given
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if ":" in userinfo:
        return True
    return any(SECRET_NAMES.search(name) for name, _ in parse_qsl(parts.query, True))


def mask_text(text):
    """`text` with every URL in it that holds a password shown as `mask_url` shows it; for
    what was stored before URLs were masked (old audit entries), on display only."""
    if not isinstance(text, str) or "://" not in text:
        return text
    return _URL.sub(lambda m: mask_url(m.group(0)) if _has_secret(m.group(0)) else m.group(0), text)


def mask_values(values):
    """JSON-like values (dicts, lists, strings) with `mask_text` applied to every string."""
    if isinstance(values, dict):
        return {key: mask_values(value) for key, value in values.items()}
    if isinstance(values, (list, tuple)):
        return [mask_values(value) for value in values]
    return mask_text(values)
