"""Retention in an SQL source: count and remove rows whose period has ended, in batches.

A `Due` says which rows of one collection are due: those whose date column is before the
cutoff (or, for an activity rule, whose dates across the person's collections all are), and
not already handled (anonymised columns still hold data, the restriction flag is not yet set).
Rows that a statutory minimum still covers are never due (`guards`).

Only a real date makes a row due. There are two kinds of date (`END`, `EVENT`): an empty *end*
date (NULL, '', a zero date, text that is no date) means the relationship has not ended, so the
row is not due; an empty *event* date is no event, and the other dates decide. A row without any
real date is never due: the plan counts it as "no date" for a person to decide. A collection
that follows a parent (a client's documents) is due only while that parent row is (`parents`).

Each batch is its own transaction and is sized to stay short (about BATCH_SECONDS); a batch
that fails is rolled back whole. Because a batch asks again which rows are due, a sweep that
stops half-way is resumed by the next one and never handles a row twice.
"""

import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from waarborg.sources.engine import (
    DATE_FLOOR,
    SourceError,
    Table,
    _change_order,
    _chunks,
    column_info,
    jsonable,
    referencing_tables,
    sqlite_moment,
    transaction,
)

BATCH_SECONDS = 0.5
ANONYMOUS = "anonymous-"
FIRST_BATCH = 10_000
MAX_BATCH = 500_000
EXAMPLES = 5
END, EVENT = "end", "event"
FLOOR = DATE_FLOOR  # no real date lies before it


@dataclass
class Due:
    collection: str
    action: str  # delete, anonymise, restrict
    cutoff: object  # datetime: rows dated before it are due
    column: str | None = None  # date column (column rules)
    activity: list = field(default_factory=list)  # ["table.column", ...] (activity rules)
    guards: list = field(default_factory=list)  # [(column, cutoff)]: statutory minimums
    kinds: dict = field(default_factory=dict)  # "table.column" -> END or EVENT (default)
    parents: list = field(default_factory=list)  # [Due] of parent collections rows follow
    children: list = field(default_factory=list)  # [(collection, [Due])]: rows kept while
    # a row referring to them stays (one that none of the Dues deletes)

    def kind(self, table, column):
        return self.kinds.get(f"{table}.{column}", EVENT)

    def dates(self):
        """[(table, column)] of the dates that decide, in the order given."""
        if self.column:
            return [(self.collection, self.column)]
        return [tuple(item.split(".", 1)) for item in self.activity]


@dataclass
class Summary:
    """What a plan knows of one collection and rule, without changing anything."""

    count: int = 0  # rows due
    oldest: object = None
    newest: object = None
    total: int = 0  # rows in the table
    no_date: int = 0  # rows without any real date: never due, a person decides
    open: int = 0  # rows whose end date is empty: not ended, so not due
    referenced: int = 0  # due by date, but kept while rows that stay refer to them
    examples: list = field(default_factory=list)  # keys of a few rows that would go

    @property
    def share(self):
        return self.count / self.total if self.total else 0.0


