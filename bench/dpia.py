"""DPIA benchmark: the overview page, the screening XLSX and the DPIA rules over 1,000
screened activities and 100 signed DPIAs of three risks each, against a tenth of that.

Run: .venv/bin/python bench/dpia.py   (SQLite in a temporary data directory)

Prints the seconds and queries of each at two sizes: the queries must not grow with the rows,
and the large size must stay under 1 second each. Never run in CI.
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.register_data import make_large_register  # noqa: E402
from waarborg.checks import engine  # noqa: E402
from waarborg.checks.findings import context_for  # noqa: E402
from waarborg.core import actions  # noqa: E402
from waarborg.core.access import SESSION_KEY  # noqa: E402
from waarborg.dpia import exports  # noqa: E402
from waarborg.dpia.models import Assessment, Risk, Screening  # noqa: E402
from waarborg.register.models import ProcessingActivity  # noqa: E402

LIMIT_SECONDS = 1.0
TODAY = datetime.date(2026, 12, 1)


def screen_all(organisation):
    activities = list(ProcessingActivity.objects.filter(organisation=organisation))
    Screening.objects.bulk_create(
        Screening(
            organisation=organisation,
            activity=a,
            activity_version=a.version,
            basis="x",
            answers={"wp248.sensitive": n % 3 == 0, "ap.camera_surveillance": n % 10 == 0},
            outcome="needed" if n % 10 == 0 else "not_needed",
            reason={"nl": "Reden", "en": "Reason"},
            lists_checked_on=TODAY,
            screened_on=TODAY,
            screened_by="bench",
        )
        for n, a in enumerate(activities)
    )
    ProcessingActivity.objects.filter(organisation=organisation).update(
        dpia="not_needed", dpia_screened_on=TODAY
    )
    for n, activity in enumerate(activities[::10]):
        assessment = Assessment.objects.create(
            organisation=organisation,
            title=f"DPIA {n}",
            status="signed",
            signed_on=TODAY,
            signed_by="Bench",
            review_on=TODAY + datetime.timedelta(days=365 if n % 2 else -1),
            decision="accept",
            activity_versions={activity.key: activity.version},
        )
        assessment.activities.set([activity])
        Risk.objects.bulk_create(
            Risk(
                assessment=assessment,
                kind="access",
                title=f"R{r}",
                severity=3,
                likelihood=3,
                residual_severity=r + 1,
                residual_likelihood=r + 1,
            )
            for r in range(3)
        )


def timed(work):
    work()  # warm
    best, queries = None, 0
    for _ in range(3):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            work()
            took = time.perf_counter() - start
        best = took if best is None else min(best, took)
        queries = len(captured)
    return best, queries


def measure(label, organisation, client):
    rules = [r for r in engine.REGISTRY.values() if r.id.startswith("dpia.")]

    session = client.session
    session[SESSION_KEY] = organisation.pk
    session.save()

    def overview():
        response = client.get("/dpia/", HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code

    results = {
        "overview": timed(overview),
        "screening.xlsx": timed(lambda: exports.screening_xlsx(organisation)),
        "dpia rules": timed(lambda: engine.run(context_for(organisation, TODAY), rules)),
    }
    for name, (took, queries) in results.items():
        print(f"{label:<34} {name:<16} {took:7.3f} s  {queries:3d} queries")
    return results


def main():
    from django.conf import settings

    # The page is rendered without `collectstatic`: plain static URLs.
    storage = "django.contrib.staticfiles.storage.StaticFilesStorage"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": storage}}
    call_command("migrate", verbosity=0)
    owner = actions.create_user(email="bench@example.nl", password="bench-password-1234")
    client = Client()
    client.force_login(owner)
    small = actions.create_organisation(actor=owner, owner=owner, name="Klein")
    make_large_register(small, activities=100, parties=50)
    screen_all(small)
    large = actions.create_organisation(actor=owner, owner=owner, name="Groot")
    make_large_register(large, activities=1000, parties=500)
    screen_all(large)
    few = measure("100 activities, 10 DPIAs", small, client)
    many = measure("1,000 activities, 100 DPIAs", large, client)
    ok = True
    for name in many:
        grows = many[name][1] > few[name][1]
        ratio = many[name][0] / LIMIT_SECONDS
        print(f"{name:<16} queries grow: {'yes' if grows else 'no'}; ratio to 1 s: {ratio:.2f}")
        ok = ok and not grows and ratio < 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
