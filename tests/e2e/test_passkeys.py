"""Passkeys (WebAuthn) in the real Chromium, with its virtual authenticator (DevTools protocol):
a member adds a passkey after signing in, then signs in with it alone, and with it as the
second factor after the password. The pages keep the strict CSP: allauth's scripts are files."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import sign_in
from waarborg.audit.models import AuditEntry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def authenticator(page):
    """A platform authenticator with user verification, as a laptop's fingerprint reader."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    created = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    yield session, created["authenticatorId"]
    session.send("WebAuthn.disable")


def _credentials(authenticator):
    session, authenticator_id = authenticator
    return session.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})[
        "credentials"
    ]


def _log_out(page):
    page.click("form.logout button")
    assert page.locator("h1").inner_text() == "Inloggen"


def test_add_a_passkey_and_sign_in_with_it(page, live_server, owner, organisation, authenticator):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    base = live_server.url
    assert base.startswith("http://localhost:")  # a secure context, as WebAuthn needs
    sign_in(page, base, owner)
    assert page.locator("h1").inner_text() == organisation.name

    page.goto(base + "/accounts/2fa/webauthn/add/")
    page.fill("input[name=name]", "Laptop")
    page.check("input[name=passwordless]")
    page.click("#mfa_webauthn_add")
    page.locator("ul.messages", has_text="Passkey toegevoegd.").wait_for()
    assert len(_credentials(authenticator)) == 1
    assert _credentials(authenticator)[0]["isResidentCredential"] is True
    added = AuditEntry.objects.filter(organisation=organisation, action="signin.mfa_added")
    assert "webauthn" in [entry.new["kind"] for entry in added]

    # The passkey alone: no e-mail address, no password.
    _log_out(page)
    page.click("#passkey_login")
    page.wait_for_url(base + "/")
    assert page.locator("h1").inner_text() == organisation.name
    last = AuditEntry.objects.filter(organisation=organisation, action="signin.succeeded")
    assert last.order_by("-seq").first().new["method"] == "mfa"

    # The password, then the passkey instead of the app's code.
    _log_out(page)
    page.fill("input[name=login]", owner.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    assert "/accounts/2fa/authenticate/" in page.url
    page.click("#mfa_webauthn_authenticate")
    page.wait_for_url(base + "/")
    assert page.locator("h1").inner_text() == organisation.name
    assert _credentials(authenticator)[0]["signCount"] >= 2
    assert violations == []
