"""At 375 px (a small phone), the requests dashboard shows every request's deadline without
scrolling sideways (#24): the table becomes one card per request, each value with its name."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.e2e.conftest import sign_in
from waarborg.requests import actions
from waarborg.requests.models import Kind

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def test_every_deadline_is_on_screen_at_375_px(live_server, page, organisation, viewer):
    made = []
    for day, name in ((2, "Anna Langenaam-Vandenberghe"), (20, "Bo"), (25, "Cor de Vries")):
        with time_machine.travel(datetime(2026, 11, day, 9, 0, tzinfo=AMSTERDAM), tick=False):
            made.append(
                actions.create_request(
                    organisation,
                    actor=None,
                    kind=Kind.RESTRICTION,
                    channel="email",
                    name=name,
                    email=f"p{day}@example.nl",
                )  # fmt: skip
            )
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, live_server.url, viewer)
    page.goto(live_server.url + "/requests/")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    cells = page.locator("td[data-label='Termijn']")
    assert cells.count() == len(made)
    for number in range(cells.count()):
        box = cells.nth(number).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        assert cells.nth(number).is_visible()
    # each value carries its column's name, as the header row is out of sight
    assert (
        page.locator("td[data-label='Termijn']").first.evaluate(
            "cell => getComputedStyle(cell, '::before').content"
        )
        == '"Termijn"'
    )


STAFF_PAGES = (
    "/", "/register/", "/register/activities/", "/register/parties/", "/register/map/",
    "/statement/", "/requests/", "/consent/", "/cookies/", "/retention/", "/dpia/",
    "/breaches/", "/processors/", "/members/", "/audit/",
)  # fmt: skip


def test_the_demos_staff_pages_fit_375_px(live_server, browser):
    """No staff page of the demo scrolls sideways on a small phone (wide tables scroll within
    their own box)."""
    from django.core.cache import cache

    from tests.signin.totp import totp_code
    from waarborg import demo

    demo.build()
    base = live_server.url
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 800})
    page = context.new_page()
    cache.clear()
    page.goto(base + "/login/")
    page.fill("input[name=login]", demo.PEOPLE[0][0])
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.fill("input[name=code]", totp_code(demo.DEMO_TOTP_SECRET))
    page.click("main form button[type=submit]")
    from waarborg.dpia.models import Assessment

    dpia = Assessment.objects.order_by("pk").first()
    forms = [
        f"/register/activities/newsletter/edit/?section={section}"
        for section in ("what", "why", "whose", "recipients", "retention", "security")
    ]
    too_wide = {}
    for path in (*STAFF_PAGES, f"/dpia/{dpia.pk}/", *forms):
        response = page.goto(base + path)
        assert response is not None and response.ok, path
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide[path] = width
    context.close()
    assert not too_wide, too_wide
