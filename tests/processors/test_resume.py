"""A worker killed (SIGKILL) while announcing a sub-processor change: the next worker takes
over after the lease, and no client gets the message twice; the cut-off one is uncertain.
Real worker processes on a real SQLite file (marker `kill`, SQLite only)."""

import signal

import pytest

from tests.jobs.conftest import mail, migrated, site, wait_for  # noqa: F401 (fixtures)

pytestmark = pytest.mark.kill

SETUP = """
import datetime
from waarborg.core import actions as core
from waarborg.processors import actions
from waarborg.register.models import Party
owner = core.create_user(email="owner@proef.example", password="a-long-test-password")
org = core.create_organisation(actor=owner, owner=owner, name="Proef B.V.")
sub = Party.objects.create(organisation=org, key="dc", kind="sub_processor", name={"nl": "DC"},
                           country="NL", locations=["NL"])
clients = [Party.objects.create(organisation=org, key=f"c{n:02d}", kind="client_controller",
                                name={"nl": f"Klant {n}"}, country="NL",
                                contact=f"klant{n:02d}@voorbeeld.nl") for n in range(10)]
service = actions.save_service(org, actor=owner, key="hosting", name={"nl": "Hosting"},
                               clients=clients)
change = actions.plan_change(org, actor=owner, services=[service], party=sub,
                             effective_on=datetime.date(2030, 1, 1))
actions.announce_change(change, actor=owner, per_minute=6000)
print(json.dumps({"addresses": [c.contact for c in clients]}))
"""

OUTCOME = """
from waarborg.audit.models import AuditEntry
from waarborg.processors.models import SubProcessorChange
change = SubProcessorChange.objects.get()
print(json.dumps({
    "status": change.status,
    "rows": {r.email: r.status for r in change.clients.all()},
    "sent_entries": AuditEntry.objects.filter(action="processors.change.sent").count(),
}))
"""


def test_sigkill_mid_announcement_sends_no_message_twice(site, mail):  # noqa: F811
    addresses = site.python(SETUP)["addresses"]
    mail.hold = 4
    first = site.worker()
    assert mail.holding.wait(30), first.log.read_text()
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    mail.release.set()
    second = site.worker(log="second.log")
    wait_for(lambda: site.python(OUTCOME)["status"] == "announced", what="the announcement")
    second.send_signal(signal.SIGTERM)
    assert second.wait(10) == 0
    outcome = site.python(OUTCOME)
    cut_off = addresses[3]
    assert outcome["rows"] == {a: ("uncertain" if a == cut_off else "sent") for a in addresses}
    assert sorted(mail.received) == sorted(a for a in addresses if a != cut_off)
    assert outcome["sent_entries"] == 1
