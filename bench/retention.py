"""Retention benchmark: sweep throughput against one hand-written DELETE of the same rows.

    .venv/bin/python bench/retention.py [--rows 10000000] [--backend sqlite|postgresql|both]

A table of 10M call records with an index on the date, 1M of them past the cutoff; as in a
real log the rows were appended in time order (one call every 3 seconds), so the oldest rows
have the lowest keys. The sweep
(sources.sweep.sweep: batches of date ranges, each its own transaction) deletes the due rows;
then the table is rebuilt and one `DELETE ... WHERE started_at < cutoff` does the same. Prints
both times, the throughput ratio (target >= 0.7x) and the longest transaction of the sweep
(target < 1 s). The data is generated inside the database and rebuilt for each timing.
"""

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WAARBORG_DATA_DIR", str(Path(__file__).parent / ".data"))
os.environ.setdefault("WAARBORG_SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waarborg.settings")
# the benchmark databases are sources; their folder is one an operator would allow
os.environ.setdefault("WAARBORG_SOURCE_SQLITE_DIRS", str(Path(__file__).parent / ".data"))

import django  # noqa: E402

django.setup()

from waarborg.sources import engine, sweep  # noqa: E402
from waarborg.sources.annotation import parse  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_NAME = "wb_bench_retention"
CUTOFF = datetime(2024, 1, 1)
ANNOTATION = """
dataset:
  - fides_key: calls
    collections:
      - name: call_log
        waarborg: {retention: {rule: telephony-5m, column: started_at}}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: phone, data_categories: [user.contact.phone_number]}
          - {name: started_at, data_categories: [user.telemetry]}
"""


def build(backend, rows, due):
    """(url, seconds) of a fresh table: `due` rows before CUTOFF, the rest after it."""
    keep = rows - due
    if backend == "sqlite":
        import sqlite3

        path = Path(__file__).parent / ".data" / "retention.db"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        conn = sqlite3.connect(path)
        series = "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {n}) "
        conn.execute(
            "CREATE TABLE call_log (id INTEGER PRIMARY KEY, phone TEXT, started_at TIMESTAMP)"
        )
        # a log is appended in time order: the oldest rows (the due ones) have the lowest ids;
        # one call every 10 seconds or so, so dates have second resolution and few ties
        conn.execute(
            series.format(n=rows) + "INSERT INTO call_log SELECT g, '+3161234' || (g % 10000), "
            f"datetime('2023-12-31 23:59:59', ((g - {due}) * 3) || ' seconds') "
            "FROM s"
        )
        conn.execute("CREATE INDEX ix_started ON call_log (started_at)")
        conn.commit()
        conn.close()
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_NAME}")
    url = f"postgresql://postgres@127.0.0.1:5432/{PG_NAME}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE call_log (id INTEGER PRIMARY KEY, phone TEXT, started_at TIMESTAMP)"
        )
        conn.execute(
            "INSERT INTO call_log SELECT g, '+3161234' || (g % 10000), "
            f"TIMESTAMP '2023-12-31 23:59:59' + (g - {due}) * 3 * INTERVAL '1 second' "
            f"FROM generate_series(1, {rows}) AS s(g)"
        )
        conn.execute("CREATE INDEX ix_started ON call_log (started_at)")
        conn.execute("VACUUM ANALYZE call_log")
    assert keep > 0
    return url


def hand_delete(url):
    raw = engine.engine_for(url).raw_connection()
    mark = "?" if url.startswith("sqlite") else "%s"
    value = CUTOFF.isoformat(sep=" ") if url.startswith("sqlite") else CUTOFF
    started = time.perf_counter()
    cursor = raw.cursor()
    cursor.execute(f"DELETE FROM call_log WHERE started_at < {mark}", (value,))
    raw.commit()
    took = time.perf_counter() - started
    count = cursor.rowcount
    raw.close()
    return count, took


def run(backend, rows, due):
    dataset = parse(ANNOTATION)
    target = sweep.Due(collection="call_log", action="delete", cutoff=CUTOFF, column="started_at")
    print(f"\n{backend}: {rows:,} rows, {due:,} due")
    # the hand-written DELETE first, then the sweep on a fresh copy: neither gains from the
    # other's warm cache
    url = build(backend, rows, due)
    deleted, theirs = hand_delete(url)
    engine.dispose_engines()
    url = build(backend, rows, due)
    count = sweep.summary(url, dataset, target).count
    started = time.perf_counter()
    evidence = sweep.sweep(url, dataset, target)
    ours = time.perf_counter() - started
    engine.dispose_engines()
    assert evidence["rows"] == deleted == count, (evidence, deleted, count)
    ratio = (deleted / ours) / (deleted / theirs)
    print(
        f"  sweep: {ours:6.2f} s in {evidence['batches']} batches "
        f"({deleted / ours:,.0f} rows/s), longest transaction "
        f"{evidence['longest_transaction']:.3f} s"
    )
    print(f"  one hand-written DELETE: {theirs:6.2f} s ({deleted / theirs:,.0f} rows/s)")
    met = ratio >= 0.7 and evidence["longest_transaction"] < 1
    print(
        f"  throughput ratio {ratio:4.2f}x (target >= 0.7x), longest transaction "
        f"{evidence['longest_transaction']:.2f} s (target < 1 s): {'met' if met else 'NOT met'}"
    )
    return met


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    due = args.rows // 10
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = [run(backend, args.rows, due) for backend in backends]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
