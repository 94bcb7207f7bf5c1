"""Configuration from the environment.

Every setting Waarborg takes comes from a `WAARBORG_*` variable. Each parser here turns one raw
value into what Django needs, or raises `ConfigError` with one line naming the variable and what
is allowed, so that a typo stops start-up instead of running with a surprise.
"""

import contextlib
import ipaddress
import os
import secrets
import zoneinfo
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_FROM_EMAIL = "Waarborg <waarborg@localhost>"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A `WAARBORG_*` variable has a value Waarborg cannot use."""


def _fail(name, value, allowed):
    raise ConfigError(f"{name}={value!r} is not valid: {allowed}")


def data_dir(environ=os.environ):
    raw = environ.get("WAARBORG_DATA_DIR", "")
    path = Path(raw).expanduser() if raw else Path.home() / ".local" / "share" / "waarborg"
    if raw and not path.is_absolute():
        path = Path.cwd() / path
    return path


def boolean(name, environ=os.environ, default=False):
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    _fail(name, raw, "use 1, true, yes or on to switch it on; 0, false, no or off to switch it off")


def database(url, name="WAARBORG_DATABASE_URL", default_sqlite=None):
    """Turn a database URL into a Django DATABASES entry.

    sqlite:///relative.db, sqlite:////absolute/path.db, postgres:// and postgresql:// are allowed.
    """
    allowed = "use sqlite:///PATH, postgres://USER:PASSWORD@HOST:PORT/NAME or postgresql://..."
    if not url:
        return _sqlite(default_sqlite)
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path or parts.netloc:
            _fail(name, url, allowed)
        return _sqlite(Path(path))
    if parts.scheme in ("postgres", "postgresql"):
        db_name = unquote(parts.path.lstrip("/"))
        if not db_name or not (parts.hostname or parse_qs(parts.query).get("host")):
            _fail(name, url, allowed + " (the host and the database name are required)")
        try:
            port = parts.port
        except ValueError:
            _fail(name, url, allowed + " (the port must be a number)")
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": db_name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or options.pop("host", ""),
            "PORT": str(port or ""),
            "OPTIONS": options,
            # Persistent connections: without them throughput drops about tenfold.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    _fail(name, url, allowed)


def private_dir(path):
    """Create a folder (and its parents) that only this user may enter: 0700."""
    path = Path(path)
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
        path.chmod(0o700)  # mkdir's mode is cut by the umask
    return path


def private_file(path):
    """Create an empty file only this user may read (0600), if it is not there yet: SQLite
    then opens it, and gives its journals the same mode."""
    path = Path(path)
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _sqlite(path):
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # WAL lets the web process read while the worker writes; IMMEDIATE transactions and a
        # busy timeout make concurrent writers wait for each other instead of failing at once.
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def base_url(environ=os.environ):
    name = "WAARBORG_BASE_URL"
    raw = environ.get(name, DEFAULT_BASE_URL).strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        _fail(
            name, raw, "use the address people reach Waarborg at, e.g. https://privacy.example.nl"
        )
    return raw.rstrip("/")


def allowed_hosts(base, environ=os.environ):
    raw = environ.get("WAARBORG_ALLOWED_HOSTS")
    if raw is None:
        hosts = ["localhost", "127.0.0.1", "[::1]"]
    else:
        hosts = [host.strip() for host in raw.split(",") if host.strip()]
        if not hosts:
            _fail("WAARBORG_ALLOWED_HOSTS", raw, "give one or more host names, comma-separated")
    base_host = urlsplit(base).hostname
    if base_host not in hosts:
        hosts.append(base_host)
    return hosts


def email(environ=os.environ):
    """Turn WAARBORG_EMAIL_URL into Django e-mail settings.

    console:// prints mail; smtp://USER:PASSWORD@HOST:PORT sends plainly (local relay);
    smtp+tls:// uses STARTTLS (port 587 by default); smtp+ssl:// uses implicit TLS (port 465).
    """
    name = "WAARBORG_EMAIL_URL"
    raw = environ.get(name, "console://")
    allowed = (
        "use console://, smtp://HOST:PORT, smtp+tls://USER:PASSWORD@HOST:PORT or smtp+ssl://..."
    )
    parts = urlsplit(raw)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    default_ports = {"smtp": 25, "smtp+tls": 587, "smtp+ssl": 465}
    if parts.scheme not in default_ports or not parts.hostname:
        _fail(name, raw, allowed)
    try:
        port = parts.port or default_ports[parts.scheme]
    except ValueError:
        _fail(name, raw, allowed + " (the port must be a number)")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtp+ssl",
        "EMAIL_TIMEOUT": 30,
    }


def from_email(environ=os.environ):
    name = "WAARBORG_DEFAULT_FROM_EMAIL"
    raw = environ.get(name, DEFAULT_FROM_EMAIL).strip()
    address = raw.rsplit("<", 1)[-1].rstrip(">").strip() if "<" in raw else raw
    try:
        validate_email(address)
    except ValidationError:
        _fail(name, raw, "use an e-mail address, optionally with a name: Name <address@example.nl>")
    return raw


def time_zone(environ=os.environ):
    name = "WAARBORG_TIME_ZONE"
    raw = environ.get(name, "Europe/Amsterdam").strip()
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        _fail(name, raw, "use an IANA time zone name such as Europe/Amsterdam")
    return raw


def secret_key(directory, environ=os.environ):
    """The secret key: from WAARBORG_SECRET_KEY, else the file WAARBORG_SECRET_KEY_FILE, else
    the file `secret_key` in the data dir.

    A missing file is created on first use (normally by `waarborg init`) with mode 0600, in a
    folder created 0700. A key file elsewhere than the database (another disk, a secrets
    mount) keeps a copy of the database from being enough to forge links and read secrets.
    """
    raw = environ.get("WAARBORG_SECRET_KEY")
    if raw is not None:
        if len(raw) < 50:
            _fail("WAARBORG_SECRET_KEY", "***", "use at least 50 random characters")
        return raw
    named = environ.get("WAARBORG_SECRET_KEY_FILE", "").strip()
    path = Path(named).expanduser() if named else directory / "secret_key"
    if named and not path.is_absolute():
        _fail("WAARBORG_SECRET_KEY_FILE", named, "use an absolute path")
    if path.exists():
        try:
            key = path.read_text().strip()
        except OSError as error:
            _fail("WAARBORG_SECRET_KEY_FILE", str(path), f"the file cannot be read ({error})")
        if named and len(key) < 50:
            _fail("WAARBORG_SECRET_KEY_FILE", str(path), "the file needs 50 or more characters")
        return key
    private_dir(path.parent)
    key = secrets.token_urlsafe(64)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it first: use theirs
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return key


def _list(name, environ):
    return [item.strip() for item in environ.get(name, "").split(",") if item.strip()]


def source_sqlite_dirs(environ=os.environ):
    """Folders whose SQLite files may be sources (WAARBORG_SOURCE_SQLITE_DIRS): none unless
    the operator names them, so a source can never be a file of this server chosen by a user."""
    name = "WAARBORG_SOURCE_SQLITE_DIRS"
    folders = []
    for item in _list(name, environ):
        path = Path(item).expanduser()
        if not path.is_absolute():
            _fail(name, item, "use absolute paths of folders, comma-separated")
        folders.append(path)
    return folders


def document_dirs(environ=os.environ):
    """Folders that may be document sources, with everything below them
    (WAARBORG_DOCUMENT_DIRS): none unless the operator names them."""
    name = "WAARBORG_DOCUMENT_DIRS"
    folders = []
    for item in _list(name, environ):
        path = Path(item).expanduser()
        if not path.is_absolute():
            _fail(name, item, "use absolute paths of folders, comma-separated")
        folders.append(path)
    return folders


def source_hosts(environ=os.environ):
    """Hosts a network source may be on (WAARBORG_SOURCE_HOSTS): names (db.example.nl),
    domains (*.example.nl), addresses and networks (10.0.0.5, 10.1.0.0/16). Empty: any host."""
    return _host_rules("WAARBORG_SOURCE_HOSTS", environ)


def scan_hosts(environ=os.environ):
    """Hosts the cookie scan may visit besides public ones (WAARBORG_SCAN_HOSTS), written as
    for WAARBORG_SOURCE_HOSTS: names, *.domains, addresses and networks. Empty: public only."""
    return _host_rules("WAARBORG_SCAN_HOSTS", environ)


def _host_rules(name, environ):
    rules = []
    for item in _list(name, environ):
        try:
            rules.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            continue
        except ValueError:
            pass
        host = item.lower().rstrip(".")
        if host.startswith("*."):
            host = host[1:]
        if not host or "/" in host or ":" in host or "*" in host:
            _fail(name, item, "use host names, *.domain, IP addresses or networks, comma-separated")
        rules.append(host)
    return rules


def trusted_proxies(environ=os.environ):
    """Reverse proxies whose X-Forwarded-For is believed (WAARBORG_TRUSTED_PROXIES): addresses
    or networks. Empty: the address of the connection is the client's."""
    name = "WAARBORG_TRUSTED_PROXIES"
    networks = []
    for item in _list(name, environ):
        try:
            networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
        except ValueError:
            _fail(name, item, "use IP addresses or networks (10.0.0.0/8), comma-separated")
    return networks


def caches(environ=os.environ):
    """Django's CACHES: Redis when WAARBORG_REDIS_URL is set (redis://127.0.0.1:6379/0), else a
    table in Waarborg's own database. The cache holds sign-in throttling, so it must be shared
    by every server process: a per-process memory cache would let each process count alone."""
    url = environ.get("WAARBORG_REDIS_URL", "").strip()
    if url:
        if not url.startswith(("redis://", "rediss://", "unix://")):
            _fail("WAARBORG_REDIS_URL", url, "use redis://HOST:PORT/DB")
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "waarborg_cache",
        }
    return {"default": {**backend, "KEY_PREFIX": "waarborg"}}


def session_idle_minutes(environ=os.environ):
    """Minutes without a request after which a staff session ends (WAARBORG_SESSION_IDLE_MINUTES,
    default 30)."""
    name = "WAARBORG_SESSION_IDLE_MINUTES"
    raw = environ.get(name, "").strip() or "30"
    if not raw.isdigit() or not 1 <= int(raw) <= 60 * 24:
        _fail(name, raw, "use a whole number of minutes from 1 to 1440")
    return int(raw)
