"""Scans of real local websites in Debian's Chromium, end to end: the three passes, what each
records, the classification, the findings, the statement's table, and the guard on requests."""

import pytest

from waarborg.checks.findings import findings_for
from waarborg.consent import actions as consent_actions
from waarborg.consent.models import ConsentEvent, Mechanism
from waarborg.cookies import actions
from waarborg.cookies.models import Observation, Scan, ThirdPartyHost
from waarborg.core.taxonomy import TermIndex
from waarborg.notices.actions import current_snapshot, preview

pytestmark = [pytest.mark.e2e, pytest.mark.scan, pytest.mark.django_db(transaction=True)]

TRACKER = "document.cookie = '_ga=GA1.1.42.1700000000; max-age=63072000; path=/';"


def page(banner, head="", body=""):
    return (
        "<!DOCTYPE html><html lang='nl'><head><title>Winkel</title>"
        f"<script src='{banner}' defer></script>{head}</head>"
        f"<body><h1>Welkom</h1><a href='/over.html'>Over ons</a>{body}</body></html>"
    )


@pytest.fixture
def banner(live_server, organisation, owner, settings):
    settings.BASE_URL = live_server.url
    for key, name, mechanism, category in (
        ("noodzakelijk", "Noodzakelijk", Mechanism.NOTICE, "necessary"),
        ("statistiek", "Statistiek", Mechanism.OPT_IN, "analytics"),
        ("marketing", "Marketing", Mechanism.OPT_IN, "marketing"),
    ):
        consent_actions.save_purpose(
            organisation,
            actor=owner,
            key=key,
            name={"nl": name},
            channel="cookie",
            mechanism=mechanism,
            cookie_category=category,
            wording={"nl": f"{name} cookies."},
        )
    from waarborg.center import banner_views

    banner_views._purposes_cache.clear()
    return f"{live_server.url}/c/{organisation.slug}/banner.js"


@pytest.fixture
def video(make_site):
    """A third party on another host: an embedded player that sets its own cookie."""
    player = make_site("127.0.0.2")
    player.add(
        "/embed",
        "<html><body>video</body></html>",
        headers=[
            (
                "Set-Cookie",
                "VISITOR_INFO1_LIVE=abc; Max-Age=15552000; Path=/; SameSite=None; Secure",
            )
        ],
    )
    player.add("/pixel.gif", b"GIF89a", content_type="image/gif")
    return player


def scan(organisation, owner, url):
    website = actions.save_website(organisation, actor=owner, url=url, page_limit=5)
    queued = actions.request_scan(website, actor=owner)
    return actions.carry_out_scan(queued.pk)


def names(scan, visit):
    return {o.name for o in scan.observations.all() if visit in o.passes}


def test_a_tracker_before_consent_is_found_with_its_platform(
    scan_hosts, make_site, banner, video, organisation, owner
):
    elsewhere = make_site()  # the same host on another port: another website
    elsewhere.add("/andere.html", "<html><body>niet van de winkel</body></html>")
    site = make_site()
    site.add(
        "/",
        page(
            banner,
            head=f"<script>{TRACKER}</script>",
            body=f"<img src='{video.url}/pixel.gif'><a href='{elsewhere.url}/andere.html'>x</a>",
        ),
    )
    site.add("/over.html", page(banner))
    done = scan(organisation, owner, site.url + "/")

    assert done.status == Scan.Status.DONE and done.banner_found
    assert {p.url for p in done.pages.all()} == {site.url + "/", site.url + "/over.html"}
    assert elsewhere.hits == []  # the crawl stays on the website's own origin
    ga = Observation.objects.get(scan=done, name="_ga")
    assert ga.first_seen == "first" and ga.category == "analytics"
    assert ga.platform == "Google Analytics" and not ga.third_party
    assert 399 <= ga.expiry_days <= 400  # Chromium caps a cookie's life at 400 days
    host = ThirdPartyHost.objects.get(scan=done, host="127.0.0.2")
    assert "first" in host.passes
    assert done.screenshot and done.screenshot.size > 1000
    # the scan's clicks on the banner record no consent
    assert ConsentEvent.objects.count() == 0

    found = {(f.rule.id, f.part) for f in findings_for(organisation)}
    assert ("cookies.set_before_choice", "_ga") in found
    assert ("cookies.third_party_not_named", "127.0.0.2") in found


