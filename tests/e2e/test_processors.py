"""A privacy officer finds a client's objection to a sub-processor on the dashboard, opens it
and records the outcome, in a real browser."""

import pytest

from tests.e2e.conftest import sign_in
from tests.processors.test_changes import _firm, _party
from tests.processors.test_taking_effect import _announced
from waarborg.audit.models import AuditEntry
from waarborg.processors import actions
from waarborg.processors.models import ChangeClient
from waarborg.register.models import Party

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_objection_from_the_dashboard_to_its_outcome(
    page, live_server, owner, privacy_officer, organisation
):
    service, parties = _firm(organisation, owner, clients=2)
    cdn = _party(organisation, "cdn", Party.Kind.SUB_PROCESSOR, country="US", locations=["US"])
    change = _announced(organisation, owner, service, cdn)
    row = change.clients.get(client=parties[1])
    actions.answer_change(row, actor=owner, answer="objected")
    base = live_server.url
    sign_in(page, base, privacy_officer)

    card = page.locator("#objections")
    assert "Bezwaren tegen een subverwerker" in card.inner_text()
    card.locator("a", has_text="Client-001").click()
    assert f"#client-{row.pk}" in page.url
    line = page.locator(f"#client-{row.pk}")
    line.locator("select[name=resolution]").select_option("excluded")
    line.locator("button", has_text="Afhandelen").click()
    row.refresh_from_db()
    assert row.resolution == ChangeClient.Resolution.EXCLUDED
    assert AuditEntry.objects.filter(action="processors.objection.resolved").count() == 1
    page.goto(base + "/")
    assert page.locator("#objections").count() == 0
