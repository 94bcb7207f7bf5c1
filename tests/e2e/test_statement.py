"""The public statement in a real browser: both languages, no third-party requests."""

import pytest

from tests.notices.test_publish import MAILER
from waarborg.core import actions as core_actions
from waarborg.notices import actions
from waarborg.register.yamlio import apply_starter, import_register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_public_statement_screenshot(page, live_server, owner, organisation, tmp_path):
    core_actions.update_organisation(organisation, actor=owner, privacy_email="privacy@een.example")
    apply_starter(organisation, actor=owner)
    import_register(organisation, MAILER, actor=owner, merge=True)
    actions.publish_statement(organisation, actor=owner)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/c/{organisation.slug}/privacy/nl/")
    assert page.locator("h1").inner_text() == "Privacyverklaring van Firma Een B.V."
    assert page.locator(".version-line").inner_text().startswith("Versie 1, gepubliceerd op")
    objection = page.locator("#objection")
    assert objection.is_visible() and "direct marketing" in objection.inner_text()
    page.screenshot(path=str(tmp_path / "statement-nl.png"), full_page=True)

    page.click("text=English")
    assert page.locator("h1").inner_text() == "Privacy statement of Firma Een B.V."
    assert page.locator("html").get_attribute("lang") == "en"
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "statement-en-phone.png"), full_page=True)
    assert (tmp_path / "statement-en-phone.png").stat().st_size > 10_000

    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []
