"""A privacy officer records a breach from the dashboard, scores and decides it, prepares the
notification to the AP and downloads its PDF, in a real browser."""

import pytest

from tests.e2e.conftest import sign_in
from waarborg.audit.models import AuditEntry
from waarborg.breaches.models import Breach

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_from_the_dashboard_to_the_ap_pdf(page, live_server, privacy_officer, organisation):
    base = live_server.url
    sign_in(page, base, privacy_officer)

    page.click("nav.mainnav >> text=Datalekken")
    page.click("text=Datalek vastleggen")
    page.fill("input[name=title]", "Laptop gestolen")
    page.fill("input[name=aware_at]", "2026-10-23T17:00")
    page.fill("textarea[name=description_0]", "Laptop met de klantenadministratie gestolen.")
    page.check("input[name=confidentiality]")
    page.select_option("select[name=cause]", "device")
    page.select_option("select[name=encrypted]", "no")
    page.check("input[name=data_categories] >> nth=0")
    page.fill("input[name=people_count]", "1400")
    page.fill("textarea[name=consequences_0]", "Kans op oplichting.")
    page.fill("textarea[name=measures_taken_0]", "Aangifte gedaan.")
    page.click("main form button[type=submit]")
    assert "DL-2026-001" in page.locator("h1").inner_text()

    page.select_option("select[name=dpc]", "2")
    page.select_option("select[name=ei]", "1.00")
    page.select_option("select[name=cb_confidentiality]", "0.50")
    page.select_option("select[name=cb_malicious]", "0.50")
    page.click("#risk form >> nth=0 >> button")
    assert page.locator("[data-score]").get_attribute("data-score") == "3.00"

    page.select_option("select[name=risk_decision]", "risk")
    page.fill("textarea[name=risk_reason]", "Niet versleuteld.")
    page.select_option("select[name=high_risk_decision]", "high")
    page.fill("textarea[name=high_risk_reason]", "Gerichte oplichting waarschijnlijk.")
    page.click("text=Besluiten vastleggen")
    assert "Gerichte oplichting waarschijnlijk." in page.locator("#risk").inner_text()

    page.click("text=Melding voorbereiden")
    assert "Over de melding" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.click("text=Download als pdf")
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert download.value.suggested_filename == "DL-2026-001-v1.pdf"
    breach = Breach.objects.get()
    assert breach.high_risk_decision == "high"
    assert AuditEntry.objects.filter(action="breach.notification_prepared").count() == 1
