"""Registering a request by hand, in the browser: the fields that belong to one kind
(restriction's ground, objection's processing and direct marketing, portability's other
controller) show only while that kind is chosen."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ONLY = {
    "restriction": ["#id_restriction_ground"],
    "objection": ["#id_direct_marketing", "#id_activities"],
    "portability": ["#id_transmit_to", "#id_transmit_email"],
}
ALWAYS = ["#id_name", "#id_email", "#id_description", "#id_original", "#id_subject_groups"]


def _field(page, selector):
    return page.locator(selector).locator("xpath=ancestor::div[contains(@class,'field')][1]")


def test_only_the_chosen_kinds_fields_show(live_server, page, organisation, handler):
    sign_in(page, live_server.url, handler)
    page.goto(live_server.url + "/requests/new/")
    for kind in ("access", "restriction", "objection", "portability", "erasure"):
        page.select_option("#id_kind", kind)
        for owner, selectors in ONLY.items():
            for selector in selectors:
                assert _field(page, selector).is_visible() == (owner == kind), (kind, selector)
        assert all(_field(page, selector).is_visible() for selector in ALWAYS), kind