class Sql:
    """The WHERE clause of due rows of one collection, for one connection's dialect.

    Columns are qualified with the table's name (or `alias` inside another statement), so the
    same clause serves SELECT, UPDATE and DELETE on every database."""

    def __init__(self, conn, dataset, due, alias=None, depth=0):
        self.conn, self.dataset, self.due = conn, dataset, due
        self.spec = dataset.collections[due.collection]
        self.table = Table(conn, dataset, due.collection)
        self.q = self.table.quote
        self.mark = self.table.mark
        self.sqlite = conn.dialect.name == "sqlite"
        self.t = (alias or self.table.name) + "."
        self.depth = depth
        self.masked = {}
        # restrict where the table has no flag: Waarborg records the keys (RestrictionRecord)
        self.record = due.action == "restrict" and not self.spec.restrict
        if due.action == "anonymise":
            self.masked = self._anonymised_columns()

    def value(self, value):
        return sqlite_moment(value) if self.sqlite else value

    def _anonymised_columns(self):
        info = column_info(self.conn, self.dataset, self.due.collection)
        dates = {column for table, column in self.due.dates() if table == self.due.collection}
        result = {}
        for name, column in self.spec.fields.items():
            if column.primary_key or column.legal_hold or not column.has_category(["user"]):
                continue
            if name in dates:
                continue  # the date that starts the period stays: it shows when it happened
            nullable, length = info.get(name, (True, None))
            if nullable:
                result[name] = None
            elif length is not None:
                result[name] = ANONYMOUS  # 'anonymous-' and the row's key: unique stays unique
        if not result:
            raise SourceError(
                _("%s has no personal column that can be emptied; use delete instead")
                % self.due.collection
            )
        return result

    def _anonymous_value(self):
        """SQL for 'anonymous-<key>' (or just the marker for a table without a single key)."""
        key = self.spec.primary_key
        if len(key) != 1:
            return self.mark
        as_text = (
            f"CAST({self.q(key[0])} AS {'CHAR' if self.conn.dialect.name == 'mysql' else 'TEXT'})"
        )
        if self.conn.dialect.name == "mysql":
            return f"CONCAT({self.mark}, {as_text})"
        return f"{self.mark} || {as_text}"

    def valid(self, expr):
        """(SQL, params) that is true for a real date in `expr`, and false (never NULL) for
        NULL, '', a zero date or, on SQLite, text that is no date."""
        return self.table.real_date(expr)

    def _other(self, table):
        """(quoted name, column here, column there) of a collection joined by a reference."""
        mine, theirs = self._join(table)
        return Table(self.conn, self.dataset, table).name, mine, theirs

    def _alias(self, letter):
        return f"{letter}{self.depth}"

    def dated(self, upper=None, inclusive=False, lower=None):
        """([SQL], params): the conditions on dates that make a row due.

        `upper`, the date of a due row (so before the cutoff), narrows a column rule to the
        rows before it (or up to it, `inclusive`). It replaces the cutoff rather than adding
        a second bound: given two, a database may range-scan the index up to the looser one.
        `lower` leaves out the rows dated before it (and replaces FLOOR the same way)."""
        q, mark, due, t = self.q, self.mark, self.due, self.t
        parts, params = [], []
        if due.column:
            column = f"{t}{q(due.column)}"
            parts.append(f"{column} >= {mark}")
            params.append(self.value(FLOOR) if lower is None else lower)
            if upper is None:
                parts.append(f"{column} < {mark}")
                params.append(self.value(due.cutoff))
            else:
                parts.append(f"{column} {'<=' if inclusive else '<'} {mark}")
                params.append(upper)
            if self.sqlite:
                parts.append(f"date({column}) IS NOT NULL")
        else:
            cut = self.value(due.cutoff)
            for table, column in due.dates():
                end = due.kind(table, column) == END
                if table == due.collection:
                    expr = f"{t}{q(column)}"
                    valid, valid_params = self.valid(expr)
                    if end:  # it must have ended, before the cutoff
                        parts.append(f"{valid} AND {expr} < {mark}")
                    else:  # no event, or one before the cutoff
                        parts.append(f"(NOT {valid} OR {expr} < {mark})")
                    params += [*valid_params, cut]
                    continue
                other, mine, theirs = self._other(table)
                a = self._alias("a")
                expr = f"{a}.{q(column)}"
                valid, valid_params = self.valid(expr)
                link = f"{a}.{q(theirs)} = {t}{q(mine)}"
                if end:  # no related row that has not ended, or ended on or after the cutoff
                    test = f"(NOT {valid} OR {expr} >= {mark})"
                else:  # no related event on or after the cutoff
                    test = f"{valid} AND {expr} >= {mark}"
                parts.append(f"NOT EXISTS (SELECT 1 FROM {other} {a} WHERE {link} AND {test})")
                params += [*valid_params, cut]
            has, has_params = self.has_date()
            parts.append(has)
            params += has_params
        for parent in due.parents:
            p = self._alias("p")
            inner = Sql(self.conn, self.dataset, parent, alias=p, depth=self.depth + 1)
            inner_parts, inner_params = inner.dated()
            mine, theirs = self._join(parent.collection)
            parts.append(
                f"EXISTS (SELECT 1 FROM {inner.table.name} {p} WHERE {p}.{q(theirs)} = "
                f"{t}{q(mine)} AND {' AND '.join(inner_parts)})"
            )
            params += inner_params
        return parts, params

    def _real_dates(self, dates, related):
        """([SQL], params): per date, that it is real; for a date in another table, `related`
        ("some" or "every") says which related rows must have a real one."""
        q, t = self.q, self.t
        tests, params = [], []
        for table, column in dates:
            if table == self.due.collection:
                valid, valid_params = self.valid(f"{t}{q(column)}")
                tests.append(valid)
            else:
                other, mine, theirs = self._other(table)
                a = self._alias("h")
                valid, valid_params = self.valid(f"{a}.{q(column)}")
                link = f"SELECT 1 FROM {other} {a} WHERE {a}.{q(theirs)} = {t}{q(mine)}"
                if related == "some":
                    tests.append(f"EXISTS ({link} AND {valid})")
                else:
                    tests.append(f"NOT EXISTS ({link} AND NOT {valid})")
            params += valid_params
        return tests, params

    def has_date(self):
        """(SQL, params): the row has at least one real date of the rule."""
        tests, params = self._real_dates(self.due.dates(), "some")
        return "(" + " OR ".join(tests) + ")", params

    def ended(self):
        """(SQL, params) that every end date of the rule is filled in; ("", []) without any."""
        ends = [(t, c) for t, c in self.due.dates() if self.due.kind(t, c) == END]
        tests, params = self._real_dates(ends, "every")
        return (" AND ".join(tests), params) if tests else ("", [])

    def staying(self):
        """([SQL], params): no row that stays refers to this one (for a delete)."""
        q, t = self.q, self.t
        parts, params = [], []
        for child, dues in self.due.children:
            c = self._alias("c")
            mine, theirs = self._join(child)
            link = f"{c}.{q(theirs)} = {t}{q(mine)}"
            for due in dues:
                inner = Sql(self.conn, self.dataset, due, alias=c, depth=self.depth + 1)
                inner_where, inner_params = inner.where()
                link += f" AND NOT COALESCE(({inner_where}), FALSE)"
                params += inner_params
            table = Table(self.conn, self.dataset, child).name
            parts.append(f"NOT EXISTS (SELECT 1 FROM {table} {c} WHERE {link})")
        known = {child for child, _dues in self.due.children}
        for table, theirs, mine in referencing_tables(self.conn, self.dataset, self.due.collection):
            if table in known:
                continue
            r = self._alias("r")
            name = self.table.quote(table)
            if self.dataset.schema:
                name = f"{self.table.quote(self.dataset.schema)}.{name}"
            parts.append(
                f"NOT EXISTS (SELECT 1 FROM {name} {r} WHERE {r}.{q(theirs)} = {t}{q(mine)})"
            )
        return parts, params

    def where(self, upper=None, inclusive=False, lower=None, children=True):
        """(SQL, params) of the due rows: their dates (see `dated`), statutory minimums ended,
        no row that stays refers to them (a delete), and not handled yet."""
        q, mark, t = self.q, self.mark, self.t
        parts, params = self.dated(upper, inclusive, lower)
        if children and self.due.action == "delete":
            staying, staying_params = self.staying()
            parts += staying
            params += staying_params
        for column, cutoff in self.due.guards:
            # a minimum counts from the row's own date; a row without one stays
            valid, valid_params = self.valid(f"{t}{q(column)}")
            parts.append(f"{valid} AND {t}{q(column)} < {mark}")
            params += [*valid_params, self.value(cutoff)]
        if self.masked:
            pending = []
            for name, empty in self.masked.items():
                if empty is None:
                    pending.append(f"{t}{q(name)} IS NOT NULL")
                else:
                    pending.append(f"{t}{q(name)} NOT LIKE {mark}")
                    params.append(ANONYMOUS + "%")
            parts.append("(" + " OR ".join(pending) + ")")
        if self.due.action == "restrict" and not self.record:
            flag = self.spec.restrict
            column = f"{t}{q(flag['column'])}"
            parts.append(f"({column} IS NULL OR {column} <> {mark})")
            params.append(flag["value"])
        return " AND ".join(parts), params

    def _join(self, other):
        """(column here, column there) of a reference between this collection and `other`."""
        here = self.due.collection
        for name, spec in self.dataset.collections[other].fields.items():
            for ref in spec.references:
                if ref.collection == here:
                    return ref.field, name
        for name, spec in self.spec.fields.items():
            for ref in spec.references:
                if ref.collection == other:
                    return name, ref.field
        raise SourceError(
            _("No reference joins %(other)s to %(table)s for the activity of the rule")
            % {"other": other, "table": here}
        )

    def change(self, extra="", extra_params=(), upper=None, inclusive=False, lower=None):
        """Run the action on due rows (narrowed by `extra`, `upper` or `lower`); return the
        number of rows."""
        if self.record:
            raise SourceError(_("%s has no restriction column") % self.due.collection)
        where, params = self.where(upper, inclusive, lower)
        where = f"{where} {extra}"
        params = [*params, *extra_params]
        name, q, mark = self.table.name, self.q, self.mark
        if self.due.action == "delete":
            return self.table.run(f"DELETE FROM {name} WHERE {where}", params).rowcount
        if self.due.action == "restrict":
            flag = self.spec.restrict
            sql = f"UPDATE {name} SET {q(flag['column'])} = {mark} WHERE {where}"
            return self.table.run(sql, [flag["value"], *params]).rowcount
        sets, set_params = [], []
        for column, empty in self.masked.items():
            if empty is None:
                sets.append(f"{q(column)} = NULL")
            else:
                sets.append(f"{q(column)} = {self._anonymous_value()}")
                set_params.append(ANONYMOUS)
        sql = f"UPDATE {name} SET {', '.join(sets)} WHERE {where}"
        return self.table.run(sql, [*set_params, *params]).rowcount

    def keys(self, limit=None, order=True):
        """The keys of due rows (a value, or a list for a key of several columns)."""
        key = self.spec.primary_key
        if not key:
            raise SourceError(_("%s has no primary key in the annotation") % self.due.collection)
        where, params = self.where()
        name = self.table.name
        columns = ", ".join(f"{name}.{self.q(k)}" for k in key)
        by = (f"{name}.{self.q(self.due.column)}, " if self.due.column else "") + columns
        sql = f"SELECT {columns} FROM {name} WHERE {where}"
        if order:
            sql += f" ORDER BY {by}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = self.table.run(sql, params).fetchall()
        if len(key) == 1:
            return [jsonable(row[0]) for row in rows]
        return [[jsonable(value) for value in row] for row in rows]


