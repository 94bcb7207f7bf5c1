"""A privacy officer screens the shop cameras, completes the DPIA with two risks and a new
measure, signs it and downloads the PDF."""

import pytest

from tests.dpia.conftest import make_activity
from tests.e2e.conftest import sign_in
from waarborg.dpia.models import Assessment
from waarborg.register.models import ProcessingActivity, SecurityMeasure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def add_risk(page, kind, title, severity, likelihood, residual):
    page.click("text=Risico toevoegen")
    page.select_option("select[name=kind]", kind)
    page.fill("input[name=title]", title)
    page.fill("textarea[name=impacts]", "Bezoekers worden herkend.")
    page.select_option("select[name=severity]", str(severity))
    page.select_option("select[name=likelihood]", str(likelihood))
    page.select_option("select[name=residual_severity]", str(residual[0]))
    page.select_option("select[name=residual_likelihood]", str(residual[1]))
    page.click("main form button[type=submit]")
    assert title in page.content()


def test_from_screening_to_a_signed_pdf(page, live_server, privacy_officer, organisation, owner):
    make_activity(
        organisation,
        owner,
        key="showroom",
        name={"nl": "Cameratoezicht showroom", "en": "Showroom cameras"},
    )
    base = live_server.url
    sign_in(page, base, privacy_officer)

    page.goto(base + "/dpia/")
    assert "Niet gescreend" in page.content()
    page.click("a[href='/dpia/screen/showroom/']")
    # The register's camera images tick the AP's camera category and systematic monitoring.
    assert page.is_checked("input[name=ap-camera_surveillance]")
    assert page.is_checked("input[name=wp248-systematic_monitoring]")
    page.fill("textarea[name=note]", "De showroom is open voor bezoekers.")
    page.click("text=Screening opslaan")
    outcome = page.locator("#outcome").inner_text()
    assert "Nodig" in outcome and "Cameratoezicht" in outcome
    assert "Stelselmatige monitoring" in outcome

    page.click("#outcome button[type=submit]")  # start the DPIA
    assert page.locator("h1").inner_text() == "Cameratoezicht showroom"
    add_risk(page, "access", "Onbevoegden bekijken de beelden", 3, 3, (3, 1))
    add_risk(page, "disappearance", "Beelden van een incident zijn weg", 2, 2, (2, 1))

    page.click("text=Nieuwe maatregel")
    page.select_option("select[name=risk]", label="R1: Onbevoegden bekijken de beelden")
    page.fill("input[name=name_nl]", "Recorder achter slot")
    page.fill("input[name=name_en]", "Recorder locked away")
    page.select_option("select[name=kind]", "technical")
    page.click("main form button[type=submit]")
    assert "Recorder achter slot" in page.content()

    page.click("a:text-is('Ondertekenen')")
    page.fill("textarea[name=advice]", "Akkoord, mits de camera's niet op de balie zijn gericht.")
    page.check("input[name=decision][value=accept]")
    page.fill("input[name=signed_by]", "Pien de Privacyfunctionaris")
    page.fill("input[name=review_on]", "2030-01-01")
    page.click("text=DPIA ondertekenen")
    assert "De DPIA is ondertekend." in page.content()
    assert page.locator("svg").count() == 2

    with page.expect_download() as download_info:
        page.click("#pdf-nl")
    download = download_info.value
    assert download.suggested_filename.endswith("-v1-nl.pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

    assessment = Assessment.objects.get(organisation=organisation)
    assert assessment.is_signed and assessment.risks.count() == 2
    assert assessment.signed_by == "Pien de Privacyfunctionaris"
    assert SecurityMeasure.objects.filter(organisation=organisation, key="recorder-achter-slot")
    assert ProcessingActivity.objects.get(organisation=organisation, key="showroom").dpia == "done"
