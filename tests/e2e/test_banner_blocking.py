"""The banner holds tagged scripts and frames back until consent for their category, stops
them on withdrawal (with the category's scanned cookies), shows the current choice, sends
Google Consent Mode v2 signals, and is the first thing the keyboard reaches."""

import threading
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler

import pytest

from waarborg.center import banner_views
from waarborg.consent import actions
from waarborg.consent.models import Mechanism
from waarborg.cookies.models import CookieSettings, Observation, Scan, Website

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TAGGED = (
    "<script type='text/plain' data-waarborg-category='analytics'>"
    "window.wbRan = (window.wbRan || 0) + 1;"
    "document.cookie = '_ga=GA1.1.1.1; max-age=3600; path=/';</script>"
    "<iframe data-waarborg-category='marketing' data-src='/frame.html' title='video'></iframe>"
)


@pytest.fixture
def site(tmp_path, live_server, organisation, owner):
    for key, name, mechanism, category in (
        ("noodzakelijk", "Noodzakelijk", Mechanism.NOTICE, "necessary"),
        ("statistiek", "Statistiek", Mechanism.OPT_IN, "analytics"),
        ("advertenties", "Advertenties", Mechanism.OPT_IN, "marketing"),
    ):
        actions.save_purpose(
            organisation, actor=owner, key=key, name={"nl": name}, channel="cookie",
            mechanism=mechanism, cookie_category=category, wording={"nl": name + "."},
        )  # fmt: skip
    banner_views._purposes_cache.clear()
    (tmp_path / "index.html").write_text(
        "<!DOCTYPE html><html lang='nl'><head><title>Winkel</title>"
        f"<script src='{live_server.url}/c/{organisation.slug}/banner.js' defer></script>"
        f"</head><body><a href='/over.html'>Over ons</a><h1>Welkom</h1>{TAGGED}"
        "<a href='#' data-waarborg-consent>Cookie-instellingen</a></body></html>"
    )
    (tmp_path / "frame.html").write_text("<html><body>video</body></html>")
    server = HTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=tmp_path))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()


def scanned(organisation, name, category):
    """A finished scan that found `name`: the banner removes it when consent is withdrawn."""
    website = Website.objects.create(organisation=organisation, url="https://www.firma.example/")
    scan = Scan.objects.create(organisation=organisation, website=website, status=Scan.Status.DONE)
    Observation.objects.create(
        scan=scan, kind="cookie", name=name, category=category, first_seen="accepted",
        passes=["accepted"], expiry_days=365,
    )  # fmt: skip
    from django.utils import timezone

    Scan.objects.filter(pk=scan.pk).update(finished_at=timezone.now())


def cookie_names(page):
    return {c["name"] for c in page.context.cookies()}


def test_tagged_scripts_and_frames_wait_for_consent_and_stop_on_withdrawal(
    page, site, organisation
):
    scanned(organisation, "_ga", "analytics")
    page.goto(site)
    page.locator(".wb-banner").wait_for()
    assert page.evaluate("window.wbRan") is None
    assert page.get_attribute("iframe", "src") is None
    # the banner comes first in the page: one Tab reaches it before the content
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.wb-banner')")
    page.click(".wb-settings")
    # the banner lists the scanned cookie under its category
    assert "_ga" in page.locator(".wb-cookies").text_content()
    page.check("input[data-key=statistiek]")
    page.click(".wb-save")
    assert page.evaluate("window.wbRan") == 1
    assert "_ga" in cookie_names(page)
    assert page.get_attribute("iframe", "src") is None  # marketing was not chosen

    page.reload()
    assert page.evaluate("window.wbRan") == 1  # runs on every page once consent holds
    page.click("[data-waarborg-consent]")
    assert page.locator(".wb-current").is_visible()  # the current choice, ticked
    assert page.is_checked("input[data-key=statistiek]")
    assert not page.is_checked("input[data-key=advertenties]")
    page.uncheck("input[data-key=statistiek]")
    page.check("input[data-key=advertenties]")
    with page.expect_navigation():  # a script that ran cannot be stopped: the page reloads
        page.click(".wb-save")
    page.wait_for_load_state("load")
    assert page.evaluate("window.wbRan") is None
    assert "_ga" not in cookie_names(page)  # the withdrawn category's cookie is removed
    assert page.get_attribute("iframe", "src") == "/frame.html"

    page.click("[data-waarborg-consent]")
    page.uncheck("input[data-key=advertenties]")
    page.click(".wb-save")
    assert page.get_attribute("iframe", "src") == "about:blank"


def test_consent_mode_signals_follow_the_choice(page, site, organisation):
    CookieSettings.objects.create(organisation=organisation, consent_mode=True)
    page.goto(site)
    page.locator(".wb-banner").wait_for()
    default = page.evaluate("Array.from(window.dataLayer[0])")
    assert default[:2] == ["consent", "default"]
    assert default[2]["analytics_storage"] == "denied" and default[2]["ad_storage"] == "denied"
    page.click(".wb-accept")
    update = page.evaluate("Array.from(window.dataLayer[window.dataLayer.length - 1])")
    assert update[:2] == ["consent", "update"]
    assert update[2]["analytics_storage"] == "granted" and update[2]["ad_user_data"] == "granted"


def test_without_consent_mode_the_banner_leaves_the_data_layer_alone(page, site):
    page.goto(site)
    page.locator(".wb-banner").wait_for()
    assert page.evaluate("typeof window.dataLayer") == "undefined"
