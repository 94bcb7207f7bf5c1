"""Register benchmark: import/export of 1,000 activities and 500 parties, list pages, XLSX.

Run: .venv/bin/python bench/register.py   (SQLite in a temporary data directory)
     WAARBORG_DATABASE_URL=postgresql://postgres@127.0.0.1/test .venv/bin/python bench/register.py
     (on PostgreSQL it works in a scratch database `waarborg_bench`, dropped afterwards)

Prints seconds per step and, for export, the ratio to the fastest way to read the same rows:
hand-written SQL over the same tables, without building YAML.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WAARBORG_DATA_DIR", tempfile.mkdtemp(prefix="waarborg-bench-"))
os.environ.setdefault("WAARBORG_SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waarborg.settings")
os.environ.setdefault("WAARBORG_ALLOWED_HOSTS", "testserver")
URL = os.environ.get("WAARBORG_DATABASE_URL", "")
if URL.startswith("postgres"):
    import psycopg

    base, _, _name = URL.rpartition("/")
    with psycopg.connect(URL, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS waarborg_bench")
        admin.execute("CREATE DATABASE waarborg_bench")
    os.environ["WAARBORG_DATABASE_URL"] = f"{base}/waarborg_bench"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.register_data import make_large_register  # noqa: E402
from waarborg.core import actions  # noqa: E402
from waarborg.register import ropa  # noqa: E402
from waarborg.register.yamlio import export_register, import_register  # noqa: E402


def timed(label, call, repeat=3):
    best = min(_once(call) for _ in range(repeat))
    print(f"{label:<48} {best:8.3f} s")
    return best


def _once(call):
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def raw_read(organisation):
    """The minimum: read every activity, party and link row of the organisation with SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM register_processingactivity WHERE organisation_id = %s",
            [organisation.pk],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT * FROM register_party WHERE organisation_id = %s", [organisation.pk])
        cursor.fetchall()
        for table in (
            "recipients",
            "data_categories",
            "data_subjects",
            "systems",
            "retention_rules",
            "security_measures",
            "purpose_terms",
        ):
            cursor.execute(
                f"SELECT t.* FROM register_processingactivity_{table} t JOIN "  # noqa: S608
                "register_processingactivity a ON a.id = t.processingactivity_id "
                "WHERE a.organisation_id = %s",
                [organisation.pk],
            )
            cursor.fetchall()
    return ids


def main():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"database: {connection.vendor}")
    owner = actions.create_user(email="bench@example.nl", password="x")
    source = actions.create_organisation(actor=owner, owner=owner, name="Bron")
    start = time.perf_counter()
    make_large_register(source, activities=1000, parties=500)
    print(f"{'generate 1,000 activities, 500 parties':<48} {time.perf_counter() - start:8.3f} s")

    text = export_register(source)
    export = timed("export YAML", lambda: export_register(source))
    raw = timed("hand-written SQL reading the same rows", lambda: raw_read(source))
    print(f"{'  export / SQL ratio':<48} {export / raw:8.1f} x")
    target = actions.create_organisation(actor=owner, owner=owner, name="Doel")
    timed(
        "import YAML into an empty register (all new)",
        lambda: import_register(target, text, actor=owner),
        repeat=1,
    )
    timed(
        "import the same file again (no changes)",
        lambda: import_register(target, text, actor=owner),
    )
    timed("RoPA XLSX", lambda: ropa.to_xlsx(source))
    timed("RoPA CSV", lambda: ropa.to_csv(source))
    client = Client(raise_request_exception=True)
    client.force_login(owner)
    client.post("/organisation/switch/", {"organisation": source.pk})
    for kind in ("activities", "parties"):
        timed(f"list page /register/{kind}/", lambda kind=kind: client.get(f"/register/{kind}/"))
    timed("list page with search", lambda: client.get("/register/activities/?q=Verwerking+99"))


if __name__ == "__main__":
    try:
        main()
    finally:
        if URL.startswith("postgres"):
            connection.close()
            with psycopg.connect(URL, autocommit=True) as admin:
                admin.execute("DROP DATABASE IF EXISTS waarborg_bench")
