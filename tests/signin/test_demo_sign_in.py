"""The demo shows the second factor: its firm requires one, the owner has an authenticator app
whose key the demo prints (and recovery codes), the others set theirs up on signing in."""

import subprocess
import sys

from django.test import Client
from django.urls import reverse

from tests.signin.totp import totp_code
from waarborg import demo


def _sign_in(email):
    client = Client()
    response = client.post(reverse("core:login"), {"login": email, "password": demo.DEMO_PASSWORD})
    return client, response


def test_the_demo_logins_with_their_second_factor(db):
    logins = demo.build()
    (owner_email, password, _, codes), (handler_email, *_rest) = logins[0], logins[1]
    assert password == demo.DEMO_PASSWORD and len(codes) == 10
    client, response = _sign_in(owner_email)
    assert response.url == reverse("mfa_authenticate")
    code = totp_code(demo.DEMO_TOTP_SECRET)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200

    recovery, response = _sign_in(owner_email)
    assert recovery.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302

    newcomer, response = _sign_in(handler_email)
    assert response.url == reverse("mfa_activate_totp")


def test_demo_code_prints_the_code_of_the_app(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "waarborg.cli", "demo-code", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    printed = result.stdout.strip()
    # Either side of a 30-second step: the code of now, or of the step just before.
    import time

    now = time.time()
    assert printed in {
        totp_code(demo.DEMO_TOTP_SECRET, now),
        totp_code(demo.DEMO_TOTP_SECRET, now - 30),
    }
