"""The embeddable sign-up form in headless Chromium, in a frame of another site (the
organisation's own): the browser sends Waarborg no cookie there, and the sign-up still works
through its signed form token; the double opt-in mail goes out and nothing counts until it is
confirmed."""

import threading
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler

import pytest
from django.core import mail

from waarborg.consent import actions
from waarborg.consent.models import ConsentEvent, ConsentState, Mechanism

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsletter(organisation, owner):
    return actions.save_purpose(
        organisation,
        actor=owner,
        key="nieuwsbrief",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        direct_marketing=True,
        wording={"nl": "Ja, stuur mij de nieuwsbrief."},
    )


@pytest.fixture
def site(tmp_path, live_server, organisation, newsletter):
    """The organisation's website on another origin (127.0.0.1; Waarborg is on localhost),
    with the sign-up form in a frame."""
    src = f"{live_server.url}/c/{organisation.slug}/subscribe/{newsletter.key}/?embed=1"
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html lang='nl'><head><title>Van Dijk</title></head><body>"
        f"<h1>Nieuwsbrief</h1><iframe id='signup' src='{src}' width='500' height='400'>"
        "</iframe></body></html>"
    )
    server = HTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()


def test_sign_up_in_a_cross_site_frame(page, site, live_server):
    assert "127.0.0.1" in site and "localhost" in live_server.url  # two sites
    cookies_sent = []
    page.on(
        "request",
        lambda request: (
            cookies_sent.append(request.headers.get("cookie"))
            if "/subscribe/" in request.url and request.method == "POST"
            else None
        ),
    )
    page.goto(site)
    frame = page.frame_locator("#signup")
    frame.locator("#email").fill("lisa@example.nl")
    frame.locator("input[name=agree]").check()
    frame.locator("button[type=submit]").click()
    frame.locator("h1").filter(has_text="e-mail").wait_for()
    assert cookies_sent and not any(cookies_sent)  # no CSRF cookie reached Waarborg
    assert ConsentState.objects.get().status == "pending"
    event = ConsentEvent.objects.get()
    assert event.person_key == "lisa@example.nl" and event.page.startswith("http://127.0.0.1")
    assert [m.to for m in mail.outbox] == [["lisa@example.nl"]]
