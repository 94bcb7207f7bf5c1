"""The RoPA as the supervisory authority gets it: XLSX, CSV, HTML and PDF."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.register.test_seeds import FIXTURES
from waarborg.core.spreadsheets import read_csv
from waarborg.register import ropa
from waarborg.register.yamlio import import_register


def _megawatt(organisation, owner):
    import_register(organisation, (FIXTURES / "register_megawatt.yaml").read_text(), actor=owner)
    return organisation


def test_xlsx_has_a_sheet_per_part_with_the_article_30_columns(organisation, owner):
    _megawatt(organisation, owner)
    workbook = load_workbook(io.BytesIO(ropa.to_xlsx(organisation, "nl")))
    assert workbook.sheetnames == [
        "Als verantwoordelijke",
        "Als verwerker",
        "Partijen en doorgiften",
        "Bewaartermijnen",
        "Beveiligingsmaatregelen",
    ]
    controller = workbook["Als verantwoordelijke"]
    headers = [cell.value for cell in controller[1]]
    for column in [
        "Doelen",
        "Grondslag",
        "Groepen mensen",
        "Gegevenscategorieën",
        "Ontvangers en verwerkers",
        "Doorgiften buiten de EER",
        "Bewaartermijn",
        "Beveiligingsmaatregelen",
    ]:
        assert column in headers
    rows = {
        row[0]: dict(zip(headers, row, strict=True))
        for row in controller.iter_rows(min_row=2, values_only=True)
    }
    advertising = rows["advertising"]
    assert advertising["Grondslag"] == "Toestemming (art. 6 lid 1 sub a AVG)"
    assert (
        "Verenigde Staten: EU-VS Data Privacy Framework" in advertising["Doorgiften buiten de EER"]
    )
    assert controller.cell(2, 4).alignment.wrap_text
    assert controller.cell(1, 1).font.bold
    periods = [row[2] for row in workbook["Bewaartermijnen"].iter_rows(min_row=2, values_only=True)]
    assert periods and all(p is None or not p.startswith("P") for p in periods)  # '7 jaar'
    assert any("jaar" in (p or "") or "maand" in (p or "") for p in periods)
    processor = workbook["Als verwerker"]
    processor_headers = [cell.value for cell in processor[1]]
    assert processor_headers[0] == "Namens (verwerkingsverantwoordelijke)"
    assert processor.cell(2, 1).value == "Onze klanten (opdrachtgevers)"


def test_english_csv(organisation, owner):
    _megawatt(organisation, owner)
    text = ropa.to_csv(organisation, "en")
    assert text.startswith("\ufeff") and text.splitlines()[0].count(";") > 3  # Dutch Excel
    rows = read_csv(text)
    assert {row["Key"] for row in rows} >= {"advertising", "client-processing"}
    advertising = next(row for row in rows if row["Key"] == "advertising")
    assert advertising["Legal basis"] == "Consent (Art. 6(1)(a) GDPR)"


def test_html_and_pdf_carry_the_organisation_and_date(organisation, owner, client_for):
    organisation.kvk_number = "12345678"
    _megawatt(organisation, owner)
    html = ropa.to_html(organisation, "nl")
    assert "Register van verwerkingsactiviteiten" in html and "Opgesteld op" in html
    assert "12345678" not in html or "KvK-nummer" in html
    pdf = client_for(owner).get(reverse("register:ropa", args=["pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert 'filename="ropa-firma-een-bv-' in pdf["Content-Disposition"]
    xlsx = client_for(owner).get(reverse("register:ropa", args=["xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert client_for(owner).get(reverse("register:ropa", args=["doc"])).status_code == 404


def test_empty_register_still_exports(organisation):
    workbook = load_workbook(io.BytesIO(ropa.to_xlsx(organisation)))
    assert workbook["Als verwerker"].cell(1, 1).value == "Niets vastgelegd."
    assert ropa.to_pdf(organisation).startswith(b"%PDF")


def test_dates_are_written_as_people_write_them(organisation, owner):
    import datetime

    from waarborg.register.models import Party, ProcessingActivity

    _megawatt(organisation, owner)
    party = Party.objects.filter(organisation=organisation).order_by("pk").first()
    party.agreement_signed_on = datetime.date(2026, 3, 2)
    party.save()
    activity = ProcessingActivity.objects.filter(organisation=organisation).first()
    ProcessingActivity.objects.filter(pk=activity.pk).update(
        reviewed_at=datetime.date(2026, 11, 30)
    )
    dutch, english = ropa.to_csv(organisation, "nl"), ropa.to_csv(organisation, "en")
    assert "30 november 2026" in dutch and "30 November 2026" in english
    assert "2026-11-30" not in dutch + english
    parties = load_workbook(io.BytesIO(ropa.to_xlsx(organisation, "nl")))["Partijen en doorgiften"]
    cells = [str(cell.value) for row in parties.iter_rows() for cell in row if cell.value]
    assert "2 maart 2026" in cells and not any("2026-03-02" in cell for cell in cells)