def test_a_site_that_blocks_sets_nothing_before_consent(
    scan_hosts, make_site, banner, video, organisation, owner
):
    site = make_site()
    tagged = (
        f"<script type='text/plain' data-waarborg-category='analytics'>{TRACKER}</script>"
        f"<iframe data-waarborg-category='marketing' data-src='{video.url}/embed' "
        "title='video'></iframe>"
    )
    site.add("/", page(banner, body=tagged))
    site.add("/over.html", page(banner, body=tagged))
    done = scan(organisation, owner, site.url + "/")

    assert done.banner_found
    assert "_ga" not in names(done, "first") | names(done, "rejected")
    assert "_ga" in names(done, "accepted")
    # the player loads only after consent (this Chromium keeps no third-party cookies, so the
    # request to its host is the evidence)
    assert video.hits and set(video.hits) == {"/embed"}
    host = ThirdPartyHost.objects.get(scan=done, host="127.0.0.2")
    assert host.passes == ["accepted"]
    found = {f.rule.id for f in findings_for(organisation)}
    assert "cookies.set_before_choice" not in found
    assert "cookies.category_not_asked" not in found  # the banner asks for both


def test_acceptance_tagging_the_script_makes_the_next_scan_clean_and_the_statement_lists_it(
    scan_hosts, make_site, banner, organisation, owner
):
    site = make_site()
    site.add("/", page(banner, head=f"<script>{TRACKER}</script>"))
    first = scan(organisation, owner, site.url + "/")
    assert any(f.rule.id == "cookies.set_before_choice" for f in findings_for(organisation))

    tagged = f"<script type='text/plain' data-waarborg-category='analytics'>{TRACKER}</script>"
    site.add("/", page(banner, head=tagged))
    website = first.website
    second = actions.carry_out_scan(actions.request_scan(website, actor=owner).pk)
    assert second.pk != first.pk
    assert not any(f.rule.id == "cookies.set_before_choice" for f in findings_for(organisation))

    rows = {row["name"]: row for row in current_snapshot(organisation)["cookies"]}
    assert rows["_ga"]["purpose"] == {
        "nl": "Meet hoe de website wordt gebruikt (Google Analytics)",
        "en": "Measures how the website is used (Google Analytics)",
    }
    assert rows["_ga"]["retention"] == {"nl": "13 maanden", "en": "13 months"}
    assert rows["_ga"]["party"]["en"] == organisation.name  # set by the site itself
    snapshot, index = current_snapshot(organisation), TermIndex(organisation)
    texts = {
        language: preview(organisation, language, snapshot, index) for language in ("nl", "en")
    }
    assert "<code>_ga</code>" in texts["nl"] and "Meet hoe de website wordt gebruikt" in texts["nl"]
    assert "<code>_ga</code>" in texts["en"] and "13 months" in texts["en"]
    # the section does not also say the site uses only necessary cookies
    assert "alleen cookies die nodig zijn" not in texts["nl"]
    assert "only cookies that are needed" not in texts["en"]
    # each scan keeps its own findings: the first still shows what it found
    from waarborg.cookies.views import _findings_of

    assert [f.part for f in _findings_of(organisation, first)] == ["_ga"]
    assert _findings_of(organisation, second) == []


def test_requests_to_hosts_the_scan_may_not_visit_are_aborted_and_still_recorded(
    scan_hosts, make_site, banner, organisation, owner, settings
):
    inside = make_site("127.0.0.3")  # not in WAARBORG_SCAN_HOSTS: an internal service
    inside.add("/admin.gif", b"GIF89a", content_type="image/gif")
    site = make_site()
    site.add("/", page(banner, body=f"<img src='{inside.url}/admin.gif'>"))
    done = scan(organisation, owner, site.url + "/")
    assert done.status == Scan.Status.DONE
    assert inside.hits == []  # the browser never reached it
    assert ThirdPartyHost.objects.filter(scan=done, host="127.0.0.3").exists()


def test_a_scan_asked_twice_waits_once(scan_hosts, make_site, organisation, owner):
    site = make_site()
    site.add("/", "<html><body>hallo</body></html>")
    website = actions.save_website(organisation, actor=owner, url=site.url + "/")
    first = actions.request_scan(website, actor=owner)
    assert actions.request_scan(website, actor=owner).pk == first.pk
    done = actions.carry_out_scan(first.pk)
    assert done.status == Scan.Status.DONE and not done.banner_found
    assert actions.carry_out_scan(first.pk).finished_at == done.finished_at  # never twice


def test_a_website_that_does_not_answer_fails_the_scan(scan_hosts, organisation, owner):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = scan(organisation, owner, f"http://127.0.0.1:{port}/")
    assert done.status == Scan.Status.FAILED and done.error == "unreachable"
    assert not done.observations.exists()
