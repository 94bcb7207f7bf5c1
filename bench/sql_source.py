"""SQL source benchmark: access and erasure in a Cookie-House-shaped database.

    .venv/bin/python bench/sql_source.py [--scale 1.0] [--backend sqlite|postgresql|both]

At scale 1: 1M customers and addresses, 5M orders, 10M logins, plus five heavy subjects with
10,000 logins each. The data is generated inside the database (a recursive CTE on SQLite,
generate_series on PostgreSQL) and kept for the next run (bench/.data/, database wb_bench_sql).

For an ordinary subject and for a heavy one it times, as the median of several subjects:
- Waarborg's access (engine.access) against hand-written SQL that reads exactly the same rows
  (a plain driver connection, bound parameters, one transaction); both read every subject
  once first and then take turns, several rounds, with the garbage collector off as in timeit;
- Waarborg's erasure (engine.erase: walk, masks, delete, verification, commit) against
  hand-written SQL that changes exactly the same rows in one transaction, and against a
  one-UPDATE-per-row erasure (Fides' way).
Targets: access <= 1.5x and erasure <= 2x the hand-written SQL, both under 1 s for an ordinary
subject.
"""

import argparse
import gc
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WAARBORG_DATA_DIR", str(Path(__file__).parent / ".data"))
os.environ.setdefault("WAARBORG_SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waarborg.settings")
# the benchmark databases are sources; their folder is one an operator would allow
os.environ.setdefault("WAARBORG_SOURCE_SQLITE_DIRS", str(Path(__file__).parent / ".data"))

import django  # noqa: E402

django.setup()


from waarborg.sources import engine  # noqa: E402
from waarborg.sources.annotation import parse  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_NAME = "wb_bench_sql"
HEAVY = 30
HEAVY_LOGINS = 10_000
REPEAT = 9
ROUNDS = 5  # readings of each access subject

ANNOTATION = """
dataset:
  - fides_key: bench
    collections:
      - name: customer
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email, data_type: string}
          - {name: name, data_categories: [user.name]}
          - {name: created, data_categories: [system.operations]}
          - name: address_id
            data_categories: [system.operations]
            fides_meta: {references: [{field: address.id, direction: to}]}
      - name: address
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: street, data_categories: [user.contact.address.street]}
          - {name: city, data_categories: [user.contact.address.city]}
          - {name: zip, data_categories: [user.contact.address.postal_code]}
      - name: orders
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: customer_id
            data_categories: [system.operations]
            fides_meta: {references: [{field: customer.id, direction: from}]}
          - name: shipping_address_id
            data_categories: [system.operations]
            fides_meta: {references: [{field: address.id, direction: to}]}
      - name: login
        fides_meta: {masking_strategy_override: {strategy: delete}}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: customer_id
            data_categories: [system.operations]
            fides_meta: {references: [{field: customer.id, direction: from}]}
          - {name: time, data_categories: [user.behavior]}
"""

SCHEMA = [
    "CREATE TABLE meta (customers INTEGER, heavy INTEGER)",
    "CREATE TABLE address (id INTEGER PRIMARY KEY, street VARCHAR(100), city VARCHAR(100),"
    " zip VARCHAR(10))",
    "CREATE TABLE customer (id INTEGER PRIMARY KEY, email VARCHAR(100), name VARCHAR(100),"
    " created TIMESTAMP, address_id INTEGER)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER,"
    " shipping_address_id INTEGER)",
    "CREATE TABLE login (id INTEGER PRIMARY KEY, customer_id INTEGER, time TIMESTAMP)",
]
INDEXES = [
    "CREATE INDEX ix_customer_email ON customer (email)",
    "CREATE INDEX ix_orders_customer ON orders (customer_id)",
    "CREATE INDEX ix_login_customer ON login (customer_id)",
]


def fill_statements(backend, n):
    if backend == "sqlite":
        series = "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) "
        now = "'2024-01-01 10:00:00'"
    else:
        series = ""
        now = "TIMESTAMP '2024-01-01 10:00:00'"

    def rows(count, select):
        if backend == "sqlite":
            return series.format(n=count) + select.replace("FROM S", "FROM s")
        return select.replace("FROM S", f"FROM generate_series(1, {count}) AS s(g)")

    heavy = HEAVY * HEAVY_LOGINS
    return [
        "INSERT INTO address " + rows(n, "SELECT g, 'Street ' || g, 'City', '1234 AB' FROM S"),
        "INSERT INTO customer "
        + rows(n, f"SELECT g, 'customer-' || g || '@example.com', 'Name ' || g, {now}, g FROM S"),
        "INSERT INTO orders "
        + rows(5 * n, f"SELECT g, ((g - 1) % {n}) + 1, ((g * 7) % {n}) + 1 FROM S"),
        "INSERT INTO login " + rows(10 * n, f"SELECT g, ((g - 1) % {n}) + 1, {now} FROM S"),
        "INSERT INTO login "
        + rows(heavy, f"SELECT {10 * n} + g, ((g - 1) / {HEAVY_LOGINS}) + 1, {now} FROM S"),
        f"INSERT INTO meta VALUES ({n}, {HEAVY})",
    ]


