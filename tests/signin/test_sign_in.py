"""Staff sign-in as a person goes through it: password, the second factor the organisation
requires (set up on the first sign-in), recovery codes, the lock after ten wrong passwords, the
audit trail, and sessions that end after a while without use."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, make_user
from tests.core.test_headers import assert_strict
from tests.signin.totp import totp_code
from waarborg.audit.labels import LABELS, action_label
from waarborg.audit.models import AuditEntry
from waarborg.core import actions as core_actions
from waarborg.signin import actions

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def sign_in(client, email, password=PASSWORD, ip="203.0.113.7"):
    return client.post(
        reverse("core:login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def trail(organisation, *codes):
    entries = AuditEntry.objects.filter(organisation=organisation).order_by("seq")
    return [entry for entry in entries if not codes or entry.action in codes]


def test_a_new_owner_is_asked_to_set_up_totp_on_first_sign_in(
    client, db, django_capture_on_commit_callbacks, smtp_server
):
    owner = make_user("nieuw@firma.example", "Nieuwe Eigenaar")
    organisation = core_actions.create_organisation(actor=owner, owner=owner, name="Nieuw B.V.")
    assert organisation.mfa_required  # on for every new organisation

    response = sign_in(client, owner.email)
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    # Nothing else opens until it is done.
    for name in ["core:dashboard", "core:members", "audit:list", "signin:security"]:
        assert client.get(reverse(name)).url == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert_strict(page)
    html = page.content.decode()
    assert "<script>" not in html
    secret = re.search(r"\b([A-Z2-7]{32})\b", html).group(1)

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get(reverse("core:dashboard")).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    kinds = [entry.new["kind"] for entry in trail(organisation, "signin.mfa_added")]
    assert kinds == ["totp", "recovery_codes"]
    # The member is told by e-mail: a second factor set up by someone who learnt the password
    # first would not go unnoticed.
    [message] = smtp_server.messages
    assert message["To"] == owner.email
    assert message["Subject"] == "Waarborg: een wijziging in hoe u inlogt"
    body = message.get_content()
    assert "Er is een authenticator-app ingesteld om mee in te loggen." in body
    assert "203.0.113.7" not in body and "127.0.0.1" in body
    assert "http://127.0.0.1:8000/password/reset/" in body
    # The secret is kept encrypted, never as typed into the app.
    from allauth.mfa.models import Authenticator

    stored = Authenticator.objects.get(user=owner, type="totp").data["secret"]
    assert secret not in str(stored)


def test_the_next_sign_in_asks_for_the_code(client, owner, organisation):
    actions.activate_totp(owner, secret=SECRET)
    response = sign_in(client, owner.email)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("mfa_authenticate"))
    assert_strict(page)
    assert client.post(reverse("mfa_authenticate"), {"code": "123456"}).status_code == 200
    assert "_auth_user_id" not in client.session
    assert [e.new["ip"] for e in trail(organisation, "signin.mfa_failed")] == ["127.0.0.1"]
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    assert done.status_code == 302 and done.url == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200
    signed_in = trail(organisation, "signin.succeeded")[-1]
    assert signed_in.actor == owner and signed_in.new["method"] == "password+mfa"
    assert signed_in.new["ip"] == "127.0.0.1"  # the request that completed it


def test_a_recovery_code_stands_in_for_the_app_once(owner, organisation):
    codes = actions.activate_totp(owner, secret=SECRET)
    assert len(codes) == 10
    first = Client()
    sign_in(first, owner.email)
    assert first.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    again = Client()
    sign_in(again, owner.email)
    assert again.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session


def test_ten_wrong_passwords_lock_the_address_for_a_while(owner, organisation):
    organisation.mfa_required = False
    organisation.save()
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(settings.SIGNIN_FAILURES_PER_ADDRESS):
            page = sign_in(client, owner.email, "wrong-" + str(attempt), ip=f"198.51.100.{attempt}")
            assert page.status_code == 200 and "_auth_user_id" not in client.session
        # The right password no longer opens it, from any address.
        locked = sign_in(client, owner.email, ip="192.0.2.99")
        assert locked.status_code == 200 and "_auth_user_id" not in client.session
        assert "Te veel mislukte inlogpogingen" in locked.content.decode()
        sign_in(client, owner.email, ip="192.0.2.99")
        # Another address is not locked by it.
        other = make_user("ander@firma.example")
        core_actions.add_member(organisation, actor=owner, user=other, role="viewer")
        assert sign_in(Client(), other.email).status_code == 302

        failed = trail(organisation, "signin.failed")
        assert len(failed) == settings.SIGNIN_FAILURES_PER_ADDRESS
        assert failed[0].new == {"email": owner.email, "ip": "198.51.100.0"}
        assert failed[0].actor is None and failed[0].object_id == str(owner.pk)
        assert len(trail(organisation, "signin.locked")) == 1  # once, not per refused try
        # The owner reads them in the audit trail, in words.
        reader = Client()
        reader.force_login(other)
        page = reader.get(reverse("audit:list")).content.decode()
        assert page.count("Inloggen mislukt (verkeerd wachtwoord)") == 10
        assert "Inloggen geblokkeerd na te veel verkeerde wachtwoorden" in page

        clock.shift(timedelta(minutes=settings.SIGNIN_LOCK_MINUTES + 1))
        assert sign_in(client, owner.email).status_code == 302
        assert client.get(reverse("core:dashboard")).status_code == 200


def test_one_ip_address_may_not_try_every_account(db, organisation):
    limit = settings.SIGNIN_FAILURES_PER_IP
    for attempt in range(limit):
        sign_in(Client(), f"gok{attempt}@firma.example", "wrong", ip="198.51.100.66")
    victim = make_user("slachtoffer@firma.example")
    refused = sign_in(Client(), victim.email, ip="198.51.100.66")
    assert refused.status_code == 429
    assert "Te veel pogingen" in refused.content.decode()
    assert_strict(refused)
    assert sign_in(Client(), victim.email, ip="198.51.100.67").status_code == 302


def test_failed_attempts_of_unknown_addresses_write_nowhere(client, organisation):
    before = AuditEntry.objects.count()
    page = sign_in(client, "niemand@nergens.example", "wrong")
    assert page.status_code == 200
    assert AuditEntry.objects.count() == before


def test_sign_ins_of_a_member_of_two_organisations_are_in_both_trails(
    client, owner, organisation, other_owner, other_organisation
):
    organisation.mfa_required = other_organisation.mfa_required = False
    organisation.save()
    other_organisation.save()
    core_actions.add_member(other_organisation, actor=other_owner, user=owner, role="viewer")
    sign_in(client, owner.email, "wrong")
    sign_in(client, owner.email)
    for org in (organisation, other_organisation):
        assert [e.action for e in trail(org, "signin.failed", "signin.succeeded")] == [
            "signin.failed",
            "signin.succeeded",
        ]
    # Another organisation's member's failures stay out of this trail.
    sign_in(Client(), other_owner.email, "wrong")
    assert len(trail(organisation, "signin.failed")) == 1


def test_a_session_ends_after_the_idle_minutes(client, owner, organisation):
    organisation.mfa_required = False
    organisation.save()
    idle = settings.SESSION_COOKIE_AGE
    assert idle == 30 * 60  # WAARBORG_SESSION_IDLE_MINUTES, default 30
    with time_machine.travel(timezone.now(), tick=False) as clock:
        sign_in(client, owner.email)
        clock.shift(timedelta(seconds=idle - 60))
        assert client.get(reverse("core:dashboard")).status_code == 200  # moves the end on
        clock.shift(timedelta(seconds=idle - 60))
        assert client.get(reverse("core:dashboard")).status_code == 200
        clock.shift(timedelta(seconds=idle + 1))
        response = client.get(reverse("core:dashboard"))
        assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_nobody_signs_up_on_their_own(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "zelf@x.example", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    from waarborg.core.models import User

    assert not User.objects.filter(email="zelf@x.example").exists()


def test_the_sign_in_page_in_both_languages(client, db):
    page = client.get(reverse("core:login"))
    assert_strict(page)
    html = page.content.decode()
    assert "<h1>Inloggen</h1>" in html and "Inloggen met een passkey" in html
    assert "<script>" not in html and " style=" not in html
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(reverse("core:login")).content.decode()
    assert "<h1>Log in</h1>" in html and "Log in with a passkey" in html


def test_every_new_action_code_has_a_label():
    codes = [
        "core.password_reset",
        *(f"signin.{name}" for name in ["succeeded", "failed", "locked", "mfa_failed"]),
        *actions.MFA_ACTIONS.values(),
        "signin.password_changed",
        "signin.provider_set",
        "signin.provider_removed",
    ]
    for code in codes:
        assert code in LABELS
    from django.utils import translation

    with translation.override("nl"):
        assert action_label("signin.failed") == "Inloggen mislukt (verkeerd wachtwoord)"


@pytest.mark.parametrize("minutes", ["0", "x", "99999"])
def test_idle_minutes_must_be_sensible(minutes):
    from waarborg import config

    with pytest.raises(config.ConfigError):
        config.session_idle_minutes({"WAARBORG_SESSION_IDLE_MINUTES": minutes})
    assert config.session_idle_minutes({"WAARBORG_SESSION_IDLE_MINUTES": "5"}) == 5


def _inline_scripts(html):
    """<script> elements that would run inline: neither a file (src) nor JSON data."""
    tags = re.findall(r"<script\b[^>]*>", html)
    return [tag for tag in tags if "src=" not in tag and "application/json" not in tag]


def test_allauths_pages_keep_the_strict_policy(client_for, owner, organisation):
    actions.activate_totp(owner, secret=SECRET)
    client = client_for(owner)
    from allauth.account.internal.flows.login import record_authentication  # a fresh sign-in

    names = ["mfa_index", "mfa_add_webauthn", "mfa_list_webauthn", "account_change_password"]
    for name in names:
        request_page = client.get(reverse(name))
        if request_page.status_code == 302:  # asks to confirm the password first
            assert request_page.url.startswith(reverse("account_reauthenticate"))
            request_page = client.get(request_page.url)
        assert request_page.status_code == 200, name
        assert_strict(request_page)
        html = request_page.content.decode()
        assert _inline_scripts(html) == [], name
        assert " style=" not in html and 'class="topbar"' in html, name
    assert record_authentication  # the internal flow the invitation view uses still exists


def test_the_security_page(client_for, owner, organisation, loner):
    page = client_for(owner).get(reverse("signin:security")).content.decode()
    assert "Firma Een B.V. verplicht elk lid tot een tweede factor." in page
    assert "U logt alleen met een wachtwoord in." in page
    assert client_for(loner).get(reverse("signin:security")).status_code == 200


def test_visitors_of_the_privacy_center_get_no_session(client, organisation):
    # Sessions are saved on every request (the idle timeout), but only sessions with content.
    response = client.get(reverse("center:request", args=[organisation.slug]))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_before_the_set_up_nothing_can_be_changed_either(client, owner, organisation):
    sign_in(client, owner.email)
    count = AuditEntry.objects.count()
    response = client.post(reverse("core:invite"), {"email": "x@firma.example", "role": "viewer"})
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    api = client.get("/api/v1/openapi.json")
    assert api.status_code == 302
    # Only the sign-in events themselves were written.
    assert AuditEntry.objects.count() == count
    # Signing out still works.
    assert client.post(reverse("core:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_allauths_own_texts_in_waarborgs_dutch(client_for, owner, organisation):
    page = client_for(owner).get(reverse("account_logout")).content.decode()
    assert "Weet u zeker dat u wilt uitloggen?" in page and "Weet je" not in page


def test_the_address_is_typed_in_any_case(client, owner, organisation):
    organisation.mfa_required = False
    organisation.save()
    assert sign_in(client, "  Owner@FIRMA.example ").status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_changed_password_is_audited(
    client, owner, organisation, django_capture_on_commit_callbacks
):
    organisation.mfa_required = False
    organisation.save()
    sign_in(client, owner.email)
    new = "een-ander-lang-wachtwoord"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": new, "password2": new},
        )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new)
    assert [e.actor for e in trail(organisation, "signin.password_changed")] == [owner]
    from django.core import mail

    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "Het wachtwoord is gewijzigd." in mail.outbox[0].body


def test_a_very_long_address_is_throttled_like_any_other(client, db):
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 3) + ".example"
    for _ in range(settings.SIGNIN_FAILURES_PER_ADDRESS + 2):
        assert sign_in(client, email, "wrong").status_code == 200


def test_the_last_app_stays_while_the_organisation_requires_it(client, owner, organisation):
    from allauth.mfa.models import Authenticator

    actions.activate_totp(owner, secret=SECRET)
    sign_in(client, owner.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(SECRET)})
    refused = client.post(reverse("mfa_deactivate_totp"))
    assert refused.status_code == 200
    assert "Uw organisatie verplicht een tweede factor" in refused.content.decode()
    assert Authenticator.objects.filter(user=owner, type="totp").exists()
    organisation.mfa_required = False
    organisation.save()
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=owner, type="totp").exists()
