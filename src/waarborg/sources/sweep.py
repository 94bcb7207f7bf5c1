"""Retention in an SQL source: count and remove rows whose period has ended, in batches.

A `Due` says which rows of one collection are due: those whose date column is before the
cutoff (or, for an inactivity rule, whose newest activity across the person's collections is),
and not already handled (anonymised columns still hold data, the restriction flag is not yet
set). Rows that a statutory minimum still covers are never due (`guards`).

Each batch is its own transaction and is sized to stay short (about BATCH_SECONDS); a batch
that fails is rolled back whole. Because a batch asks again which rows are due, a sweep that
stops half-way is resumed by the next one and never handles a row twice.
"""

import time
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from waarborg.sources.engine import (
    SourceError,
    Table,
    _chunks,
    column_info,
    jsonable,
    transaction,
)

BATCH_SECONDS = 0.5
ANONYMOUS = "anonymous-"
FIRST_BATCH = 10_000
MAX_BATCH = 500_000


@dataclass
class Due:
    collection: str
    action: str  # delete, anonymise, restrict
    cutoff: object  # datetime: rows dated before it are due
    column: str | None = None  # date column (column rules)
    activity: list = field(default_factory=list)  # ["table.column", ...] (inactivity rules)
    guards: list = field(default_factory=list)  # [(column, cutoff)]: statutory minimums


class Sql:
    """The WHERE clause of due rows of one collection, for one connection's dialect."""

    def __init__(self, conn, dataset, due):
        self.conn, self.dataset, self.due = conn, dataset, due
        self.spec = dataset.collections[due.collection]
        self.table = Table(conn, dataset, due.collection)
        self.q = self.table.quote
        self.mark = self.table.mark
        self.masked = {}
        if due.action == "anonymise":
            self.masked = self._anonymised_columns()
        if due.action == "restrict" and not self.spec.restrict:
            raise SourceError(
                _("%s has no restriction column in the annotation; restrict needs one")
                % due.collection
            )

    def value(self, value):
        if self.conn.dialect.name == "sqlite" and hasattr(value, "isoformat"):
            return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return value

    def _anonymised_columns(self):
        info = column_info(self.conn, self.dataset, self.due.collection)
        result = {}
        for name, column in self.spec.fields.items():
            if column.primary_key or column.legal_hold or not column.has_category(["user"]):
                continue
            if name == self.due.column or f"{self.due.collection}.{name}" in self.due.activity:
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

    def where(self, upper=None, inclusive=False, lower=None):
        """(SQL, params) of the due rows; columns are qualified with the table's name, so the
        same clause serves SELECT, UPDATE and DELETE on every database.

        `upper`, the date of a due row (so before the cutoff), narrows a column rule to the
        rows before it (or up to it, `inclusive`). It replaces the cutoff rather than adding
        a second bound: given two, a database may range-scan the index up to the looser one.
        `lower` leaves out the rows dated before it."""
        q, mark, due = self.q, self.mark, self.due
        t = self.table.name + "."
        parts, params = [], []
        if due.column:
            column = f"{t}{q(due.column)}"
            if upper is None:
                parts.append(f"{column} < {mark}")
                params.append(self.value(due.cutoff))
            else:
                parts.append(f"{column} {'<=' if inclusive else '<'} {mark}")
                params.append(upper)
            if lower is not None:
                parts.append(f"{column} >= {mark}")
                params.append(lower)
        for item in due.activity:
            table, _dot, column = item.partition(".")
            if table == due.collection:
                parts.append(f"({t}{q(column)} IS NULL OR {t}{q(column)} < {mark})")
                params.append(self.value(due.cutoff))
                continue
            mine, theirs = self._join(table)
            other = Table(self.conn, self.dataset, table).name
            parts.append(
                f"NOT EXISTS (SELECT 1 FROM {other} a WHERE a.{q(theirs)} = {t}{q(mine)}"
                f" AND a.{q(column)} >= {mark})"
            )
            params.append(self.value(due.cutoff))
        for column, cutoff in due.guards:
            parts.append(f"{t}{q(column)} < {mark}")
            params.append(self.value(cutoff))
        if self.masked:
            pending = []
            for name, empty in self.masked.items():
                if empty is None:
                    pending.append(f"{t}{q(name)} IS NOT NULL")
                else:
                    pending.append(f"{t}{q(name)} NOT LIKE {mark}")
                    params.append(ANONYMOUS + "%")
            parts.append("(" + " OR ".join(pending) + ")")
        if due.action == "restrict":
            flag = self.spec.restrict
            parts.append(f"({t}{q(flag['column'])} IS NULL OR t.{q(flag['column'])} <> {mark})")
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


def summary(url, dataset, due):
    """(rows due, oldest date, newest date) without changing anything."""
    with transaction(url, read_only=True) as conn:
        sql = Sql(conn, dataset, due)
        where, params = sql.where()
        name = sql.table.name
        if due.column:
            column = f"{name}.{sql.q(due.column)}"
            query = f"SELECT COUNT(*), MIN({column}), MAX({column}) FROM {name}"
        else:
            query = f"SELECT COUNT(*), NULL, NULL FROM {name}"
        count, oldest, newest = sql.table.run(f"{query} WHERE {where}", params).fetchone()
    return count, jsonable(oldest), jsonable(newest)


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
