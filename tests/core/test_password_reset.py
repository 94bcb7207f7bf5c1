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


def test_unknown_address_gets_the_same_answer_and_no_mail(client, smtp_server, db):
    response = client.post(reverse("core:password_reset"), {"email": "niemand@x.example"})
    assert response.status_code == 302
    assert response.url == reverse("core:password_reset_done")
    assert smtp_server.messages == []


def test_login_with_email_and_password(client, owner, organisation):
    bad = client.post(reverse("core:login"), {"username": owner.email, "password": "wrong"})
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session
    good = client.post(reverse("core:login"), {"username": owner.email, "password": PASSWORD})
    assert good.status_code == 302 and good.url == reverse("core:dashboard")
    logout = client.post(reverse("core:logout"))
    assert logout.status_code == 302
    assert "_auth_user_id" not in client.session
