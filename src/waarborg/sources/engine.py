"""Find, export, erase, rectify and restrict one person's rows in an SQL database.

From the identities of a request (e-mail, phone, customer number, ...) the walk follows identity
columns and declared references to every row of the person: one set-based query per collection
(more only when an IN list passes BATCH values), each collection after all collections it is
reached from. Changes use the same conditions (`WHERE column IN (...)` per identity and per
reference), so erasing a subject with 10,000 logins is one UPDATE or DELETE, not 10,000.

This module talks to other people's databases through SQLAlchemy Core and knows nothing of Django
models; `sources.actions` wraps it for the rest of Waarborg.
"""

import operator
import os
import secrets
import sqlite3
import threading
import time as _time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import quote

import sqlalchemy as sa
from django.utils.translation import gettext as _
from sqlalchemy import exc

from waarborg.sources import guard

BATCH = 900  # values per IN list: below SQLite's older limit of 999 variables
CONNECT_TIMEOUT = 5


class SourceError(Exception):
    """Something stopped the work on a source; nothing was changed. The message says what."""


# Connections -------------------------------------------------------------------------------

_engines = {}


def normalise_url(url):
    """Pick the drivers Waarborg ships (psycopg 3, PyMySQL) for plain URLs."""
    url = url.strip()
    for plain, driver in (
        ("postgres://", "postgresql+psycopg://"),
        ("postgresql://", "postgresql+psycopg://"),
        ("mysql://", "mysql+pymysql://"),
        ("mariadb://", "mysql+pymysql://"),
        ("mariadb+pymysql://", "mysql+pymysql://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def parse_url(url):
    try:
        parsed = sa.engine.make_url(normalise_url(url))
    except (exc.ArgumentError, ValueError) as error:
        raise SourceError(_("This is not a database URL: %s") % error) from error
    if parsed.get_backend_name() not in ("postgresql", "mysql", "sqlite"):
        raise SourceError(
            _("Waarborg connects to PostgreSQL, MySQL/MariaDB and SQLite, not %s")
            % parsed.get_backend_name()
        )
    return parsed


def display_url(url):
    """The URL with its passwords hidden (user info and query), for pages, logs and audit."""
    from waarborg.sources.masking import mask_url

    try:
        return mask_url(parse_url(url).render_as_string(hide_password=True))
    except SourceError:
        return mask_url(url)


def engine_for(url, read_only=False):
    """A pooled engine per URL. For SQLite, reads use a second engine that opens the file in
    read-only mode, which costs nothing per transaction."""
    known = _by_url.get((url, read_only))
    if known is not None:
        engine, path = known
        if path is None or os.path.isfile(path):
            return engine
    engine = _make_engine(url, read_only)
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    _by_url[(url, read_only)] = (engine, path.removeprefix("file:").split("?")[0] if path else None)
    return engine


_by_url = {}


def _make_engine(url, read_only):
    parsed = guard.checked(parse_url(url))  # never Waarborg's own database (sources.guard)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = parsed.database
        if read_only:
            parsed = parsed.set(database=f"file:{path}?mode=ro", query={"uri": "true"})
    key = parsed.render_as_string(hide_password=False)
    engine = _engines.get(key)
    if engine is None:
        args = {} if backend == "sqlite" else {"connect_timeout": CONNECT_TIMEOUT}
        try:
            engine = sa.create_engine(parsed, connect_args=args | guard.connect_args(backend))
        except (exc.ArgumentError, ImportError) as error:
            raise SourceError(_("Cannot use this database URL: %s") % error) from error
        if backend == "sqlite":
            _sqlite_transactions(engine)
        else:
            guard.watch(engine)
        _engines[key] = engine
    return engine


def dispose_engines():
    _reader_generation[0] += 1
    _sqlite_files.clear()
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()
    _by_url.clear()


def _reason(error):
    """The database's own first line of an error, without SQL or parameters."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return text[0] if text else type(original).__name__


@contextmanager
def database_errors():
    try:
        yield
    except exc.SQLAlchemyError as error:
        raise _source_error(error) from error


def _source_error(error):
    """The SourceError that says in words what went wrong, for an SQLAlchemy error."""
    if isinstance(error, exc.DataError):
        return SourceError(_("A value does not fit a column of the database: %s") % _reason(error))
    if isinstance(error, exc.IntegrityError):
        return SourceError(_("The database refused the change: %s") % _reason(error))
    if getattr(error, "connection_invalidated", False):
        return guard.connection_failed(error)
    return SourceError(_("The database answered with an error: %s") % _reason(error))


def connect(url, read_only=False):
    engine = engine_for(url, read_only)
    try:
        conn = engine.connect()
    except exc.DBAPIError as error:
        raise guard.connection_failed(error, engine.url) from None
    if read_only and conn.dialect.name == "postgresql":
        conn = conn.execution_options(postgresql_readonly=True)  # BEGIN READ ONLY
    return conn


@contextmanager
def transaction(url, read_only=False):
    """A connection in one transaction: committed if the block succeeds, else rolled back.

    Read-only transactions cannot write: PostgreSQL begins READ ONLY, MySQL starts the
    transaction READ ONLY, SQLite opens the file read-only."""
    conn = connect(url, read_only)
    with database_errors(), conn, conn.begin():
        if read_only and conn.dialect.name == "mysql":
            conn.exec_driver_sql("START TRANSACTION READ ONLY")
        yield conn


class _Raw:
    """What `Table` needs of a connection: its dialect and a DBAPI connection to make cursors."""

    __slots__ = ("dialect", "connection")

    def __init__(self, dialect, connection):
        self.dialect, self.connection = dialect, connection


_READ_ONLY_START = {
    "sqlite": "BEGIN",  # the file is open read-only; BEGIN gives the walk one snapshot
    "postgresql": "SET TRANSACTION READ ONLY",  # first statement of the driver's transaction
    "mysql": "START TRANSACTION READ ONLY",
}


class reading:
    """A read-only transaction on a DBAPI connection, for walks that only read:
    `with reading(url) as conn: ...`.

    Like `transaction(url, read_only=True)` but without SQLAlchemy's Connection around it: an
    access request is a handful of small queries, and that layer cost as much as they do. An
    SQLite file is read through a read-only connection kept per thread (`_sqlite_reader`);
    other databases use the engine's pool, and the transaction ends with the rollback that
    returns the connection to it. Database errors leave as SourceError."""

    __slots__ = ("url", "pooled", "conn")

    def __init__(self, url):
        self.url = url
        self.pooled = None

    def __enter__(self):
        known = _sqlite_files.get(self.url)
        if known is None:
            engine = engine_for(self.url, read_only=True)
            if engine.dialect.name != "sqlite":
                return self._pooled(engine)
            path = _by_url[(self.url, True)][1]  # the file, as engine_for found it
            known = _sqlite_files[self.url] = (engine.dialect, path)
        self.conn = _sqlite_reader(*known)
        self._begin("BEGIN")
        return self.conn

    def _pooled(self, engine):
        dialect = engine.dialect
        try:
            self.pooled = engine.raw_connection()  # the driver's own error if it fails
        except (exc.DBAPIError, dialect.loaded_dbapi.Error) as error:
            raise guard.connection_failed(error, engine.url) from None
        self.conn = _Raw(dialect, self.pooled.dbapi_connection)
        self._begin(_READ_ONLY_START[dialect.name])
        return self.conn

    def _begin(self, sql):
        try:
            _run(self.conn, sql, ())
        except exc.SQLAlchemyError as error:
            self._end()
            raise _source_error(error) from error

    def __exit__(self, kind, error, traceback):
        self._end()
        if isinstance(error, exc.SQLAlchemyError):
            raise _source_error(error) from error
        return False

    def _end(self):
        if self.pooled is None:
            self.conn.connection.rollback()
        else:
            self.pooled.close()


_sqlite_files = {}  # url -> (dialect, file path) of SQLite sources read before
_readers = threading.local()
_reader_generation = [0]  # raised by dispose_engines: every thread then opens anew


def _sqlite_reader(dialect, path):
    """This thread's read-only connection to an SQLite file, opened anew when the file was
    replaced since (another inode) and an error when it is gone."""
    try:
        stat = os.stat(path)
    except OSError:
        raise guard.file_refused() from None
    mark = (stat.st_dev, stat.st_ino, _reader_generation[0])
    try:
        cache = _readers.connections
    except AttributeError:
        cache = _readers.connections = {}
    known = cache.get(path)
    if known is not None:
        if known[0] == mark:
            return known[1]
        known[1].connection.close()
    guard.sqlite_file(path)  # the file at the path was replaced: check it again
    try:
        conn = sqlite3.connect(
            f"file:{quote(path)}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as error:
        raise guard.connection_failed(error) from None
    cache[path] = (mark, _Raw(dialect, conn))
    return cache[path][1]


def _sqlite_transactions(engine):
    """Let SQLAlchemy, not the sqlite3 module, say where a transaction begins, so the reads of
    a walk and the changes after it see one snapshot (SQLAlchemy's documented recipe)."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        conn.connection.dbapi_connection.execute("BEGIN")


# The walk -----------------------------------------------------------------------------------


@dataclass
class Plan:
    order: list  # collections in the order they are queried
    seeds: dict  # collection -> [(field, identity name)]
    incoming: dict  # collection -> [Edge]
    outgoing: dict = field(default_factory=dict)  # collection -> columns that lead on
    programs: dict = field(default_factory=dict, repr=False)  # worked-out walks (`walk`)

    def __post_init__(self):
        for edges in self.incoming.values():
            for edge in edges:
                self.outgoing.setdefault(edge.source, set()).add(edge.source_field)


def make_plan(dataset, identity_names):
    """Which collections the given identities reach, and in which order to query them.

    A reference with a direction is followed only that way; one without is followed away from
    the side reached first. A cycle among the reached collections is an error: its order of
    evaluation would be undefined (Fides refuses it too).
    """
    names = frozenset(identity_names)
    cached = dataset.plans.get(names)
    if cached is None:
        cached = dataset.plans[names] = _make_plan(dataset, names)
    return cached


def _make_plan(dataset, names):
    from waarborg.sources.annotation import Edge

    seeds = defaultdict(list)
    for collection in dataset.active():
        for column, identity in collection.identities.items():
            if identity in names:
                seeds[collection.name].append((column, identity))
    directed, undirected = dataset.edges()
    reached = set(seeds)
    edges = []
    frontier = list(seeds)
    while frontier:
        current = frontier.pop(0)
        for edge in directed:
            if edge.source == current:
                edges.append(edge)
                if edge.target not in reached:
                    reached.add(edge.target)
                    frontier.append(edge.target)
        for a, b in undirected:
            for here, there in ((a, b), (b, a)):
                if here[0] == current and there[0] not in reached:
                    edges.append(Edge(here[0], here[1], there[0], there[1]))
                    reached.add(there[0])
                    frontier.append(there[0])
    edges = list(dict.fromkeys(e for e in edges if e.source in reached and e.target in reached))
    incoming = defaultdict(list)
    for edge in edges:
        if edge.source != edge.target:
            incoming[edge.target].append(edge)
    order = _topological(
        sorted(reached), [(e.source, e.target) for e in edges if e.source != e.target]
    )
    return Plan(order, dict(seeds), dict(incoming))


def _topological(nodes, pairs):
    """Nodes ordered so that for each (before, after) pair `before` comes first."""
    waiting = {node: set() for node in nodes}
    for before, after in pairs:
        if before in waiting and after in waiting:
            waiting[after].add(before)
    order = []
    while waiting:
        ready = sorted(node for node, needs in waiting.items() if not needs)
        if not ready:
            raise SourceError(
                _("The references form a cycle between %s; give them a direction that breaks it")
                % ", ".join(sorted(waiting))
            )
        for node in ready:
            del waiting[node]
            order.append(node)
        for needs in waiting.values():
            needs.difference_update(ready)
    return order


def typed_identities(dataset, plan, identities):
    """Identity values converted to the type their columns declare; a clear error otherwise."""
    typed = {}
    for collection, pairs in plan.seeds.items():
        for column, identity in pairs:
            spec = dataset.collections[collection].fields[column]
            values = identities[identity]
            values = values if isinstance(values, list | tuple) else [values]
            typed[(collection, column)] = [
                _convert(value, spec.data_type, identity, collection, column) for value in values
            ]
    return typed


def _convert(value, data_type, identity, collection, column):
    if data_type in ("integer", "float"):
        try:
            return int(value) if data_type == "integer" else float(value)
        except (TypeError, ValueError) as error:
            raise SourceError(
                _("The %(identity)s %(value)s is not a number, but %(column)s holds numbers")
                % {"identity": identity, "value": value, "column": f"{collection}.{column}"}
            ) from error
    return value if data_type and data_type != "string" else str(value)


class Table:
    """Plain SQL for one table, written for the connection's dialect and run through
    exec_driver_sql: the statements are simple, and skipping SQLAlchemy's compiler keeps the
    cost per query close to hand-written SQL."""

    def __init__(self, conn, dataset, collection):
        self.conn = conn
        quote = conn.dialect.identifier_preparer.quote
        self.quote = quote
        self.name = (quote(dataset.schema) + "." if dataset.schema else "") + quote(collection)
        self.mark = "?" if conn.dialect.paramstyle in ("qmark", "numeric") else "%s"

    def where(self, group):
        parts, params = [], []
        for column, values in group:
            marks = ", ".join([self.mark] * len(values))
            parts.append(f"{self.quote(column)} IN ({marks})")
            params.extend(values)
        return " OR ".join(parts), params

    def run(self, sql, params):
        return _run(self.conn, sql, params)

    def _narrowed(self, group, extra):
        where, params = self.where(group)
        if extra:
            return f"({where}) AND {extra[0]}", [*params, *extra[1]]
        return where, params

    def count(self, conditions, extra=None):
        """Rows matching any of the conditions (and the SQL `extra`, (fragment, params))."""
        total = 0
        for group in _chunks(conditions):
            where, params = self._narrowed(group, extra)
            sql = f"SELECT COUNT(*) FROM {self.name} WHERE {where}"
            total += self.run(sql, params).fetchone()[0]
        return total

    def update(self, conditions, assignments, extra=None):
        """assignments: {column: (SQL fragment, params)}"""
        sets, set_params = [], []
        for column, (fragment, params) in assignments.items():
            sets.append(f"{self.quote(column)} = {fragment}")
            set_params.extend(params)
        count = 0
        for group in _chunks(conditions):
            where, params = self._narrowed(group, extra)
            sql = f"UPDATE {self.name} SET {', '.join(sets)} WHERE {where}"
            count += self.run(sql, [*set_params, *params]).rowcount
        return count

    def delete(self, conditions, extra=None):
        count = 0
        for group in _chunks(conditions):
            where, params = self._narrowed(group, extra)
            count += self.run(f"DELETE FROM {self.name} WHERE {where}", params).rowcount
        return count

    def real_date(self, expr):
        """(SQL, params) true for a real date in `expr` and false, never NULL, for NULL, '',
        a zero date or, on SQLite, text that is no date."""
        floor = DATE_FLOOR
        if self.conn.dialect.name == "sqlite":
            return (
                f"({expr} IS NOT NULL AND {expr} >= {self.mark} AND date({expr}) IS NOT NULL)",
                [sqlite_moment(floor)],
            )
        return f"({expr} IS NOT NULL AND {expr} >= {self.mark})", [floor]

    def past(self, holds):
        """(SQL, params): every dated hold [(column, cutoff)] of the row has ended."""
        parts, params = [], []
        for column, until in holds:
            real, real_params = self.real_date(self.quote(column))
            parts.append(f"{real} AND {self.quote(column)} < {self.mark}")
            if self.conn.dialect.name == "sqlite":
                until = sqlite_moment(until)
            params += [*real_params, until]
        return "(" + " AND ".join(parts) + ")", params


def _run(conn, sql, params):
    """Execute on a new DBAPI cursor of the connection's transaction."""
    return _execute(conn, conn.connection.cursor(), sql, params)


def _execute(conn, cursor, sql, params):
    """Execute on the given cursor; driver errors become SQLAlchemy's, which `database_errors`
    turns into a SourceError."""
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        cursor.execute(sql, tuple(params))
    except dbapi_error as error:
        raise exc.DBAPIError.instance(sql, params, error, dbapi_error) from error
    return cursor


def _chunks(conditions):
    """Pack (column, values) conditions into groups of at most BATCH values each."""
    group, size = [], 0
    for column, values in conditions:
        values = list(values)
        for start in range(0, len(values), BATCH):
            part = values[start : start + BATCH]
            if size + len(part) > BATCH and group:
                yield group
                group, size = [], 0
            group.append((column, part))
            size += len(part)
    if group:
        yield group


@dataclass(slots=True)
class Found:
    conditions: list  # [(column, values)]: the rows of the person are those matching any
    rows: list = field(default_factory=list)
    columns: list = field(default_factory=list)


@dataclass(slots=True)
class _Step:
    """One collection of a walk, worked out once per plan and choice of columns."""

    collection: str
    seeds: list  # [(column, (collection, column))]: keys into the typed identities
    incoming: list  # [(source collection, index in the source's columns, target column)]
    columns: list  # columns read (empty: the collection is not read)
    key: list  # indexes of the primary key in `columns`, to merge batches
    sql: dict = field(default_factory=dict)  # SELECT text by (dialect, condition shape)
    single: tuple | None = None  # one seed or reference: (column, seed key or source, index)

    def __post_init__(self):
        if len(self.seeds) == 1 and not self.incoming:
            self.single = (self.seeds[0][0], self.seeds[0][1], None)
        elif len(self.incoming) == 1 and not self.seeds:
            source, index, target = self.incoming[0]
            self.single = (target, source, index)


def _program(dataset, plan, columns_for):
    steps, read = [], {}
    for collection in plan.order:
        spec = dataset.collections[collection]
        wanted = set(columns_for(collection)) | plan.outgoing.get(collection, set())
        columns = [name for name in spec.fields if name in wanted]
        incoming = [
            (edge.source, read[edge.source].index(edge.source_field), edge.target_field)
            for edge in plan.incoming.get(collection, [])
            if edge.source_field in read[edge.source]
        ]
        seeds = [(column, (collection, column)) for column, _name in plan.seeds.get(collection, [])]
        key = [columns.index(name) for name in spec.primary_key if name in columns]
        steps.append(_Step(collection, seeds, incoming, columns, key))
        read[collection] = columns
    return steps


def walk(conn, dataset, plan, identities, columns_for, reuse=None):
    """Query each reached collection once (per batch) and return {collection: Found}.

    `columns_for(collection)` names the columns to read; the columns that lead on to other
    collections are always read. A collection whose conditions are all empty is not queried.
    `reuse` is a key under which the worked-out walk is kept with the plan; give one when
    `columns_for` answers the same for the same key.
    """
    if reuse is None:
        steps = _program(dataset, plan, columns_for)
    else:
        steps = plan.programs.get(reuse)
        if steps is None:
            steps = plan.programs[reuse] = _program(dataset, plan, columns_for)
    seeded = typed_identities(dataset, plan, identities)
    dialect = conn.dialect
    name = dialect.name
    dbapi_error = dialect.loaded_dbapi.Error
    cursor = conn.connection.cursor()
    found = {}
    for step in steps:
        single = step.single
        if single is not None:  # one seed or one reference: no merging of value lists
            column, key, index = single
            if index is None:
                values = seeded[key]
            else:
                values = {row[index] for row in found[key].rows}
                values.discard(None)
                values = list(values)
            conditions = [(column, values)] if values else []
            shape, params = (name, column, len(values)), values
        else:
            wanted = {}  # column -> values; one IN list per column (an OR of two is slower)
            for column, key in step.seeds:
                wanted.setdefault(column, set()).update(seeded[key])
            for source, index, target in step.incoming:
                rows = found[source].rows
                if rows:
                    wanted.setdefault(target, set()).update([row[index] for row in rows])
            conditions, shape, params = [], [name], []
            for column, values in wanted.items():
                values.discard(None)
                if values:
                    values = list(values)
                    conditions.append((column, values))
                    shape += (column, len(values))
                    params += values
            shape = tuple(shape)
        result = found[step.collection] = Found(conditions)
        if not conditions or not step.columns:
            continue
        result.columns = step.columns
        if len(params) <= BATCH:  # the usual case: one query
            sql = step.sql.get(shape) or _select_sql(conn, dataset, step, shape, conditions)
            try:
                cursor.execute(sql, params)  # (PyMySQL's execute returns a count)
            except dbapi_error as error:
                raise exc.DBAPIError.instance(sql, params, error, dbapi_error) from error
            result.rows = cursor.fetchall()
            continue
        seen = {}
        key = step.key
        for group in _chunks(conditions):
            shape = (name, *[part for c, v in group for part in (c, len(v))])
            sql = step.sql.get(shape) or _select_sql(conn, dataset, step, shape, group)
            params = [value for _column, values in group for value in values]
            for row in _execute(conn, cursor, sql, params).fetchall():
                seen[tuple(row[i] for i in key) if key else tuple(row)] = row
        result.rows = list(seen.values())
    return found


def _select_sql(conn, dataset, step, shape, group):
    table = Table(conn, dataset, step.collection)
    where, _params = table.where(group)
    names = ", ".join(table.quote(c) for c in step.columns)
    sql = f"SELECT {names} FROM {table.name} WHERE {where}"
    if len(step.sql) < 1000:
        step.sql[shape] = sql
    return sql


# Access --------------------------------------------------------------------------------------


def access(url, dataset, identities, categories=None):
    """The person's rows per table, in a read-only transaction (Art. 15 GDPR).

    `categories` (data category prefixes such as "user.contact") limits the columns returned;
    the walk itself still follows every reference. Returns {table: {"fields": [names],
    "rows": [tuples]}}; `records()` turns a table's rows into dicts.
    """
    plan = make_plan(dataset, identities)
    key = ("access", None if categories is None else tuple(categories))
    shown = plan.programs.get(key)
    if shown is None:
        shown = plan.programs[key] = {c: _shown(dataset, c, categories) for c in plan.order}
    with reading(url) as conn:
        found = walk(conn, dataset, plan, identities, shown.get, reuse=key + ("walk",))
    result = {}
    for collection, item in found.items():
        names = shown[collection]
        if not item.rows or not names:
            continue
        rows = item.rows
        if names != item.columns:  # columns read only to follow references: leave them out
            pick = operator.itemgetter(*[item.columns.index(name) for name in names])
            rows = [pick(row) if len(names) > 1 else (pick(row),) for row in rows]
        result[collection] = {"fields": names, "rows": rows}
    return result


def _shown(dataset, collection, categories):
    """The columns of a collection an access result shows for the asked data categories (the
    primary key with them, so rows stay identifiable)."""
    spec = dataset.collections[collection]
    if categories is None:
        return list(spec.fields)
    asked = [name for name, column in spec.fields.items() if column.has_category(categories)]
    return [n for n in spec.fields if n in asked or spec.fields[n].primary_key] if asked else []


def records(item):
    """The rows of one table of an access result as dicts (field name -> value)."""
    return [dict(zip(item["fields"], row, strict=True)) for row in item["rows"]]


def jsonable(value):
    """A database value as JSON-friendly data (dates as ISO text, decimals as text)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


# Changes -------------------------------------------------------------------------------------


def _held(dataset, collection):
    return dataset.collections[collection].legal_hold


def sqlite_moment(value):
    """A date or datetime as SQLite compares text: 'YYYY-MM-DD HH:MM:SS', or just the date at
    midnight, so that a DATE column's '2019-01-01' is not before 1 January 2019 00:00 (as
    text, '2019-01-01' sorts before '2019-01-01 00:00:00')."""
    if not hasattr(value, "isoformat"):
        return value
    if not hasattr(value, "hour") or (
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    ) == (0, 0, 0, 0):
        return (value.date() if hasattr(value, "hour") else value).isoformat()
    return value.isoformat(sep=" ")


# No real date lies before this: NULL, '', MariaDB's zero date and most text that is no date
# sort below it, so they never count as a date.
DATE_FLOOR = datetime(1000, 1, 1)


def _change_order(dataset, collections):
    """Children before parents, so a row delete never trips a foreign key."""
    pairs = [(c, p) for c, p in dataset.foreign_keys() if c in collections and p in collections]
    try:
        return _topological(sorted(collections), pairs)
    except SourceError:
        return sorted(collections)  # masks only: the order does not matter


_COLUMN_CACHE_SECONDS = 300
_column_cache = {}


def column_info(conn, dataset, collection):
    """{column: (nullable, text length or None if not text)} from the live schema, cached."""
    key = (str(conn.engine.url), dataset.schema, collection)
    cached = _column_cache.get(key)
    now = _time.monotonic()
    if cached and now - cached[0] < _COLUMN_CACHE_SECONDS:
        return cached[1]
    info = {}
    for column in sa.inspect(conn).get_columns(collection, schema=dataset.schema):
        kind = column["type"]
        text = isinstance(kind, sa.String)
        info[column["name"]] = (column.get("nullable", True), (kind.length or 0) if text else None)
    _column_cache[key] = (now, info)
    return info


_reference_cache = {}


def referencing_tables(conn, dataset, collection):
    """[(table, column there, column here)]: the live schema's foreign keys of other tables
    that point at `collection` (one column each), cached like `column_info`. Retention reads
    them so that a row that the database keeps referenced is never deleted, even when the
    annotation does not know the referring table."""
    key = (str(conn.engine.url), dataset.schema, collection)
    cached = _reference_cache.get(key)
    now = _time.monotonic()
    if cached and now - cached[0] < _COLUMN_CACHE_SECONDS:
        return cached[1]
    inspector = sa.inspect(conn)
    found = []
    for table in inspector.get_table_names(schema=dataset.schema):
        for fk in inspector.get_foreign_keys(table, schema=dataset.schema):
            if fk.get("referred_table") != collection or table == collection:
                continue
            if len(fk["constrained_columns"]) == 1 and len(fk["referred_columns"]) == 1:
                found.append((table, fk["constrained_columns"][0], fk["referred_columns"][0]))
    _reference_cache[key] = (now, found)
    return found


def _default_masking(info):
    """No strategy given: empty the column, or where it may not be empty, a keyed hash of text;
    a key column that must hold a number is kept (its row is anonymous once the rest is)."""
    nullable, length = info
    if nullable:
        return {"strategy": "null_rewrite", "configuration": {}}
    if length is not None:
        return {"strategy": "hash", "configuration": {"length": length}}
    return None


def _mask_value(table, column, masking, values, hasher):
    """The SET expression of one masked column (Fides' strategies, with a keyed hash), as an
    SQL fragment and its parameters."""
    strategy, config = masking["strategy"], masking["configuration"]
    if strategy == "null_rewrite":
        return "NULL", []
    if strategy == "string_rewrite":
        suffix = (config.get("format_preservation") or {}).get("suffix", "")
        return table.mark, [str(config.get("rewrite_value", "")) + suffix]
    length = int(config.get("length") or 0) or None
    params = []
    for value in values:
        if strategy == "random_string_rewrite":
            replacement = secrets.token_hex(16)
        else:
            replacement = hasher(value)
        params += [value, replacement[:length] if length else replacement]
    if not params:
        return "NULL", []
    quoted = table.quote(column)
    whens = " ".join([f"WHEN {table.mark} THEN {table.mark}"] * (len(params) // 2))
    return f"CASE {quoted} {whens} ELSE {quoted} END", params


def _default_hasher(value):
    from waarborg.core.crypto import keyed_hash

    return keyed_hash(value, "source-mask")


def _masked_fields(spec, categories):
    full = categories is None
    prefixes = categories or ["user"]
    chosen, held = [], []
    for name, column in spec.fields.items():
        if column.primary_key:
            continue
        if column.has_category(prefixes) or (full and column.identity):
            (held if column.legal_hold else chosen).append(name)
    return chosen, held


class _DryRun(Exception):
    def __init__(self, evidence):
        self.evidence = evidence


def erase(url, dataset, identities, categories=None, hasher=None, dry_run=False, holds=None):
    """Erase the person's data (Art. 17 GDPR) in one transaction and prove it.

    Each reached collection is deleted (if annotated so) or has its personal columns masked; a
    full erasure (no `categories`) also masks every identity column. Collections and fields under
    legal hold are skipped and reported. `holds` ({collection: [(date column, cutoff)]}, the
    statutory minimums of Art. 17(3)(b), e.g. 7 years per invoice, AWR art. 52(4)) hold rows
    by their own date: a row whose minimum has ended is erased, a newer one (or one without a
    date) is kept and reported as held, with its count. Before committing, a count per identity
    column proves the identifiers are gone; if any remain outside a hold, everything is rolled
    back. A dry run does all of it and then rolls back, so its evidence is what a real run would
    do.
    Returns evidence: {table: {...counts...}}.
    """
    plan = make_plan(dataset, identities)
    hasher = hasher or _default_hasher

    def needed(collection):
        chosen, _held_fields = _masked_fields(dataset.collections[collection], categories)
        return [
            name
            for name, masking in maskings(collection, chosen).items()
            if masking and masking["strategy"] in ("hash", "hmac", "random_string_rewrite")
        ]

    def maskings(collection, chosen):
        spec = dataset.collections[collection]
        info = None
        result = {}
        for name in chosen:
            masking = spec.fields[name].masking
            if masking is None:
                info = info or column_info(conn, dataset, collection)
                masking = _default_masking(info.get(name, (True, None)))
            result[name] = masking
        return result

    evidence = {}
    holds = {c: list(h) for c, h in (holds or {}).items() if h and c in dataset.collections}
    narrow = {}  # collection: (SQL, params) of the rows whose holds have ended
    try:
        with transaction(url) as conn:
            found = walk(conn, dataset, plan, identities, needed)
            reached = [c for c in plan.order if found[c].conditions]
            for collection in _change_order(dataset, reached):
                item, spec = found[collection], dataset.collections[collection]
                table = Table(conn, dataset, collection)
                extra, held_rows = None, 0
                if collection in holds:
                    extra = narrow[collection] = table.past(holds[collection])
                    held_rows = table.count(item.conditions, ("NOT " + extra[0], extra[1]))
                    if held_rows and not table.count(item.conditions, extra):
                        evidence[collection] = _held_evidence(spec, held_rows, holds[collection])
                        continue
                elif _held(dataset, collection):
                    evidence[collection] = {
                        "action": "held",
                        "reason": spec.legal_hold,
                        "rows": table.count(item.conditions),
                    }
                    continue
                if spec.delete:
                    evidence[collection] = {
                        "action": "deleted",
                        "rows": table.delete(item.conditions, extra),
                    }
                    if held_rows:
                        evidence[collection]["held"] = _held_evidence(
                            spec, held_rows, holds[collection]
                        )
                    continue
                chosen, held = _masked_fields(spec, categories)
                plan_masks = maskings(collection, chosen)
                kept = [name for name in chosen if plan_masks[name] is None]
                chosen = [name for name in chosen if plan_masks[name] is not None]
                values = {}
                for name in chosen:
                    seen = []
                    if name in item.columns:
                        index = item.columns.index(name)
                        seen = {row[index] for row in item.rows} - {None}
                    values[name] = _mask_value(table, name, plan_masks[name], seen, hasher)
                if values:
                    rows = table.update(item.conditions, values, extra)
                    evidence[collection] = {"action": "masked", "fields": chosen, "rows": rows}
                else:
                    rows = table.count(item.conditions, extra)
                    evidence[collection] = {"action": "kept", "fields": [], "rows": rows}
                if held_rows:
                    evidence[collection]["held"] = _held_evidence(
                        spec, held_rows, holds[collection]
                    )
                if kept:
                    evidence[collection]["kept_not_null"] = kept
                if held:
                    evidence[collection]["held_fields"] = {
                        name: spec.fields[name].legal_hold for name in held
                    }
            remaining = _verify(conn, dataset, plan, identities, evidence, narrow)
            if categories is None and remaining:
                raise SourceError(
                    _(
                        "Erasure not proven: the identifiers are still in %s; nothing was "
                        "changed. Give those columns a masking_strategy_override, or delete "
                        "their rows."
                    )
                    % ", ".join(remaining)
                )
            if dry_run:
                raise _DryRun(evidence)
    except _DryRun:
        pass
    return evidence


def _held_evidence(spec, rows, holds):
    """Rows kept because a statutory minimum still runs for them, counted by their own date."""
    return {
        "action": "held",
        "reason": spec.legal_hold or "",
        "rows": rows,
        "until": [[column, jsonable(until)] for column, until in holds],
    }


def _verify(conn, dataset, plan, identities, evidence, narrow=None):
    """Count rows that still hold the identifiers (outside the rows held by a date); record
    the counts in the evidence."""
    typed = typed_identities(dataset, plan, identities)
    failures = []
    for (collection, column), values in typed.items():
        entry = evidence.get(collection)
        if entry is None or entry["action"] == "held":
            continue
        checked = entry.get("fields", []) + entry.get("kept_not_null", [])
        if entry["action"] != "deleted" and column not in checked:
            continue
        count = Table(conn, dataset, collection).count(
            [(column, values)], (narrow or {}).get(collection)
        )
        entry.setdefault("remaining", {})[column] = count
        if count:
            failures.append(f"{collection}.{column}")
    return failures


def rectify(url, dataset, identities, changes):
    """Set the given values on the person's rows (Art. 16 GDPR): {"table.column": value}."""
    plan = make_plan(dataset, identities)
    per_table = defaultdict(dict)
    for target, value in changes.items():
        table_name, _dot, column = target.partition(".")
        spec = dataset.collections.get(table_name)
        if spec is None or column not in spec.fields:
            raise SourceError(_("The annotation has no column %s") % target)
        if spec.fields[column].primary_key:
            raise SourceError(_("%s is a primary key and cannot be rectified here") % target)
        per_table[table_name][column] = value
    evidence = {}
    with transaction(url) as conn:
        found = walk(conn, dataset, plan, identities, lambda collection: [])
        for table_name, values in per_table.items():
            item = found.get(table_name)
            rows = 0
            if item and item.conditions:
                table = Table(conn, dataset, table_name)
                rows = table.update(
                    item.conditions, {c: (table.mark, [v]) for c, v in values.items()}
                )
            evidence[table_name] = {"action": "rectified", "fields": sorted(values), "rows": rows}
    return evidence


def unrestrict(url, dataset, identities, only=None):
    """Lift the restriction of the person's rows where the annotation names a flag column
    (Art. 18(3) GDPR: after the person was told): a flag of True becomes False, any other flag
    value is cleared to NULL. Rows restricted by Waarborg's own record are lifted there."""
    plan = make_plan(dataset, identities)
    evidence = {}
    with transaction(url) as conn:
        found = walk(conn, dataset, plan, identities, lambda collection: [])
        for collection in plan.order:
            item, spec = found[collection], dataset.collections[collection]
            if not item.conditions or not spec.restrict:
                continue
            if only is not None and collection not in only:
                continue
            table = Table(conn, dataset, collection)
            flag, value = spec.restrict["column"], spec.restrict["value"]
            cleared = (table.mark, [False]) if value is True else ("NULL", [])
            rows = table.update(
                item.conditions,
                {flag: cleared},
                (f"{table.quote(flag)} = {table.mark}", [value]),
            )
            evidence[collection] = {"action": "lifted", "column": flag, "rows": rows}
    return evidence


def restrict(url, dataset, identities, only=None):
    """Mark the person's rows as restricted (Art. 18 GDPR).

    Where the annotation names a flag column, it is set; elsewhere the keys of the rows are
    returned (`keys`) for Waarborg to keep as its own restriction record. `only` limits the
    collections restricted (e.g. those an erasure kept under a legal hold).
    """
    plan = make_plan(dataset, identities)

    def keys(collection):
        spec = dataset.collections[collection]
        return [] if spec.restrict else spec.primary_key

    evidence = {}
    with transaction(url) as conn:
        found = walk(conn, dataset, plan, identities, keys)
        for collection in plan.order:
            item, spec = found[collection], dataset.collections[collection]
            if not item.conditions or (only is not None and collection not in only):
                continue
            table = Table(conn, dataset, collection)
            if spec.restrict:
                flag = {spec.restrict["column"]: (table.mark, [spec.restrict["value"]])}
                rows = table.update(item.conditions, flag)
                evidence[collection] = {
                    "action": "flagged",
                    "column": spec.restrict["column"],
                    "rows": rows,
                }
            else:
                pk = spec.primary_key
                if pk:
                    indexes = [item.columns.index(name) for name in pk]
                    keys_found = [[jsonable(row[i]) for i in indexes] for row in item.rows]
                    evidence[collection] = {
                        "action": "recorded",
                        "key": pk,
                        "keys": keys_found,
                        "rows": len(keys_found),
                    }
                else:
                    evidence[collection] = {
                        "action": "recorded",
                        "conditions": {
                            c: sorted((jsonable(v) for v in vals), key=repr)
                            for c, vals in item.conditions
                        },
                        "rows": table.count(item.conditions),
                    }
    return evidence
