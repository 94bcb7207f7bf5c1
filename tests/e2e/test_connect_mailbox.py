"""Connecting a mailbox, in the browser: only the fields of the sign-in chosen show (a
password, or a Microsoft 365 app's tenant, client id, secret and token endpoint), and the
choice switches them without a reload."""

import pytest

from tests.e2e.conftest import sign_in
from waarborg.register.models import System

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = ["#id_password"]
APP = ["#id_tenant", "#id_client_id", "#id_client_secret", "#id_token_url"]


def _shown(page, selectors):
    return [page.locator(selector).is_visible() for selector in selectors]


def test_the_fields_of_the_other_sign_in_are_hidden(
    live_server, page, organisation, privacy_officer
):
    System.objects.create(organisation=organisation, key="mail", name="Mail")
    sign_in(page, live_server.url, privacy_officer)
    page.goto(live_server.url + "/sources/documents/new/mail/mailbox/")
    assert _shown(page, PASSWORD) == [True]
    assert _shown(page, APP) == [False] * 4
    # the trash folder only while the mailbox may delete messages
    assert _shown(page, ["#id_trash_folder"]) == [False]
    page.locator("#id_write_access").check()
    assert _shown(page, ["#id_trash_folder"]) == [True]
    page.locator("#id_write_access").uncheck()
    page.locator('input[name="auth"][value="oauth2"]').check()
    assert _shown(page, PASSWORD) == [False]
    assert _shown(page, APP) == [True] * 4
    page.locator('input[name="auth"][value="password"]').check()
    assert _shown(page, PASSWORD) == [True] and _shown(page, APP) == [False] * 4
    # what the server says back keeps the choice: a refused app sign-in shows the app's fields
    page.locator('input[name="auth"][value="oauth2"]').check()
    page.fill("#id_name", "Info")
    page.fill("#id_host", "127.0.0.1")
    page.fill("#id_username", "info@firma.example")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator('input[name="auth"][value="oauth2"]').is_checked()
    assert _shown(page, APP) == [True] * 4 and _shown(page, PASSWORD) == [False]
    assert page.locator("#id_tenant").locator("xpath=..").locator(".error").count() == 1
