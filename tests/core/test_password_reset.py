"""Password reset by e-mail, through a real local SMTP server."""

import re

from django.urls import reverse

from tests.conftest import PASSWORD


def test_reset_through_real_smtp(client, owner, smtp_server, settings):
    response = client.post(reverse("core:password_reset"), {"email": owner.email})
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == owner.email
    assert message["Subject"] == "Kies een nieuw wachtwoord voor Waarborg"
    body = message.get_content()
    link = re.search(r"http://127\.0\.0\.1:8000(/password/reset/\S+)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0]
    new = "een-heel-nieuw-wachtwoord"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new) and not owner.check_password(PASSWORD)


def test_a_reset_is_in_the_audit_trail(client, owner, organisation, smtp_server):
    from waarborg.audit.models import AuditEntry

    client.post(reverse("core:password_reset"), {"email": owner.email})
    body = smtp_server.messages[0].get_content()
    link = re.search(r"http://127\.0\.0\.1:8000(/password/reset/\S+)", body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "nog-een-nieuw-wachtwoord", "new_password2": "x"})
    assert not AuditEntry.objects.filter(action="core.password_reset").exists()  # refused
    client.post(
        set_url,
        {"new_password1": "nog-een-nieuw-wachtwoord", "new_password2": "nog-een-nieuw-wachtwoord"},
    )
    entry = AuditEntry.objects.get(organisation=organisation, action="core.password_reset")
    assert entry.actor == owner and entry.object_id == str(owner.pk)


def test_unknown_address_gets_the_same_answer_and_no_mail(client, smtp_server, db):
    response = client.post(reverse("core:password_reset"), {"email": "niemand@x.example"})
    assert response.status_code == 302
    assert response.url == reverse("core:password_reset_done")
    assert smtp_server.messages == []


def test_login_with_email_and_password(client, owner, organisation):
    # Without the second factor (tests/signin covers it): the password alone signs in here.
    organisation.mfa_required = False
    organisation.save()
    bad = client.post(reverse("core:login"), {"login": owner.email, "password": "wrong"})
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session
    good = client.post(reverse("core:login"), {"login": owner.email, "password": PASSWORD})
    assert good.status_code == 302 and good.url == reverse("core:dashboard")
    logout = client.post(reverse("core:logout"))
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session
