"""The searchable picker above long checkbox lists, and the same lists without JavaScript."""

import pytest

from tests.e2e.conftest import sign_in
from waarborg.register.models import ProcessingActivity
from waarborg.register.yamlio import apply_starter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CATEGORIES = "div#id_data_categories"


def _visible_values(page):
    return page.eval_on_selector_all(
        CATEGORIES + " > div:not([hidden]) input", "boxes => boxes.map(b => b.value)"
    )


def test_filter_data_categories_and_see_the_chosen_first(
    page, live_server, privacy_officer, organisation
):
    apply_starter(organisation, actor=privacy_officer)
    activity = ProcessingActivity.objects.get(organisation=organisation, key="newsletter")
    chosen = set(activity.data_categories.values_list("code", flat=True))
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    base = live_server.url
    sign_in(page, base, privacy_officer)
    page.goto(base + "/register/activities/newsletter/edit/?section=whose")

    filter_box = page.locator("#id_data_categories-filter")
    count = page.locator("#id_data_categories-count")
    assert page.locator("#id_data_subjects-filter").is_visible()  # the groups of people too
    assert count.inner_text() == f"{len(chosen)} gekozen"
    first = _visible_values(page)[: len(chosen)]
    assert set(first) == chosen  # chosen items first
    # the long list scrolls in its own box: the section stays short
    box = page.eval_on_selector(
        CATEGORIES, "l => [l.getBoundingClientRect().height, l.scrollHeight, l.clientHeight]"
    )
    assert box[0] <= 300 and box[1] > box[2], box
    assert page.evaluate("document.documentElement.scrollHeight") < 2000

    # Case- and accent-insensitive: "FINANCIELE" finds "Financiële gegevens".
    filter_box.fill("FINANCIELE")
    visible = _visible_values(page)
    assert "user.financial" in visible and "user.name" not in visible
    filter_box.fill("e-mail")
    assert "user.contact.email" in _visible_values(page)
    filter_box.fill("zzzz-nothing")
    assert _visible_values(page) == []
    assert page.locator(CATEGORIES + " + .picker-empty").is_visible()

    # Enter in the filter box does not submit the form; ticking updates the count.
    filter_box.fill("FINANCIELE")
    filter_box.press("Enter")
    assert "section=whose" in page.url
    page.check(f"{CATEGORIES} input[value='user.financial']")
    assert count.inner_text() == f"{len(chosen) + 1} gekozen"
    page.click("main form button[value=next]")
    assert "section=recipients" in page.url
    assert activity.data_categories.filter(code="user.financial").exists()
    assert not errors  # no CSP violation or script error


def test_the_checkboxes_work_without_javascript(
    browser, live_server, privacy_officer, organisation
):
    apply_starter(organisation, actor=privacy_officer)
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    try:
        base = live_server.url
        sign_in(page, base, privacy_officer)
        page.goto(base + "/register/activities/newsletter/edit/?section=whose")
        assert page.locator(".picker-bar").count() == 0
        page.check(f"{CATEGORIES} input[value='user.financial']")
        page.click("main form button[value=next]")
        activity = ProcessingActivity.objects.get(organisation=organisation, key="newsletter")
        assert activity.data_categories.filter(code="user.financial").exists()
    finally:
        context.close()


def test_sections_picker_and_compare_pass_axe(browser, live_server, privacy_officer, organisation):
    from tests.e2e.test_accessibility import AXE, AXE_RUN
    from waarborg.register.actions import save_item
    from waarborg.register.schema import current_data

    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: scripts/test installs axe-core from the npm registry")
    apply_starter(organisation, actor=privacy_officer)
    activity = ProcessingActivity.objects.get(organisation=organisation, key="newsletter")
    data = current_data("activities", activity)
    save_item(
        "activities",
        organisation,
        {**data, "data_categories": [*data["data_categories"], "user.financial"]},
        actor=privacy_officer,
        instance=activity,
    )
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    try:
        base = live_server.url
        sign_in(page, base, privacy_officer)
        for path in (
            "/register/activities/newsletter/edit/?section=whose",
            "/register/activities/new/",
            "/register/activities/newsletter/versions/1/",
            "/register/activities/newsletter/compare/?from=1&to=current",
        ):
            page.goto(base + path)
            page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
            assert page.evaluate(AXE_RUN) == [], path
    finally:
        context.close()
