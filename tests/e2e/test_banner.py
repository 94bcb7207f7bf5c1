"""The cookie banner in headless Chromium, embedded in a page of another origin (the
organisation's own site): nothing pre-ticked, reject as easy as accept, the choice posted with
proof, kept in a first-party cookie, changeable, and asked again when the wording changes."""

import threading
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler

import pytest

from waarborg.consent import actions
from waarborg.consent.models import ConsentEvent, ConsentState, Mechanism

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(tmp_path, live_server, organisation):
    """The organisation's website: another origin that embeds the banner."""
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html lang='nl'><head><title>Van Dijk</title>"
        f"<script src='{live_server.url}/c/{organisation.slug}/banner.js' defer></script>"
        "</head><body><h1>Welkom</h1><a href='#' data-waarborg-consent>Cookie-instellingen</a>"
        "</body></html>"
    )
    server = HTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()


@pytest.fixture
def cookie_purposes(organisation, owner):
    def add(key, name, mechanism, wording):
        return actions.save_purpose(
            organisation,
            actor=owner,
            key=key,
            name={"nl": name},
            channel="cookie",
            mechanism=mechanism,
            wording={"nl": wording},
        )

    return {
        "necessary": add(
            "noodzakelijk", "Noodzakelijk", Mechanism.NOTICE, "Om de site te laten werken."
        ),
        "stats": add("statistiek", "Statistiek", Mechanism.OPT_IN, "Om bezoek te tellen."),
        "ads": add("advertenties", "Advertenties", Mechanism.OPT_IN, "Om advertenties te tonen."),
    }


def read(query, page):
    """What `query` reads, once the live server's thread lets go of the shared-cache table
    lock it holds while it writes (its answer may reach the browser before its commit ends)."""
    from django.db import OperationalError

    for _ in range(50):
        try:
            return query()
        except OperationalError:
            page.wait_for_timeout(100)
    return query()


def wait_for_events(count, page):
    for _ in range(50):
        if read(ConsentEvent.objects.count, page) >= count:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"expected {count} events, found {ConsentEvent.objects.count()}")


def states(page):
    return read(
        lambda: {s.purpose.key: s.status for s in ConsentState.objects.select_related("purpose")},
        page,
    )


def test_banner_reject_change_and_reask(
    page, site, live_server, organisation, owner, cookie_purposes
):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site)
    banner = page.locator(".wb-banner")
    banner.wait_for()
    # reject is a first-level button, styled like accept
    reject, accept = page.locator(".wb-reject"), page.locator(".wb-accept")
    assert reject.is_visible() and accept.is_visible()
    assert reject.evaluate("b => getComputedStyle(b).backgroundColor") == accept.evaluate(
        "b => getComputedStyle(b).backgroundColor"
    )
    page.click(".wb-settings")
    assert not page.is_checked("input[data-key=statistiek]")  # nothing pre-ticked
    assert not page.is_checked("input[data-key=advertenties]")
    assert page.is_checked("input[data-key=noodzakelijk]")
    assert page.is_disabled("input[data-key=noodzakelijk]")

    page.click(".wb-reject")
    assert banner.count() == 0
    wait_for_events(2, page)
    assert states(page) == {"statistiek": "withdrawn", "advertenties": "withdrawn"}
    event = read(ConsentEvent.objects.first, page)
    assert event.source == "banner" and event.key_kind == "cookie"
    assert event.ip == "127.0.0.0/24" and event.page == site
    cookie = next(c for c in page.context.cookies() if c["name"] == "wb_consent")
    assert cookie["domain"] == "127.0.0.1"  # first-party: the site's own cookie

    page.reload()
    page.wait_for_timeout(300)
    assert page.locator(".wb-banner").count() == 0  # the choice holds

    page.click("[data-waarborg-consent]")  # the visitor reopens and changes it
    # reopened, the banner shows the current choice at once
    assert page.locator(".wb-current").is_visible()
    assert not page.is_checked("input[data-key=statistiek]")
    page.check("input[data-key=statistiek]")
    page.click(".wb-save")
    wait_for_events(4, page)
    assert states(page) == {"statistiek": "granted", "advertenties": "withdrawn"}
    assert page.evaluate("window.waarborgConsent.get()") == {
        "noodzakelijk": True,
        "statistiek": True,
        "advertenties": False,
    }

    actions.save_purpose(  # new wording: the banner asks again
        organisation,
        actor=owner,
        instance=cookie_purposes["ads"],
        wording={"nl": "Om advertenties te tonen, ook op andere sites."},
    )
    page.goto(site)
    page.locator(".wb-banner").wait_for()
    assert "ook op andere sites" not in page.locator(".wb-banner").inner_text()  # list closed
    page.click(".wb-accept")
    wait_for_events(6, page)
    assert states(page) == {"statistiek": "granted", "advertenties": "granted"}
    granted = read(
        lambda: ConsentEvent.objects.filter(purpose=cookie_purposes["ads"]).latest("id"), page
    )
    assert granted.version.number == 2  # the wording agreed to is the new one

    hosts = {url.split("/")[2] for url in requested}
    assert hosts <= {site.split("/")[2], live_server.url.split("/")[2]}
    assert actions.verify_ledger(organisation) == []