def children_first(dataset):
    """The active collections, each before the ones it references: a child's rows are taken
    while their parent is still there to tell whether they are due (and no foreign key trips)."""
    names = {collection.name: collection for collection in dataset.active()}
    return [names[name] for name in _change_order(dataset, list(names))]


def summary(url, dataset, due):
    """A `Summary` of the due rows, without changing anything."""
    with transaction(url, read_only=True) as conn:
        sql = Sql(conn, dataset, due)
        where, params = sql.where()
        name, run = sql.table.name, sql.table.run
        found = Summary()
        if due.column:
            column = f"{name}.{sql.q(due.column)}"
            query = f"SELECT COUNT(*), MIN({column}), MAX({column}) FROM {name}"
        else:
            query = f"SELECT COUNT(*), NULL, NULL FROM {name}"
        found.count, oldest, newest = run(f"{query} WHERE {where}", params).fetchone()
        found.oldest, found.newest = jsonable(oldest), jsonable(newest)
        found.total = run(f"SELECT COUNT(*) FROM {name}", []).fetchone()[0]
        has, has_params = sql.valid(column) if due.column else sql.has_date()
        undated = run(f"SELECT COUNT(*) FROM {name} WHERE NOT {has}", has_params).fetchone()[0]
        if due.column and due.kind(due.collection, due.column) == END:
            found.open = undated  # an empty end date: it has not ended
        else:
            # an empty end date means "not ended" whatever the other dates say; only rows
            # with every end date filled in (or none in the rule) and no date at all are
            # "no date"
            found.no_date = undated
            ended, ended_params = sql.ended()
            if ended:
                found.open = run(
                    f"SELECT COUNT(*) FROM {name} WHERE NOT ({ended})", ended_params
                ).fetchone()[0]
                found.no_date = run(
                    f"SELECT COUNT(*) FROM {name} WHERE NOT {has} AND {ended}",
                    [*has_params, *ended_params],
                ).fetchone()[0]
        if due.action == "delete":
            by_date, by_date_params = sql.where(children=False)
            dated = run(f"SELECT COUNT(*) FROM {name} WHERE {by_date}", by_date_params)
            found.referenced = dated.fetchone()[0] - found.count
        if found.count and sql.spec.primary_key and not sql.record:
            found.examples = sql.keys(limit=EXAMPLES)
    return found


