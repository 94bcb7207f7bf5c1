"""What the member is told of recovery codes: a first set comes with the first second factor
and replaces nothing; only codes made again replace the old ones."""

import re

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_user
from tests.signin.test_sign_in import sign_in
from tests.signin.totp import totp_code
from waarborg.core import actions as core_actions


def _texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_first_set_up_speaks_of_your_recovery_codes_not_new_ones(
    client, db, django_capture_on_commit_callbacks
):
    owner = make_user("eerste@firma.example", "Eerste Eigenaar")
    core_actions.create_organisation(actor=owner, owner=owner, name="Eerste B.V.")
    sign_in(client, owner.email)
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r"\b([A-Z2-7]{32})\b", html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302
    texts = _texts(done)
    with translation.override("nl"):
        first = translation.gettext(
            "Your recovery codes are made: keep them somewhere safe. Each one signs you in "
            "once if you lose your phone."
        )
        replaced = translation.gettext("New recovery codes made; the old ones no longer work.")
    assert first in texts
    assert replaced not in texts
    assert not any("nieuwe herstelcodes" in t.lower() for t in texts)

    # Made again later, they do replace the old ones, and the message says so.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("mfa_generate_recovery_codes"))
    assert again.status_code == 302
    texts = _texts(again)
    assert replaced in texts and first not in texts
