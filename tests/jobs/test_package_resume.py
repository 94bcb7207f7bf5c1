"""Killing the worker in the middle of a package build (SIGKILL): the next worker builds it
again after the lease runs out, and the outcome equals an uninterrupted build: one package,
every file once, with the same content, one audit entry.

Real worker processes on a real SQLite file (marker `kill`, as tests/jobs/test_resume.py)."""

import signal
import sqlite3

import pytest

from tests.jobs.conftest import wait_for

pytestmark = pytest.mark.kill

TABLES = 2500

SETUP = """
from django.db import transaction
from waarborg.core import actions as core
from waarborg.requests import actions
from waarborg.requests.models import RequestTask, TaskKind, TaskStatus

owner = core.create_user(email="owner@proef.example", password="a-long-test-password")
org = core.create_organisation(actor=owner, owner=owner, name="Proef B.V.")
subject_request = actions.create_request(org, actor=None, kind="portability", channel="web",
                                         name="Jan de Jong", email="jan@voorbeeld.nl")
found = {f"tabel{t:04d}": {"fields": ["id", "naam", "bedrag"],
                           "rows": [[r, f"Jan {t}-{r}", r * 1.5] for r in range(40)]}
         for t in range(TABLES)}
RequestTask.objects.create(organisation=org, request=subject_request, kind=TaskKind.SYSTEM,
                           title="Webshop", status=TaskStatus.DONE, result={"found": found})
with transaction.atomic():
    actions.queue_package(subject_request, actor=owner)
print(json.dumps({"request": subject_request.pk}))
"""

OUTCOME = """
import io, zipfile
from django_tasks_db.models import DBTaskResult
from waarborg.audit.models import AuditEntry
from waarborg.requests import package
from waarborg.requests.models import RequestFile, SubjectRequest
subject_request = SubjectRequest.objects.get()
stored = list(RequestFile.objects.filter(request=subject_request, kind="package"))
def members(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(name, archive.read(name).decode()) for name in archive.namelist()]
task = DBTaskResult.objects.get(task_path="waarborg.requests.tasks.make_package")
print(json.dumps({
    "packages": len(stored),
    "members": members(stored[0].content()) if stored else None,
    "uninterrupted": members(package.build(subject_request)),
    "entries": AuditEntry.objects.filter(action="request.package").count(),
    "task": task.status,
}))
"""


def _progress(site):
    with sqlite3.connect(site.database, timeout=10) as db:
        row = db.execute("SELECT done, total FROM jobs_lease").fetchone()
        packages = db.execute(
            "SELECT count(*) FROM requests_requestfile WHERE kind = 'package'"
        ).fetchone()[0]
    return (row or (0, None)), packages


def test_sigkill_mid_package_build_builds_it_once_as_uninterrupted(site, mail):
    site.python(SETUP.replace("TABLES", str(TABLES)))
    first = site.worker()
    wait_for(lambda: _progress(site)[0][0] >= 50, what="the build under way")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    (done, total), packages = _progress(site)
    assert 50 <= done < total == TABLES and packages == 0  # cut off half-way, nothing kept
    second = site.worker(log="second.log")
    wait_for(lambda: _progress(site)[1] == 1, timeout=120, what="the package")
    second.send_signal(signal.SIGTERM)
    assert second.wait(20) == 0
    outcome = site.python(OUTCOME)
    assert outcome["task"] == "SUCCESSFUL"
    assert outcome["packages"] == 1 and outcome["entries"] == 1
    names = [name for name, _content in outcome["members"]]
    assert len(names) == len(set(names)) == 2 * TABLES + 1  # JSON and CSV per table, data.json
    assert outcome["members"] == outcome["uninterrupted"]
    assert "takes over task" in second.log.read_text()
