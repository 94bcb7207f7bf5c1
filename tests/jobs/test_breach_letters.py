"""The Art. 34 letter to 1,000 addresses, with the worker SIGKILLed half-way: the next worker
takes over after the lease and goes on; every address gets the letter once, except the one
whose sending was cut off, which is marked uncertain and not sent again.

Real worker processes on a real SQLite file (marker `kill`, SQLite only)."""

import signal

import pytest

from tests.jobs.conftest import wait_for

pytestmark = pytest.mark.kill

COUNT = 1000

SETUP = """
import datetime
from waarborg.breaches import actions
from waarborg.core import actions as core
owner = core.create_user(email="owner@proef.example", password="a-long-test-password")
org = core.create_organisation(actor=owner, owner=owner, name="Proef B.V.")
core.update_organisation(org, actor=owner, privacy_email="privacy@proef.example")
breach = actions.record_breach(
    org, actor=owner, title="Laptop gestolen", aware_at=datetime.datetime.now(datetime.UTC),
    description={"nl": "Laptop met de klantenadministratie gestolen, niet versleuteld.",
                 "en": "Laptop with the customer administration stolen, not encrypted."},
    confidentiality=True, integrity=False, availability=False, cause="device",
    consequences={"nl": "Kans op oplichting.", "en": "Risk of fraud."},
    measures_taken={"nl": "Wachtwoorden ingetrokken.", "en": "Passwords revoked."},
)
recipients = [(f"klant{n:04d}@voorbeeld.nl", "nl" if n % 4 else "en") for n in range(COUNT)]
letter = actions.send_letters(breach, actor=owner, recipients=recipients, per_minute=600000)
print(json.dumps({"letter": letter.pk, "addresses": [a for a, _l in recipients]}))
"""

OUTCOME = """
from django_tasks_db.models import DBTaskResult
from waarborg.audit.actions import verify_chain
from waarborg.audit.models import AuditEntry
from waarborg.breaches.models import Letter
letter = Letter.objects.get()
task = DBTaskResult.objects.get(task_path="waarborg.breaches.tasks.send_letter")
print(json.dumps({
    "status": letter.status,
    "recipients": {r.email: r.status for r in letter.recipients.all()},
    "sent_entries": AuditEntry.objects.filter(action="breach.letters_sent").count(),
    "task": task.status,
    "chain": [str(p) for p in verify_chain(letter.breach.organisation)],
}))
"""


def test_sigkill_half_way_through_1000_letters_each_sent_at_most_once(site, mail):
    addresses = site.python(SETUP.replace("COUNT", str(COUNT)))["addresses"]
    mail.hold = COUNT // 2  # the 500th letter is being sent when its worker dies
    first = site.worker()
    assert mail.holding.wait(120), first.log.read_text()
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    mail.release.set()
    cut_off = addresses[COUNT // 2 - 1]
    second = site.worker(log="second.log")
    wait_for(
        lambda: site.python(OUTCOME)["status"] == "done", timeout=180, what="the letters to finish"
    )
    second.send_signal(signal.SIGTERM)
    assert second.wait(10) == 0
    outcome = site.python(OUTCOME)
    assert outcome["task"] == "SUCCESSFUL"
    assert outcome["sent_entries"] == 1
    assert outcome["chain"] == []
    expected = {a: ("uncertain" if a == cut_off else "sent") for a in addresses}
    assert outcome["recipients"] == expected
    assert len(mail.received) == len(set(mail.received)) == COUNT - 1
    assert set(mail.received) == set(addresses) - {cut_off}
