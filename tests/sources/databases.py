"""Real databases for the SQL source tests: a SQLite file, and databases on the local
PostgreSQL and MariaDB servers (created per test and dropped afterwards).

WAARBORG_TEST_SOURCES lists the servers to use (default: sqlite,postgresql,mariadb). CI machines
run all three; a developer without the servers may set it to "sqlite".
"""

import os
import re
import secrets
import sqlite3
from contextlib import contextmanager
from pathlib import Path

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
MARIADB = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}


def _shared():
    """The team's shared folder: WAARBORG_SHARED_DIR, else ../shared beside the checkout."""
    candidates = [
        os.environ.get("WAARBORG_SHARED_DIR", ""),
        Path(__file__).resolve().parents[3] / "shared",
        "/work/shared",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "conformance").is_dir():
            return Path(candidate)
    raise FileNotFoundError("shared/conformance not found: set WAARBORG_SHARED_DIR")


COOKIE_HOUSE = _shared() / "conformance/fides-cookie-house"


def backends():
    raw = os.environ.get("WAARBORG_TEST_SOURCES", "sqlite,postgresql,mariadb")
    return [name.strip() for name in raw.split(",") if name.strip()]


def statements(sql):
    """Split an SQL script into statements (no semicolons inside the literals used here)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return [part.strip() for part in sql.split(";") if part.strip()]


def portable(sql, backend):
    """Translate PostgreSQL DDL and rows of the kind in the Cookie House sample."""
    if backend == "postgresql":
        return statements(sql)
    sql = sql.split("CREATE SCHEMA backup_schema")[0]
    sql = sql.replace("public.", "")
    result = []
    for statement in statements(sql):
        if statement.startswith("ALTER SEQUENCE"):
            continue
        if backend == "sqlite":
            statement = statement.replace("SERIAL PRIMARY KEY", "INTEGER PRIMARY KEY")
            statement = statement.replace("MONEY", "NUMERIC")
        else:
            statement = statement.replace("SERIAL PRIMARY KEY", "INT AUTO_INCREMENT PRIMARY KEY")
            statement = statement.replace("MONEY", "DECIMAL(10,2)").replace("'$", "'")
        result.append(statement)
    return result


@contextmanager
def database(backend, directory):
    """Yield (url, run) for a new empty database; run(statements) executes SQL in it."""
    if backend == "sqlite":
        path = Path(directory) / f"source-{secrets.token_hex(4)}.db"

        def run(sqls):
            with sqlite3.connect(path) as conn:
                for sql in sqls:
                    conn.execute(sql)

        run([])
        yield f"sqlite:///{path}", run
        return
    name = f"wb_src_{secrets.token_hex(5)}"
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"

        def run(sqls):
            with psycopg.connect(url, autocommit=True) as conn:
                for sql in sqls:
                    conn.execute(sql)

        try:
            yield url, run
        finally:
            from waarborg.sources.engine import dispose_engines

            dispose_engines()
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    import pymysql

    admin = pymysql.connect(**MARIADB, autocommit=True)
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    url = f"mysql://root@127.0.0.1:3306/{name}"

    def run(sqls):
        conn = pymysql.connect(**MARIADB, database=name, autocommit=True)
        with conn.cursor() as cursor:
            for sql in sqls:
                cursor.execute(sql)
        conn.close()

    try:
        yield url, run
    finally:
        from waarborg.sources.engine import dispose_engines

        dispose_engines()
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.close()


def cookie_house_sql():
    return (COOKIE_HOUSE / "postgres_sample.sql").read_text()


def cookie_house_annotation():
    return (COOKIE_HOUSE / "postgres_example_test_dataset.yml").read_text()
