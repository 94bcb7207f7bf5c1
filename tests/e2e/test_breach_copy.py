"""The answers of the AP notification each have a Copy button, for pasting into the AP's web
form: it copies through the clipboard, or selects the text where the clipboard is refused,
with the page's strict CSP (script-src 'self')."""

import pytest

from tests.breaches.conftest import record
from tests.e2e.conftest import sign_in
from waarborg.breaches import actions

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SUMMARY = "#answer-what-1"  # "Samenvatting": what happened


@pytest.fixture
def notified(organisation, handler, privacy_officer):
    breach = record(organisation, handler)
    actions.prepare_notification(breach, actor=privacy_officer)
    return breach


def _open(page, live_server, privacy_officer, breach):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    sign_in(page, live_server.url, privacy_officer)
    page.goto(f"{live_server.url}/breaches/{breach.pk}/notifications/1/")
    return problems


def test_copy_puts_the_answer_on_the_clipboard(page, live_server, privacy_officer, notified):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    problems = _open(page, live_server, privacy_officer, notified)
    buttons = page.locator("button[data-copy]")
    answers = page.locator("main section.card textarea[readonly]")
    assert buttons.count() == answers.count() > 20  # one beside each answer
    button = page.locator(f'button[data-copy="{SUMMARY[1:]}"]')
    assert button.is_visible() and button.inner_text() == "Kopiëren"
    button.click()
    page.wait_for_function("b => b.textContent === 'Gekopieerd'", arg=button.element_handle())
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == notified.description["nl"]
    assert not problems, problems  # no CSP refusal, no script error


def test_without_the_clipboard_the_answer_is_selected(page, live_server, privacy_officer, notified):
    page.add_init_script(
        "Object.defineProperty(navigator, 'clipboard', {value: undefined});"
        "document.execCommand = function () { return false; };"
    )
    problems = _open(page, live_server, privacy_officer, notified)
    button = page.locator(f'button[data-copy="{SUMMARY[1:]}"]')
    button.click()
    assert button.inner_text() == "Geselecteerd: druk op Ctrl+C"
    selected = page.evaluate(
        "() => { const f = document.activeElement;"
        " return [f.id, f.value.substring(f.selectionStart, f.selectionEnd)]; }"
    )
    assert selected == [SUMMARY[1:], notified.description["nl"]]
    assert not problems, problems


def test_without_javascript_no_button_shows(browser, live_server, privacy_officer, notified):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, privacy_officer)
        page.goto(f"{live_server.url}/breaches/{notified.pk}/notifications/1/")
        assert page.locator("button[data-copy]").count() > 20
        assert not page.locator("button[data-copy]").first.is_visible()
        assert page.locator(SUMMARY).is_visible()
    finally:
        context.close()
