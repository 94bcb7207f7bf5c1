"""A privacy officer records "Nieuwsbrief" in the UI and exports the register."""

import io

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import sign_in
from waarborg.register.models import ProcessingActivity

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_record_a_newsletter_and_export(page, live_server, privacy_officer, organisation, tmp_path):
    base = live_server.url
    sign_in(page, base, privacy_officer)

    # Kept until unsubscribing.
    page.goto(base + "/register/retention_rules/new/")
    page.fill("input[name=name_0]", "Tot afmelden")
    page.fill("input[name=name_1]", "Until unsubscribing")
    page.fill("input[name=duration]", "direct")  # a period in words, as a person types it
    page.select_option("select[name=trigger]", "unsubscribed")
    page.select_option("select[name=bound]", "maximum")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Tot afmelden"
    assert "P0D" not in page.content()

    # The mailing service, a processor in the United States.
    page.goto(base + "/register/parties/new/")
    page.fill("input[name=name_0]", "Mailer Inc.")
    page.select_option("select[name=kind]", "processor")
    page.select_option("select[name=country]", "US")
    page.select_option("select[name=locations]", ["US"])
    page.select_option("select[name=transfer_mechanism]", "eu_us_dpf")
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Mailer Inc."

    # A new activity, one section at a time.
    page.goto(base + "/register/activities/new/")
    assert "Stap 1 van 6" in page.content()
    page.fill("input[name=name_0]", "Nieuwsbrief")
    page.fill("input[name=name_1]", "Newsletter")
    page.select_option("select[name=role]", "controller")
    page.click("main form button[value=next]")
    assert "Stap 2 van 6" in page.content()
    page.fill("textarea[name=purpose_0]", "U onze nieuwsbrief sturen.")
    page.select_option("select[name=legal_basis]", "consent")
    page.click("main form button[value=next]")
    assert "Stap 3 van 6" in page.content()
    page.check("input[name=data_categories][value='user.contact.email']")
    page.check("input[name=data_categories][value='user.name']")
    page.check("input[name=data_subjects][value='newsletter_subscriber']")
    page.click("main form button[value=next]")
    page.check("input[name=recipients][value='mailer-inc']")
    page.click("main form button[value=next]")
    page.check("input[name=retention_rules][value='tot-afmelden']")
    page.click("main form button[value=next]")
    assert "Stap 6 van 6" in page.content()
    page.click("main form button[type=submit]")
    assert page.locator("h1").inner_text() == "Nieuwsbrief"
    assert "Verenigde Staten: EU-VS Data Privacy Framework" in page.content()
    activity = ProcessingActivity.objects.get(organisation=organisation, key="nieuwsbrief")
    assert activity.legal_basis == "consent"

    page.goto(base + "/register/")
    with page.expect_download() as download_info:
        page.click("a[href='/register/ropa.xlsx']")
    path = tmp_path / "ropa.xlsx"
    download_info.value.save_as(path)
    sheet = load_workbook(io.BytesIO(path.read_bytes()))["Als verantwoordelijke"]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Nieuwsbrief"]
    with page.expect_download() as download_info:
        page.click("a[href='/register/ropa.pdf']")
    pdf = tmp_path / "ropa.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