def prepare(backend, n):
    if backend == "sqlite":
        path = Path(__file__).parent / ".data" / f"sql_source_{n}_{HEAVY}.db"
        path.parent.mkdir(exist_ok=True)
        url = f"sqlite:///{path}"
        if path.exists():
            return url
        import sqlite3

        conn = sqlite3.connect(path)
        run = conn.execute
    else:
        import psycopg

        url = f"postgresql://postgres@127.0.0.1:5432/{PG_NAME}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [PG_NAME]
            ).fetchone()
            if exists:
                with psycopg.connect(url) as conn:
                    try:
                        meta = conn.execute("SELECT customers, heavy FROM meta").fetchone()
                        if tuple(meta) == (n, HEAVY):
                            return url
                    except psycopg.Error:
                        pass
                admin.execute(f"DROP DATABASE {PG_NAME} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_NAME}")
        conn = psycopg.connect(url)
        run = conn.execute
    print(f"generating {backend} data at {n:,} customers ...", flush=True)
    started = time.perf_counter()
    for sql in [*SCHEMA, *fill_statements(backend, n), *INDEXES]:
        run(sql)
    conn.commit()
    if backend == "postgresql":
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
    else:
        conn.execute("ANALYZE")
    conn.close()
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
    return url


class HandWritten:
    """The fastest plain way: the same rows, DBAPI cursor, no framework."""

    def __init__(self, url):
        if url.startswith("sqlite"):
            import sqlite3

            # autocommit mode with an explicit BEGIN: reads of one subject in one snapshot
            self.conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            self.mark = "?"
        else:
            import psycopg

            self.conn = psycopg.connect(url)  # the driver begins the transaction itself
            self.mark = "%s"

    def begin(self):
        if self.mark == "?":
            self.conn.execute("BEGIN")

    def q(self, sql, params=()):
        cursor = self.conn.cursor()
        cursor.execute(sql.replace("?", self.mark), params)
        return cursor

    def marks(self, values):
        """An IN list of bound parameters: the statement text only depends on the count, so
        the driver's statement cache serves it again for the next subject."""
        return ", ".join("?" * len(values)) or "NULL"

    def fresh(self, candidates, count):
        """Customers not yet erased by an earlier run (the data is kept between runs)."""
        found = []
        for customer in candidates:
            row = self.q("SELECT email FROM customer WHERE id = ?", (customer,)).fetchone()
            if row and row[0]:
                found.append(customer)
                if len(found) == count:
                    break
        self.conn.rollback()
        return found

    def access(self, email):
        self.begin()
        customers = self.q("SELECT * FROM customer WHERE email = ?", (email,)).fetchall()
        ids = [c[0] for c in customers]
        marks = self.marks(ids)
        orders = self.q(f"SELECT * FROM orders WHERE customer_id IN ({marks})", ids).fetchall()
        logins = self.q(f"SELECT * FROM login WHERE customer_id IN ({marks})", ids).fetchall()
        addresses = list({c[4] for c in customers} | {o[2] for o in orders})
        found = self.q(
            f"SELECT * FROM address WHERE id IN ({self.marks(addresses)})", addresses
        ).fetchall()
        self.conn.rollback()
        return len(customers) + len(orders) + len(logins) + len(found)

    def _targets(self, email):
        customers = self.q("SELECT id, address_id FROM customer WHERE email = ?", (email,))
        customers = customers.fetchall()
        ids = [c[0] for c in customers]
        orders = self.q(
            f"SELECT shipping_address_id FROM orders WHERE customer_id IN ({self.marks(ids)})",
            ids,
        )
        addresses = list({c[1] for c in customers} | {o[0] for o in orders.fetchall()})
        return ids, addresses

    def erase(self, email):
        self.begin()
        ids, addresses = self._targets(email)
        marks = self.marks(ids)
        self.q(f"DELETE FROM login WHERE customer_id IN ({marks})", ids)
        self.q(
            "UPDATE address SET street = NULL, city = NULL, zip = NULL"
            f" WHERE id IN ({self.marks(addresses)})",
            addresses,
        )
        self.q(f"UPDATE customer SET email = NULL, name = NULL WHERE id IN ({marks})", ids)
        self.conn.commit()

    def erase_per_row(self, email):
        self.begin()
        ids, addresses = self._targets(email)
        marks = self.marks(ids)
        for (login,) in self.q(f"SELECT id FROM login WHERE customer_id IN ({marks})", ids):
            self.q("DELETE FROM login WHERE id = ?", (login,))
        for address in addresses:
            self.q(
                "UPDATE address SET street = NULL, city = NULL, zip = NULL WHERE id = ?", (address,)
            )
        for customer in ids:
            self.q("UPDATE customer SET email = NULL, name = NULL WHERE id = ?", (customer,))
        self.conn.commit()


