"""A folder of generated documents (PDF, DOCX, XLSX, CSV, TXT, EML, MBOX) for the document
source tests, made with the same libraries Waarborg reads them with (and WeasyPrint for PDF)."""

import mailbox
from email.message import EmailMessage

import pytest

from waarborg.register.models import System


def make_message(sender, to, subject, body, attachment=None):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{abs(hash((sender, to, subject)))}@test.example>"
    message.set_content(body)
    if attachment:
        name, data, maintype, subtype = attachment
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def pdf_bytes(text):
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


def docx_bytes(text):
    import io

    import docx

    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Klantnummer"
    table.rows[0].cells[1].text = "K-4471"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows):
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def documents_folder(tmp_path):
    root = tmp_path / "gedeeld"
    (root / "offertes").mkdir(parents=True)
    (root / "archief").mkdir()
    (root / "offertes" / "offerte-2026.pdf").write_bytes(
        pdf_bytes("Offerte voor de heer J. de Vries, bereikbaar op 06-12345678.")
    )
    (root / "offertes" / "brief.docx").write_bytes(
        docx_bytes("Geachte mevrouw Bakker, hierbij uw contract.")
    )
    (root / "klanten.xlsx").write_bytes(
        xlsx_bytes(
            [
                ["naam", "telefoon"],
                ["Vries, Jan de", "+31 6 1234 5678"],
                ["Anna Smit", "020-7654321"],
            ]
        )
    )
    (root / "lijst.csv").write_text("naam;email\nPiet Jansen;piet@example.nl\n", encoding="utf-8")
    (root / "notitie.txt").write_text(
        "Gesprek met Anna Smit, BSN 111222333, IBAN NL91 ABNA 0417 1643 00.", encoding="utf-8"
    )
    (root / "archief" / "oud.txt").write_text("Jan de Vries, oud dossier", encoding="utf-8")
    (root / "bericht.eml").write_bytes(
        make_message(
            "Jan de Vries <jan@devries.example>",
            "info@firma.example",
            "Vraag over mijn bestelling",
            "Hallo, ik heb een vraag. Groet, Jan",
            attachment=("factuur.pdf", pdf_bytes("Factuur K-4471"), "application", "pdf"),
        ).as_bytes()
    )
    box = mailbox.mbox(str(root / "oud.mbox"))
    box.add(make_message("Anna Smit <anna@smit.example>", "info@firma.example", "Hoi", "Bel me"))
    box.add(make_message("info@firma.example", "jan@devries.example", "Antwoord", "Beste Jan"))
    box.close()
    (root / "foto.jpg").write_bytes(b"\xff\xd8\xff")
    return root


@pytest.fixture
def system(organisation):
    return System.objects.create(organisation=organisation, key="gedeeld", name={"nl": "Schijf"})
