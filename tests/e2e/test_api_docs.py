"""The API documentation page in a real browser: served by Waarborg, nothing from elsewhere,
no Content-Security-Policy violation, its links lead to the routes and schemas."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_api_documentation_reads_in_a_browser(page, live_server):
    requested, console = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/api/v1/docs")
    assert page.locator("h1").inner_text() == "API-documentatie"
    page.click("text=PUT /api/v1/register/parties/{key}")
    assert page.url.endswith("#replace_parties")
    assert page.locator("#replace_parties").is_visible()
    page.locator("#replace_parties a[href='#model-PartiesIn']").click()
    assert page.locator("#model-PartiesIn").is_visible()
    assert "agreement_signed_on" in page.locator("#model-PartiesIn").inner_text()
    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert not [text for text in console if "Content Security Policy" in text]