def median_time(call, subjects):
    return median_times([call], subjects)[0]


def median_times(calls, subjects):
    """The median time per subject of each call; the calls take turns on each subject, so a
    change in the machine's speed during the run hits them alike. As in `timeit`, the garbage
    collector is off while timing: a collection made necessary by earlier work is not charged
    to one call."""
    times = [[] for _call in calls]
    gc.collect()
    gc.disable()
    try:
        for subject in subjects:
            for call, spent in zip(calls, times, strict=True):
                started = time.perf_counter()
                call(subject)
                spent.append(time.perf_counter() - started)
    finally:
        gc.enable()
    return [statistics.median(spent) for spent in times]


def run(backend, n):
    url = prepare(backend, n)
    dataset = parse(ANNOTATION)
    hand = HandWritten(url)
    email = "customer-{}@example.com".format
    # warm both paths (connection pools, statement caches, the column cache)
    engine.access(url, dataset, {"email": [email(n // 2)]})
    hand.access(email(n // 2))
    print(
        f"\n{backend}: {n:,} customers, {5 * n:,} orders, {10 * n + HEAVY * HEAVY_LOGINS:,} logins"
    )
    results = {}
    rng = random.Random()
    for kind, candidates in (
        ("ordinary", rng.sample(range(HEAVY + 1, n + 1), 400)),
        ("heavy", list(range(1, HEAVY + 1))),
    ):
        count = REPEAT if kind == "ordinary" else 1
        pool = [email(s) for s in hand.fresh(candidates, 4 * count)]
        if len(pool) < 4 * count:
            sys.exit(f"too few unerased {kind} subjects left: remove the bench data and rerun")
        access_subjects, ours_s, hand_s, row_s = (
            pool[i * count : (i + 1) * count] for i in range(4)
        )
        for subject in pool:  # read every subject's pages once: both sides then run warm
            hand.access(subject)
            engine.access(url, dataset, {"email": [subject]})
        # access changes nothing, so each subject is read several times, the two ways in turn
        ours, theirs = median_times(
            [lambda e: engine.access(url, dataset, {"email": [e]}), hand.access],
            access_subjects * ROUNDS,
        )
        rows = hand.access(access_subjects[0])
        print(
            f"  access  {kind:<8} {rows:>6} rows: waarborg {ours * 1000:8.1f} ms, "
            f"hand-written {theirs * 1000:8.1f} ms, ratio {ours / theirs:5.2f}x"
        )
        erased = median_time(lambda e: engine.erase(url, dataset, {"email": [e]}), ours_s)
        plain = median_time(hand.erase, hand_s)
        per_row = median_time(hand.erase_per_row, row_s)
        print(
            f"  erase   {kind:<8}             waarborg {erased * 1000:8.1f} ms, "
            f"hand-written {plain * 1000:8.1f} ms, ratio {erased / plain:5.2f}x; "
            f"one UPDATE per row {per_row * 1000:8.1f} ms ({per_row / erased:5.1f}x slower)"
        )
        results[kind] = (ours / theirs, erased / plain, ours, erased)
    hand.conn.close()
    engine.dispose_engines()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M customers")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    n = max(1000, int(1_000_000 * args.scale))
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = False
    for backend in backends:
        results = run(backend, n)
        access_ratio, erase_ratio, access_s, erase_s = results["ordinary"]
        ok = access_ratio <= 1.5 and erase_ratio <= 2 and access_s < 1 and erase_s < 1
        heavy_access, heavy_erase = results["heavy"][:2]
        ok = ok and heavy_access <= 1.5 and heavy_erase <= 2
        print(
            f"  targets (access <= 1.5x, erasure <= 2x, ordinary < 1 s): "
            f"{'met' if ok else 'NOT met'}"
        )
        failed = failed or not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
