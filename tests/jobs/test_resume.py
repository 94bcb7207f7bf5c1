"""Killing the worker in the middle of a change-notice mailing, as a fault injector does:
SIGKILL (the lease runs out and the next worker continues; under the supervisor at once),
SIGTERM (it stops between two messages within seconds) and a locked database (it waits and
goes on). Each ends as an uninterrupted run would: every address mailed once, but the one
whose sending was cut off, which is marked uncertain; the notice "sent", audited once.

Real worker processes on a real SQLite file: these run on SQLite only (marker `kill`; CI's
PostgreSQL run deselects them with -m "not kill")."""

import os
import signal
import sqlite3
import time

import pytest

from tests.jobs.conftest import wait_for

pytestmark = pytest.mark.kill

SETUP = """
from tests.notices.test_publish import MAILER
from waarborg.core import actions as core
from waarborg.notices import actions as notices
from waarborg.register.actions import save_item
from waarborg.register.models import Party
from waarborg.register.schema import current_data
from waarborg.register.yamlio import apply_starter, import_register

owner = core.create_user(email="owner@proef.example", password="a-long-test-password")
org = core.create_organisation(actor=owner, owner=owner, name="Proef B.V.")
core.update_organisation(org, actor=owner, privacy_email="privacy@proef.example")
apply_starter(org, actor=owner)
import_register(org, MAILER, actor=owner, merge=True)
notices.publish_statement(org, actor=owner)
mailer = Party.objects.get(organisation=org, key="mailer")
data = {**current_data("parties", mailer), "country": "US", "locations": ["US"],
        "transfer_mechanism": "scc_2021"}
save_item("parties", org, data, actor=owner, instance=mailer)
notices.publish_statement(org, actor=owner)
recipients = [(f"persoon{n:02d}@voorbeeld.nl", "nl" if n % 3 else "en") for n in range(COUNT)]
notice = notices.notify_change(org, actor=owner, from_number=1, to_number=2,
                               recipients=recipients, per_minute=PER_MINUTE)
print(json.dumps({"notice": notice.pk, "addresses": [a for a, _l in recipients]}))
"""

OUTCOME = """
from django_tasks_db.models import DBTaskResult
from waarborg.audit.actions import verify_chain
from waarborg.audit.models import AuditEntry
from waarborg.jobs.models import Lease
from waarborg.notices.models import ChangeNotice
notice = ChangeNotice.objects.get()
task = DBTaskResult.objects.get(task_path="waarborg.notices.tasks.send_change_notice")
lease = Lease.objects.filter(task=task).first()
print(json.dumps({
    "status": notice.status,
    "recipients": {r.email: r.status for r in notice.recipients.all()},
    "sent_entries": AuditEntry.objects.filter(action="notices.change_notice.sent").count(),
    "task": task.status,
    "takeovers": lease.takeovers if lease else None,
    "chain": [str(p) for p in verify_chain(notice.organisation)],
}))
"""


def _mailing(site, count, per_minute):
    code = SETUP.replace("COUNT", str(count)).replace("PER_MINUTE", str(per_minute))
    return site.python(code)["addresses"]


def _outcome(site):
    return site.python(OUTCOME)


def _assert_as_uninterrupted(outcome, addresses, received, uncertain):
    """Every address mailed exactly once, except the uncertain ones (never mailed)."""
    assert outcome["status"] == "done"
    assert outcome["task"] == "SUCCESSFUL"
    assert outcome["sent_entries"] == 1
    assert outcome["chain"] == []
    expected = {a: ("uncertain" if a in uncertain else "sent") for a in addresses}
    assert outcome["recipients"] == expected
    assert sorted(received) == sorted(a for a in addresses if a not in uncertain)


def test_sigkill_mid_mail_the_next_worker_takes_over_after_the_lease(site, mail):
    addresses = _mailing(site, 12, 6000)
    mail.hold = 5  # the fifth message is being sent when its worker dies
    first = site.worker()
    assert mail.holding.wait(30), first.log.read_text()
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    mail.release.set()
    cut_off = addresses[4]
    second = site.worker(log="second.log")
    wait_for(lambda: _outcome(site)["status"] == "done", what="the mailing to finish")
    second.send_signal(signal.SIGTERM)
    assert second.wait(10) == 0
    outcome = _outcome(site)
    _assert_as_uninterrupted(outcome, addresses, mail.received, {cut_off})
    assert outcome["takeovers"] == 1
    assert "takes over task" in second.log.read_text()


