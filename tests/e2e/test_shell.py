"""A person logs in, switches organisation and language, and sees the change."""

import pytest

from tests.e2e.conftest import sign_in
from waarborg.core import actions
from waarborg.core.models import Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_login_switch_organisation_and_language(
    page, live_server, owner, organisation, other_owner, other_organisation, tmp_path
):
    actions.add_member(other_organisation, actor=other_owner, user=owner, role=Role.VIEWER)

    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Inloggen"
    sign_in(page, live_server.url, owner)
    # The first organisation by name is active: there this user only reads.
    assert page.locator("h1").inner_text() == "Ander B.V."
    assert "U werkt hier als Meelezer." in page.content()
    page.goto(live_server.url + "/organisation/")
    assert page.locator("h1").inner_text() == "Niet toegestaan"

    page.select_option("#org-switch", str(organisation.pk))
    page.click("form.switcher button")
    assert page.locator("h1").inner_text() == "Firma Een B.V."
    assert "U werkt hier als Eigenaar." in page.content()

    page.select_option("#language-switch", "en")
    page.click("form.language button")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "You work here as Owner." in page.content()
    assert page.locator("nav.mainnav").inner_text().split()[0] == "Dashboard"
    page.goto(live_server.url + "/organisation/")
    assert page.locator("h1").inner_text() == "Organisation details"
    page.screenshot(path=str(tmp_path / "organisation-en.png"), full_page=True)
