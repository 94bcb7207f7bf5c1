"""What a source URL may point at: never Waarborg's own database, and only where the operator
allows.

An owner of one organisation types a source URL; through it Waarborg reads and changes rows.
Were that URL Waarborg's own database, the owner could read and change every organisation's
data. So, for every engine `sources.engine` builds and every connection it opens:

- SQLite: a plain path (no `file:` URI, no options) to a regular file, after symlinks, inside a
  folder of WAARBORG_SOURCE_SQLITE_DIRS (none by default), and not the file (by device and
  inode, so hard links count too) of Waarborg's own database or its journals.
- PostgreSQL and MySQL/MariaDB: a host name or address (no Unix socket, no host lists), only
  the query options listed in QUERY_OPTIONS, and a host of WAARBORG_SOURCE_HOSTS when that is
  set. Every new connection to PostgreSQL asks the server who it is: a source on the cluster of
  Waarborg's own database is refused (unless WAARBORG_SOURCE_SAME_CLUSTER allows it), and its
  own database always, however the host was written.

The messages never say whether a file exists or a port is open: one message for every reason a
file is refused, one for every failed connection; the reason goes to the server log.
"""

import ipaddress
import logging
import os
import re
import socket
import stat

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

log = logging.getLogger("waarborg.sources")

# Options a source URL may carry, per backend; anything else (passfile, service, host,
# sslkey, local_infile, read_default_file, ...) could make the driver read files of this
# server, use its credentials or connect elsewhere.
QUERY_OPTIONS = {
    "postgresql": {"sslmode", "application_name", "target_session_attrs", "channel_binding"},
    "mysql": {"charset"},
    "sqlite": set(),
}
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?)+$")


def _error(message):
    from waarborg.sources.engine import SourceError

    return SourceError(message)


def file_refused():
    return _error(
        _(
            "Waarborg may not use this SQLite file. A source file must be an SQLite database in "
            "a folder the operator allows (WAARBORG_SOURCE_SQLITE_DIRS)."
        )
    )


def connection_failed(error=None, url=None):
    """The one message for a connection that failed, whatever the reason (a closed port, an
    unknown host, a wrong password): the reason goes to the log, for the operator."""
    if error is not None:
        original = getattr(error, "orig", None) or error
        where = f"{url.host}:{url.port or ''}" if url is not None and url.host else ""
        log.warning("source connection %s failed: %s", where, str(original).strip()[:500])
    return _error(
        _(
            "Cannot connect to the database, or it refused the user name or password. "
            "The server log says why."
        )
    )


# Checking a URL before an engine is made -----------------------------------------------------


def checked(parsed):
    """The URL (SQLAlchemy's) an engine may be made for, or SourceError. A SQLite URL comes
    back with the file's real path, so the engine opens the file that was checked."""
    backend = parsed.get_backend_name()
    extra = set(parsed.query) - QUERY_OPTIONS.get(backend, set())
    if backend == "sqlite":
        database = parsed.database or ""
        if extra or database.startswith("file:") or database in ("", ":memory:"):
            raise _error(
                _(
                    "Give an SQLite source as the path of its file, sqlite:////path/to/file.db, "
                    "without file: or options."
                )
            )
        return parsed.set(database=sqlite_file(database))
    if extra:
        raise _error(
            _("A source URL may not carry the option(s) %(options)s; allowed: %(allowed)s")
            % {
                "options": ", ".join(sorted(extra)),
                "allowed": ", ".join(sorted(QUERY_OPTIONS[backend])) or "-",
            }
        )
    host_allowed(parsed.host)
    return parsed


def sqlite_file(path):
    """The real path of an SQLite source file, or the one refusal for every reason."""
    try:
        real = os.path.realpath(os.path.abspath(os.path.expanduser(path)), strict=True)
        info = os.stat(real)
    except (OSError, ValueError) as error:
        log.info("SQLite source %r refused: %s", path, error)
        raise file_refused() from None
    if not stat.S_ISREG(info.st_mode) or not _in_allowed_folder(real):
        log.info("SQLite source %r refused: not a file in an allowed folder", path)
        raise file_refused()
    if (info.st_dev, info.st_ino) in _own_files():
        log.warning("SQLite source %r refused: it is Waarborg's own database", path)
        raise file_refused()
    return real


def _in_allowed_folder(real):
    for folder in getattr(settings, "SOURCE_SQLITE_DIRS", []):
        try:
            base = os.path.realpath(folder, strict=True)
        except OSError:
            continue
        if os.path.commonpath([base, real]) == base and real != base:
            return True
    return False


def _own_files():
    """(device, inode) of every file of Waarborg's own SQLite databases and their journals,
    as the open connections report them (PRAGMA database_list) and as configured."""
    names = set()
    for alias in connections:
        connection = connections[alias]
        if connection.vendor != "sqlite":
            continue
        names.add(str(connection.settings_dict.get("NAME") or ""))
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA database_list")
                names.update(row[2] for row in cursor.fetchall() if row[2])
        except Exception:  # noqa: BLE001, S110 - the configured name is checked all the same
            pass
    found = set()
    for name in names:
        if not name or name.startswith("file:") or name == ":memory:":
            continue
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                info = os.stat(name + suffix)
            except OSError:
                continue
            found.add((info.st_dev, info.st_ino))
    return found


def host_allowed(host):
    """Refuse what is no plain host (a Unix socket, a list of hosts, an empty host) and, when
    WAARBORG_SOURCE_HOSTS is set, a host not on it. Decided without a connection. Returns
    whether the host still needs its connection's peer address checked (allowed by network)."""
    host = (host or "").strip()
    literal = _address(host)
    if literal is None and not _HOST_NAME.match(host):
        raise _error(_("Give the database server as a host name or an IP address."))
    rules = getattr(settings, "SOURCE_HOSTS", [])
    if not rules:
        return False
    networks = [rule for rule in rules if not isinstance(rule, str)]
    if literal is not None:
        if any(literal in network for network in networks):
            return True
    else:
        name = host.rstrip(".").lower()
        for rule in rules:
            if isinstance(rule, str) and (name == rule or (rule[0] == "." and name.endswith(rule))):
                return False
        addresses = _resolve(host) if networks else []
        if addresses and all(any(a in n for n in networks) for a in addresses):
            return True
    raise host_refused()


def host_refused():
    return _error(
        _(
            "Waarborg may not connect to this host; the operator allows other hosts "
            "(WAARBORG_SOURCE_HOSTS)."
        )
    )


def _address(host):
    """The IP address a host literally is, in any form the C library accepts (127.1,
    2130706433, ::ffff:127.0.0.1), else None."""
    text = host.strip("[]")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        try:
            address = ipaddress.ip_address(socket.inet_aton(text))
        except (OSError, UnicodeError, ValueError):
            return None
    return getattr(address, "ipv4_mapped", None) or address


def _resolve(host):
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [_address(info[4][0]) for info in infos]


# Checking every connection ---------------------------------------------------------------------


def connect_args(backend):
    """Driver options that keep a source from this server's own credentials: no ~/.pgpass."""
    if backend != "postgresql":
        return {}
    # a file that is not there (libpq warns about /dev/null): no password is read from a file
    return {"passfile": os.path.join(settings.DATA_DIR, "no-pgpass")}


def watch(engine):
    """Check each new connection of a network source's engine before it is used: its peer
    address where the host was allowed by network, and a PostgreSQL server against Waarborg's
    own."""
    from sqlalchemy import event

    by_network = host_allowed(engine.url.host)
    backend = engine.dialect.name

    @event.listens_for(engine, "connect")
    def _connected(dbapi_connection, record):
        check_new_connection(backend, by_network, dbapi_connection)


def check_new_connection(backend, by_network, dbapi_connection):
    """Close and refuse a new connection whose peer is outside the allowed networks (when the
    host was allowed by network) or that reached Waarborg's own PostgreSQL server."""
    try:
        if by_network:
            networks = [r for r in settings.SOURCE_HOSTS if not isinstance(r, str)]
            peer = _peer(backend, dbapi_connection)
            if peer is None or not any(peer in network for network in networks):
                raise host_refused()
        if backend == "postgresql":
            not_own_server(dbapi_connection)
    except BaseException:
        dbapi_connection.close()
        raise


def _peer(backend, dbapi_connection):
    try:
        if backend == "postgresql":
            return _address(dbapi_connection.info.hostaddr or "")
        return _address(dbapi_connection._sock.getpeername()[0])
    except (OSError, AttributeError, IndexError, TypeError):
        return None


def server_identity(cursor):
    """(system identifier or None, start time, port, database) of a PostgreSQL server. The
    system identifier names a cluster (its replicas too); start time and port name a running
    server where pg_control_system() is not granted."""
    cursor.execute("SELECT has_function_privilege('pg_control_system()', 'EXECUTE')")
    granted = cursor.fetchone()[0]
    cluster = "(SELECT system_identifier::text FROM pg_control_system())" if granted else "NULL"
    cursor.execute(
        f"SELECT {cluster}, pg_postmaster_start_time()::text, current_setting('port'), "  # noqa: S608
        "current_database()"
    )
    return tuple(cursor.fetchone())


def not_own_server(dbapi_connection):
    """Refuse a PostgreSQL connection to the cluster of Waarborg's own database (unless the
    operator allows the cluster), and to Waarborg's own database always."""
    own = _own_servers()
    if not own:
        return
    with dbapi_connection.cursor() as cursor:
        theirs = server_identity(cursor)
    dbapi_connection.rollback()
    for mine in own:
        same_cluster = (mine[0] is not None and mine[0] == theirs[0]) or mine[1:3] == theirs[1:3]
        if not same_cluster:
            continue
        if mine[3] == theirs[3] or not getattr(settings, "SOURCE_SAME_CLUSTER", False):
            log.warning("source refused: on the server of Waarborg's own database")
            raise _error(
                _(
                    "This database is on the server of Waarborg's own database; a source must "
                    "be on another server."
                )
            )


LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "options",
                 "application_name", "connect_timeout", "target_session_attrs", "passfile",
                 "service", "gssencmode", "channel_binding"}  # fmt: skip


def _own_servers():
    """The identity of each PostgreSQL server Waarborg itself uses, asked anew each time (a
    restart or a fail-over changes the start time). Asked over a connection of its own, made
    from the connection settings: never through (nor inside a transaction of) Django's."""
    import psycopg

    found = []
    for alias in connections:
        conf = connections[alias].settings_dict
        if not conf["ENGINE"].endswith("postgresql"):
            continue
        params = {
            "dbname": conf.get("NAME"),
            "user": conf.get("USER"),
            "password": conf.get("PASSWORD"),
            "host": conf.get("HOST"),
            "port": conf.get("PORT"),
        }
        params = {key: value for key, value in params.items() if value}
        params.update({k: v for k, v in (conf.get("OPTIONS") or {}).items() if k in LIBPQ_OPTIONS})
        params.setdefault("connect_timeout", 5)
        with psycopg.connect(**params, autocommit=True) as conn, conn.cursor() as cursor:
            found.append(server_identity(cursor))
    return found