def test_the_supervisor_restarts_a_killed_worker_and_says_why(site, mail):
    addresses = _mailing(site, 8, 6000)
    mail.hold = 3
    supervisor = site.worker(supervise=True)
    assert mail.holding.wait(30), supervisor.log.read_text()
    log = supervisor.log.read_text()
    child = int(log.split("started (process ")[1].split(")")[0])
    started = time.monotonic()
    os.kill(child, signal.SIGKILL)
    mail.release.set()
    wait_for(lambda: _outcome(site)["status"] == "done", what="the mailing to finish")
    # The supervisor handed the dead worker's lease back: no wait for it to run out.
    assert time.monotonic() - started < 10
    log = supervisor.log.read_text()
    assert f"(process {child}) was killed by SIGKILL; 1 job(s) handed back; restarting" in log
    assert log.count("started (process ") == 2
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(10) == 0
    _assert_as_uninterrupted(_outcome(site), addresses, mail.received, {addresses[2]})


def test_sigterm_stops_between_two_messages_within_seconds(site, mail):
    addresses = _mailing(site, 30, 120)  # one message every half second: 15 s in all
    worker = site.worker()
    wait_for(lambda: len(mail.received) >= 2, what="two messages")
    asked = time.monotonic()
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(10) == 0
    assert time.monotonic() - asked < 3
    halfway = _outcome(site)
    assert halfway["status"] == "sending" and halfway["task"] == "READY"
    assert "uncertain" not in halfway["recipients"].values()
    assert 2 <= len(mail.received) < 30
    assert "stopping after the current item" in worker.log.read_text()
    site.python(
        "from waarborg.notices.models import ChangeNotice\n"
        "ChangeNotice.objects.update(per_minute=0)\nprint('{}')"
    )
    again = site.worker("--batch", log="again.log")
    assert again.wait(30) == 0, again.log.read_text()
    _assert_as_uninterrupted(_outcome(site), addresses, mail.received, set())


def test_a_locked_database_is_waited_for_not_fatal(site, mail):
    worker = site.worker("--lock-timeout", "0.2")
    wait_for(lambda: "started (lease" in worker.log.read_text(), what="the worker")
    with sqlite3.connect(site.database, timeout=10, isolation_level=None) as holder:
        holder.execute("BEGIN EXCLUSIVE")  # as a long import or sweep holds the write lock
        wait_for(lambda: "the database is locked" in worker.log.read_text(), what="a back-off")
        assert worker.poll() is None
        holder.execute("COMMIT")
    addresses = _mailing(site, 5, 0)
    wait_for(lambda: _outcome(site)["status"] == "done", what="the mailing to finish")
    assert worker.poll() is None
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(10) == 0
    _assert_as_uninterrupted(_outcome(site), addresses, mail.received, set())


IMPORT_SETUP = """
from waarborg.consent import actions as consent
from waarborg.core import actions as core
from waarborg.jobs.imports import start_consent_import

owner = core.create_user(email="owner@proef.example", password="a-long-test-password")
org = core.create_organisation(actor=owner, owner=owner, name="Proef B.V.")
purpose = consent.save_purpose(org, actor=owner, key="nieuwsbrief", name={"nl": "Nieuwsbrief"},
                               channel="email", mechanism="opt_in", wording={"nl": "Ja."})
rows = [{"email": f"lid{n:05d}@voorbeeld.nl", "date": "2024-03-01"} for n in range(COUNT)]
run = start_consent_import(purpose, rows, actor=owner)
print(json.dumps({"run": run.pk}))
"""

IMPORT_OUTCOME = """
from waarborg.audit.models import AuditEntry
from waarborg.consent.actions import verify_ledger
from waarborg.consent.models import ConsentEvent
from waarborg.jobs.models import ImportRun
run = ImportRun.objects.get()
events = ConsentEvent.objects.filter(source="import")
print(json.dumps({
    "status": run.status, "done": run.done, "result": run.result,
    "events": events.count(), "people": events.values("person_key").distinct().count(),
    "audit": list(AuditEntry.objects.filter(action="consent.import").values_list("new", flat=True)),
    "ledger": [list(p) for p in verify_ledger(run.organisation)],
}))
"""


def _import_progress(site):
    with sqlite3.connect(site.database, timeout=10) as db:
        return db.execute("SELECT done, total, status FROM jobs_importrun").fetchone()


def test_sigkill_mid_import_resumes_after_the_last_batch(site, mail):
    count = 2000
    site.python(IMPORT_SETUP.replace("COUNT", str(count)))
    first = site.worker()
    wait_for(lambda: _import_progress(site)[0] > 0, what="the first batch")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    done_when_killed = _import_progress(site)[0]
    assert 0 < done_when_killed < count
    second = site.worker(log="second.log")
    wait_for(lambda: _import_progress(site)[2] == "done", timeout=60, what="the import")
    second.send_signal(signal.SIGTERM)
    assert second.wait(10) == 0
    outcome = site.python(IMPORT_OUTCOME)
    # As an uninterrupted run: every row once, one audit entry, the ledger intact.
    assert outcome["events"] == outcome["people"] == count
    assert outcome["result"] == {"imported": count, "skipped": 0}
    assert outcome["audit"] == [{"imported": count, "skipped": 0}]
    assert outcome["ledger"] == []