def due_keys(url, dataset, due):
    """Every key of the due rows (for a restriction Waarborg records itself)."""
    with transaction(url, read_only=True) as conn:
        return Sql(conn, dataset, due).keys(order=False)


def sweep(url, dataset, due, on_batch=None, batch_seconds=BATCH_SECONDS):
    """Carry out the action on every due row in short transactions; return evidence."""
    started = time.perf_counter()
    size, rows, batches, longest = FIRST_BATCH, 0, 0, 0.0
    after = None  # the date the last batch ended on: earlier due rows are done
    while True:
        began = time.perf_counter()
        with transaction(url) as conn:
            done, after = _batch(conn, dataset, due, size, after)
        took = time.perf_counter() - began
        longest = max(longest, took)
        if not done:
            break
        rows += done
        batches += 1
        if on_batch:
            on_batch(rows)
        # aim each transaction at batch_seconds
        scale = batch_seconds / took if took > 0 else 4.0
        size = int(max(100, min(MAX_BATCH, size * min(4.0, max(0.25, scale)))))
    return {
        "rows": rows,
        "batches": batches,
        "seconds": round(time.perf_counter() - started, 3),
        "longest_transaction": round(longest, 3),
    }


def _batch(conn, dataset, due, size, after=None):
    """One batch of at most about `size` due rows, in the caller's transaction; returns the
    number of rows and, for a column rule, the date the batch ended on.

    The next batch of a column rule starts at that date: the rows before it were handled (or
    are not due, e.g. under a statutory minimum), and PostgreSQL need not step over the index
    entries of the rows just deleted, which stay in the index until it is vacuumed. A row
    written meanwhile with an older date waits for the next sweep."""
    sql = Sql(conn, dataset, due)
    where, params = sql.where(lower=after)
    name, q, mark = sql.table.name, sql.q, sql.mark
    if due.column:
        # The date of the size-th due row bounds this batch: a range the date index serves,
        # with no list of keys to send.
        column = f"{name}.{q(due.column)}"
        bound = sql.table.run(
            f"SELECT {column} FROM {name} WHERE {where} ORDER BY {column} "
            f"LIMIT 1 OFFSET {int(size)}",
            params,
        ).fetchone()
        if bound is None:  # the rest fits this batch
            return sql.change(lower=after), after
        done = sql.change(upper=bound[0], lower=after)
        return done or sql.change(upper=bound[0], inclusive=True, lower=after), bound[0]
    key = dataset.collections[due.collection].primary_key
    if len(key) != 1:
        return sql.change(), None
    column = f"{name}.{q(key[0])}"
    keys = [
        row[0]
        for row in sql.table.run(
            f"SELECT {column} FROM {name} WHERE {where} LIMIT {int(size)}", params
        ).fetchall()
    ]
    done = 0
    for group in _chunks([(key[0], keys)]):
        values = group[0][1]
        done += sql.change(f"AND {column} IN ({', '.join([mark] * len(values))})", values)
    return done, None
