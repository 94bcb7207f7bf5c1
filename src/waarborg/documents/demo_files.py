"""The demo's shared folder and mailbox: documents and mails of the demo firm in which its
customer Jan de Jong is named (by e-mail address in three mails, one of which also names a
colleague; by phone number in a PDF offer), among other people's. Generated, never read."""

import io
import os
import shutil
import tempfile
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from waarborg.documents import dovecot

PERSON = {
    "name": "Jan de Jong",
    "email": "jan.dejong@example.nl",  # the web shop's demo customer K-1001
    "phone": "06 1234 0001",
}
COLLEAGUE = "Pieter Bos"
MAILBOX_USER = "info@vandijk-installatie.example"
MAILBOX_PASSWORD = "demo-postvak-wachtwoord"  # noqa: S105 - a local demo server's only user
FIRM_ADDRESS = MAILBOX_USER


def _message(number, sender, to, subject, body, day, attachment=None):
    import datetime

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.datetime(2026, 11, day, 9, 30, tzinfo=datetime.UTC))
    message["Message-ID"] = f"<demo-{number}@vandijk-installatie.example>"
    message.set_content(body)
    if attachment:
        name, data, maintype, subtype = attachment
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def messages():
    """The mails in the demo mailbox: three with Jan de Jong, two of other customers."""
    jan = f"{PERSON['name']} <{PERSON['email']}>"
    return [
        _message(
            1,
            jan,
            FIRM_ADDRESS,
            "Storing cv-ketel",
            "Goedemorgen,\n\nMijn cv-ketel geeft sinds gisteren storing E133. Kunt u langskomen?"
            "\n\nMet vriendelijke groet,\nJan de Jong",
            2,
        ),
        _message(
            2,
            FIRM_ADDRESS,
            jan,
            "Afspraak monteur",
            f"Beste meneer De Jong,\n\nOnze monteur {COLLEAGUE} komt op 10 november tussen "
            f"8 en 12 uur. {COLLEAGUE} belt een half uur van tevoren.\n\nMet vriendelijke groet,"
            "\nVan Dijk Installatietechniek",
            4,
        ),
        _message(
            3,
            jan,
            FIRM_ADDRESS,
            "Vraag over de factuur",
            "Beste Van Dijk,\n\nOp factuur F-2026-311 staat een oud adres. Mijn BSN is 111222333,"
            " voor de subsidieaanvraag.\n\nGroet, Jan de Jong",
            12,
        ),
        _message(
            4,
            "Anna Smit <anna@smit.example>",
            FIRM_ADDRESS,
            "Offerte warmtepomp",
            "Graag een offerte voor een warmtepomp. Bel me op 020 765 4321.",
            14,
        ),
        _message(
            5,
            FIRM_ADDRESS,
            "Kees Bakker <kees@bakker.example>",
            "Onderhoudsbeurt",
            "Beste heer Bakker, uw onderhoudsbeurt staat op 20 november.",
            16,
        ),
    ]


def _pdf(html):
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def _docx(paragraphs):
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _xlsx(rows):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_folder(folder):
    """The demo firm's shared folder: an offer naming Jan de Jong by phone only, and files
    about other people (DOCX, XLSX, CSV)."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "offertes").mkdir(parents=True)
    (folder / "brieven").mkdir()
    (folder / "offertes" / "offerte-2026-014.pdf").write_bytes(
        _pdf(
            "<h1>Offerte 2026-014</h1><p>Van Dijk Installatietechniek B.V., Kanaalweg 14, "
            "Utrecht</p><p>Voor: de heer J. de Jong, telefoon "
            f"{PERSON['phone']}</p><p>Levering en montage van een hybride warmtepomp: "
            "EUR 4.850,00 inclusief btw.</p>"
        )
    )
    (folder / "offertes" / "offerte-2026-015.pdf").write_bytes(
        _pdf("<h1>Offerte 2026-015</h1><p>Voor: mevrouw A. Smit, telefoon 020 765 4321</p>")
    )
    (folder / "brieven" / "contract-bakker.docx").write_bytes(
        _docx(["Geachte heer Bakker,", "Hierbij het onderhoudscontract voor uw cv-ketel."])
    )
    (folder / "planning.xlsx").write_bytes(
        _xlsx(
            [
                ["klant", "telefoon", "datum"],
                ["K. Bakker", "030 234 5678", "20-11-2026"],
                ["A. Smit", "020 765 4321", "24-11-2026"],
            ]
        )
    )
    (folder / "nieuwsbrief.csv").write_text(
        "naam;email\nLisa Mulder;lisa@mulder-advies.example\n", encoding="utf-8"
    )
    return folder


def start_mail_server(data_dir):
    """The demo's own dovecot with the demo mailbox, or None when dovecot is not installed.

    The certificate is made in the data directory; the server's files are there too, except
    when running as root: dovecot's own users must then read them, and a data directory below
    a private home folder is closed to them, so a temporary folder is used (removed on stop)."""
    if not dovecot.available():
        return None
    data_dir = Path(data_dir)
    certificates = data_dir / "mailserver-tls"
    certificates.mkdir(parents=True, exist_ok=True)
    if os.getuid() == 0:
        root, remove = Path(tempfile.mkdtemp(prefix="waarborg-demo-mail-")), True
    else:
        root, remove = data_dir / "mailserver", False
        shutil.rmtree(root, ignore_errors=True)
    server = dovecot.start(
        root,
        {MAILBOX_USER: MAILBOX_PASSWORD},
        certificate_dir=certificates,
        remove_root=remove,
    )
    for message in messages():
        server.append(MAILBOX_USER, "INBOX", message)
    return server


def shared_folder(data_dir):
    """The demo's shared folder: beside the data directory, never in it (a document source may
    not read Waarborg's own data directory)."""
    data_dir = Path(data_dir)
    return data_dir.parent / f"{data_dir.name}-gedeelde-schijf"


def connect(firm, system, *, actor, data_dir, mail_server=None):
    """Write the shared folder, connect it (and the mailbox of `mail_server`, when there is
    one) to `system`, and index them, as the privacy officer would on the staff pages."""
    from waarborg.documents import actions

    folder = write_folder(shared_folder(data_dir))
    sources = [
        actions.connect_folder(firm, system, actor=actor, name="Gedeelde schijf", path=folder)
    ]
    if mail_server is not None:
        sources.append(
            actions.connect_mailbox(
                firm,
                system,
                actor=actor,
                name=f"Mailbox {MAILBOX_USER}",
                host=mail_server.host,
                port=mail_server.port,
                username=MAILBOX_USER,
                password=MAILBOX_PASSWORD,
                mail_folders=["INBOX"],
                # the demo's own server: an erasure request can be tried to the end
                write_access=True,
            )
        )
    for source in sources:
        actions.index_source(source, actor=actor)
    return sources
