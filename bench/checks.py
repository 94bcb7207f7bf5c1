"""Checks benchmark: all rules over 1,000 activities, 500 parties and 10,000 requests.

Run: .venv/bin/python bench/checks.py   (SQLite in a temporary data directory)

Prints the seconds and the number of queries of one full check at two sizes: the queries must
not grow with the rows, and the large size must stay under 1 second. Never run in CI.
"""

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WAARBORG_DATA_DIR", tempfile.mkdtemp(prefix="waarborg-bench-"))
os.environ.setdefault("WAARBORG_SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waarborg.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.register_data import make_large_register  # noqa: E402
from waarborg.checks.findings import findings_for  # noqa: E402
from waarborg.core import actions  # noqa: E402
from waarborg.requests.models import SubjectRequest  # noqa: E402

LIMIT_SECONDS = 1.0


def make_requests(organisation, count):
    now = timezone.now()
    statuses = ["closed", "closed", "answered", "in_progress", "awaiting_identity"]
    SubjectRequest.objects.bulk_create(
        SubjectRequest(
            organisation=organisation,
            reference=f"V-{n:06d}",
            kind="access",
            channel="web",
            language="nl",
            name=f"Persoon {n}",
            email=f"p{n}@example.nl",
            received_at=now - datetime.timedelta(days=n % 60),
            status=statuses[n % len(statuses)],
            due_on=(now - datetime.timedelta(days=n % 60)).date() + datetime.timedelta(days=30),
            outcome="refused" if n % 50 == 0 else "",
            answered_at=now if n % 50 == 0 else None,
        )
        for n in range(count)
    )


def measure(label, organisation):
    findings_for(organisation)  # warm
    best, queries = None, 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            findings = findings_for(organisation)
            took = time.perf_counter() - start
        best = took if best is None else min(best, took)
        queries = len(captured)
    print(f"{label:<52} {best:7.3f} s  {queries:3d} queries  {len(findings):6d} findings")
    return best, queries


def main():
    call_command("migrate", verbosity=0)
    owner = actions.create_user(email="bench@example.nl", password="bench-password-1234")
    small = actions.create_organisation(actor=owner, owner=owner, name="Klein")
    make_large_register(small, activities=100, parties=50)
    make_requests(small, 1000)
    large = actions.create_organisation(actor=owner, owner=owner, name="Groot")
    make_large_register(large, activities=1000, parties=500)
    make_requests(large, 10000)
    _t, small_queries = measure("100 activities, 50 parties, 1,000 requests", small)
    took, large_queries = measure("1,000 activities, 500 parties, 10,000 requests", large)
    print(f"queries grow with the rows: {'yes' if large_queries > small_queries else 'no'}")
    print(f"ratio to the {LIMIT_SECONDS:.0f} s limit: {took / LIMIT_SECONDS:.2f}")
    return 0 if took < LIMIT_SECONDS and large_queries <= small_queries else 1


if __name__ == "__main__":
    sys.exit(main())
