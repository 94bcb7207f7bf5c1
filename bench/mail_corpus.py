"""A generated mailbox for bench/mail_index.py: messages in Dutch and English between a small
firm and its customers, with realistic names (Dutch surnames with tussenvoegsels, by frequency),
addresses, phone numbers in the notations people write them in, customer numbers, IBANs, now
and then a BSN, and attachments (PDF, DOCX, XLSX, CSV, TXT) in 10% of the messages.

Each message is written as RFC 5322 bytes and read back the way the IMAP source reads it
(documents.extract: headers, body, the text of each attachment), so the benchmark indexes the
text Waarborg would extract. Everything follows from the seed. The extracted items are kept in
bench/.data/ (generating 100,000 takes minutes), with the people each message names.
"""

import base64
import io
import json
import multiprocessing
import os
import random
import sqlite3
import time
import unicodedata
import zipfile
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formataddr
from pathlib import Path

import phonenumbers

from waarborg.documents import extract

VERSION = 4
DATA = Path(__file__).parent / ".data"

DUTCH_GIVEN = (
    "Jan Pieter Johannes Willem Hendrik Gerrit Cornelis Kees Daan Sem Bram Thijs Joost Maarten "
    "Wouter Ruud Henk Mark Bas Niels Lucas Jesse Tim Stijn Ruben Sander Erik Jeroen Arjen Rik "
    "Sanne Lotte Emma Femke Anouk Ingrid Marieke Annelies Eva Julia Sophie Lieke Karin Esther "
    "Ilse Fleur Noor Tessa Iris Saskia Monique Marloes Hanneke Wilma Renée Anaïs Maaike Mirjam"
).split()
ENGLISH_GIVEN = (
    "James Oliver George Harry Jack Thomas David Daniel Matthew Andrew Richard Peter Paul Simon "
    "Emily Charlotte Amelia Sarah Olivia Jessica Hannah Laura Rebecca Emma Lucy Chloe Sophie Kate"
).split()
# by frequency, the most common first (after the CBS surname list)
DUTCH_SURNAMES = (
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|"
    "Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|"
    "de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|"
    "van der Veen|van den Broek|de Bruijn|de Bruin|van der Heijden|Schouten|van Beek|Willems|"
    "van Vliet|van de Ven|Hoekstra|Maas|Verhoeven|Koster|van Dam|van der Wal|Prins|Blom|Huisman|"
    "Peeters|de Jonge|Kuipers|van Veen|Post|Kuiper|Veenstra|Kramer|van den Brink|Scholten|"
    "van Wijk|Postma|Martens|Vink|de Ruiter|Timmermans|Groen|Gerritsen|Jonker|van Loon|Boer|"
    "van der Velde|Willemsen|Smeets|de Lange|de Vos|Bosch|van Dongen|Schipper|de Koning|"
    "van der Laan|Koning|van der Velden|Driessen|van Doorn|Hermans|Evers|van den Bosch|"
    "van der Meulen|Hofman|Bosman|Wolters|Sanders|van der Horst|Mol|Kuijpers|Molenaar|"
    "van de Pol|de Leeuw|Verbeek|'t Hart|ter Horst|van 't Hof|Çelik|Yılmaz|El Amrani|Nguyen"
).split("|")
ENGLISH_SURNAMES = (
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson"
).split()
PREFIXES = (
    "Hoog Klein Groot Wester Ooster Noord Zuid Berg Veen Dijk Hout Brink Kamp Molen Water Linde "
    "Esse Wil Ros Hage Blauw Eik Zand Steen"
).split()
SUFFIXES = "veen dijk hout man kamp berg huis stra ink ema sma hof brug meer wijk horst".split()
STREETS = (
    "Kerkstraat|Dorpsstraat|Molenweg|Stationsweg|Julianalaan|Beatrixstraat|Schoolstraat|"
    "Nieuwstraat|Marktplein|Prins Hendrikkade|Herengracht|Keizersgracht|Oudegracht|Hoofdweg|"
    "Wilhelminastraat|Lindenlaan|Eikenlaan|Parallelweg|Industrieweg|Van Goghstraat|Rembrandtlaan"
).split("|")
CITIES = (
    "Amsterdam|Rotterdam|Utrecht|Den Haag|Eindhoven|Groningen|Tilburg|Almere|Breda|Nijmegen|"
    "Haarlem|Arnhem|Zwolle|Leiden|Maastricht|Delft|Amersfoort|Apeldoorn|Enschede|'s-Hertogenbosch"
).split("|")
UK_STREETS = "High Street|Station Road|Church Lane|Victoria Road|Park Avenue|Mill Lane".split("|")
UK_CITIES = [("Bristol", "BS1 4DJ"), ("Leeds", "LS2 7HY"), ("York", "YO1 7HH"), ("Bath", "BA1 1LT")]
DOMAINS = "gmail.com ziggo.nl kpnmail.nl hotmail.com outlook.com xs4all.nl planet.nl".split()
BANKS = "ABNA INGB RABO SNSB TRIO ASNB KNAB BUNQ".split()
MONTHS = {
    False: "januari februari maart april mei juni juli augustus september oktober november "
    "december".split(),
    True: "January February March April May June July August September October November "
    "December".split(),
}
FIRM = "Hoekstra Administratie B.V."
FIRM_DOMAIN = "hoekstra-administratie.nl"
DISCLAIMER = (
    "Dit bericht is uitsluitend bestemd voor de geadresseerde. Heeft u het per vergissing "
    "ontvangen, laat het ons dan weten en verwijder het. This message is intended for the "
    "addressee only; if you received it in error, please tell us and delete it."
)
SUBJECTS = {
    False: ["Uw aangifte", "Offerte jaarrekening", "Herinnering factuur", "Afspraak verzetten",
            "Nieuw adres", "Vraag over de rekening", "Loonstroken", "Ontvangstbevestiging",
            "Machtiging", "Stukken voor de aangifte"],
    True: ["Your tax return", "Quote for the annual accounts", "Invoice reminder",
           "Appointment", "New address", "Documents received", "Question"],
}  # fmt: skip

NL_TOPICS = [
    "Hierbij stuur ik u de gevraagde gegevens voor de aangifte inkomstenbelasting over {year}. "
    "Kunt u laten weten of er nog iets ontbreekt? Ik ben meestal na vijf uur thuis.",
    "Naar aanleiding van ons gesprek van {date} ontvangt u hierbij de offerte voor de "
    "jaarrekening. Het bedrag van EUR {amount} is exclusief btw.",
    "Onze factuur {invoice} van EUR {amount} staat nog open. Wilt u het bedrag binnen "
    "veertien dagen overmaken op NL91ABNA0417164300 onder vermelding van het factuurnummer?",
    "Graag verzet ik onze afspraak van {date} naar een week later, om 10.30 uur. Past dat "
    "in uw agenda? Anders hoor ik graag een ander moment.",
    "Per {date} ben ik verhuisd. Mijn nieuwe adres staat hieronder; wilt u het aanpassen in "
    "uw administratie en de post voortaan daarheen sturen?",
    "Ik ben het niet eens met de rekening van vorige maand: er staan twee uren te veel op. "
    "Kunt u dit nakijken en een creditnota sturen?",
    "De loonstroken van {month} zijn klaar en staan in het portaal. De betaling aan de "
    "Belastingdienst is op {date} gedaan.",
    "Wij hebben de stukken goed ontvangen. De behandeling duurt ongeveer drie weken; u hoort "
    "van ons zodra de aanslag binnen is.",
]
EN_TOPICS = [
    "Please find attached the documents you asked for regarding the {year} tax return. Let me "
    "know if anything is missing; I am usually available after five.",
    "Following our call on {date}, here is our quote for the annual accounts. The amount of "
    "EUR {amount} excludes VAT.",
    "Our invoice {invoice} for EUR {amount} is still outstanding. Could you please pay it "
    "within fourteen days, quoting the invoice number?",
    "I would like to move our appointment on {date} to the following week, same time. Would "
    "that suit you? Otherwise please suggest another slot.",
    "As of {date} I have moved house. My new address is below; could you update your records "
    "and send any post there from now on?",
    "Thank you for your message. We have received the papers and will come back to you "
    "within three weeks, once the assessment has arrived.",
]
NL_FILLER = [
    "Alvast bedankt voor de moeite.",
    "Als u vragen heeft, hoor ik het graag.",
    "Ik heb de bijlage nog een keer nagekeken en volgens mij klopt alles nu.",
    "Mijn partner {other} kan ook bellen als ik niet bereikbaar ben.",
    "U kunt mij overdag bereiken op {phone}.",
    "Mijn klantnummer is {customer}.",
    "Het rekeningnummer is {iban}, ten name van {name}.",
    "Mijn BSN is {bsn}, dat had u nodig voor de machtiging.",
    "Zoals besproken met uw collega {other} stuur ik het formulier nu per mail.",
    "De bankafschriften van het afgelopen kwartaal heb ik als bijlage toegevoegd, net als de "
    "bonnetjes van de zakelijke uitgaven. De kilometerregistratie volgt later deze week.",
    "Volgende week ben ik op vakantie; mocht er iets dringends zijn, dan kunt u het beste "
    "een bericht sturen, dan reageer ik zodra ik terug ben.",
    "Kunt u mij ook laten weten wat de kosten zijn als u voortaan ook de btw-aangifte voor "
    "mij verzorgt? Ik heb sinds dit jaar een eenmanszaak naast mijn baan.",
    "Excuses voor de late reactie, het was een drukke periode op het werk.",
]
EN_FILLER = [
    "Many thanks in advance.",
    "Do let me know if you have any questions.",
    "My husband {other} can also be reached if I am not available.",
    "You can reach me during the day on {phone}.",
    "My customer number is {customer}.",
    "The account number is {iban}, in the name of {name}.",
    "As agreed with your colleague {other}, I am sending the form by e-mail.",
    "I have attached the bank statements for the last quarter together with the receipts for "
    "the business expenses; the mileage log will follow later this week.",
    "I am away next week; if anything urgent comes up, please send a message and I will "
    "reply as soon as I am back.",
    "Apologies for the late reply, it has been a busy few weeks at work.",
]


def ascii_fold(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def elfproef_bsn(rng):
    while True:
        digits = [rng.randrange(10) for _ in range(8)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


def nl_iban(rng):
    bank = rng.choice(BANKS)
    account = "".join(str(rng.randrange(10)) for _ in range(10))
    moved = bank + account + "NL00"
    check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
    return f"NL{check:02d}{bank}{account}"


MIDDLES = ["", "e", "er", "el", "en", "ers", "ing", "de", "ke", "s"]


def surname_pool():
    """(surname, weight): the common names by frequency, then a long tail. As in the Dutch
    population, the hundred-odd commonest names are held by about 12% of people (De Jong, the
    first, by about 1%: twice the real share); everyone else has one of thousands of others."""
    names = DUTCH_SURNAMES + ENGLISH_SURNAMES
    tail = [p + m + s for p in PREFIXES for m in MIDDLES for s in SUFFIXES]
    tail += ["van " + name for name in tail[::7]]
    common = [1 / (rank + 3) for rank in range(len(names))]
    scale = 0.12 / sum(common)
    return names + tail, [w * scale for w in common] + [0.88 / len(tail)] * len(tail)


def phone_for(rng, english):
    while True:
        if english:
            number = "+447" + rng.choice("4579") + "".join(str(rng.randrange(10)) for _ in range(8))
        elif rng.random() < 0.65:
            number = (
                "+316"
                + str(rng.randrange(1, 6))
                + "".join(str(rng.randrange(10)) for _ in range(7))
            )
        else:
            area = rng.choice(["20", "10", "30", "70", "40", "50", "71", "15"])
            rest = 9 - len(area)
            number = "+31" + area + str(rng.randrange(2, 9))
            number += "".join(str(rng.randrange(10)) for _ in range(rest - 1))
        parsed = phonenumbers.parse(number)
        if phonenumbers.is_valid_number(parsed):
            return number


def notation(rng, e164):
    """The number as a person writes it: national or international, grouped in various ways."""
    parsed = phonenumbers.parse(e164)
    national = str(parsed.national_number)
    if e164.startswith("+44"):
        return rng.choice(
            [
                phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
                "+44 (0)" + national[:4] + " " + national[4:],
                "0044 " + national,
                e164,
            ]
        )
    mobile = national.startswith("6")
    area = "6" if mobile else national[: len(national) - 7]
    rest = national[len(area) :]
    forms = [
        "0" + national,
        f"0{area}-{rest}",
        f"0{area} {rest[:4]} {rest[4:]}" if mobile else f"0{area} {rest[:3]} {rest[3:]}",
        f"+31 {area} {rest}",
        f"+31 (0){area} {rest}",
        "+31" + national,
        f"0031 {area} {rest}",
        f"(0{area}) {rest}",
    ]
    if mobile:
        forms.append("06 " + " ".join(rest[i : i + 2] for i in range(0, 8, 2)))
    return rng.choice(forms)


def make_people(rng, count):
    pool, weights = surname_pool()
    people, taken = [], set()
    for pid in range(count):
        english = rng.random() < 0.25
        given = [rng.choice(ENGLISH_GIVEN if english else DUTCH_GIVEN)]
        if rng.random() < 0.3:
            given.append(rng.choice(ENGLISH_GIVEN if english else DUTCH_GIVEN))
        if english:
            surname = rng.choice(ENGLISH_SURNAMES) if rng.random() < 0.7 else rng.choice(pool)
        else:
            surname = rng.choices(pool, weights)[0]
        compact = ascii_fold(surname.replace(" ", "").replace("'", "")).lower()
        local = rng.choice(
            [
                ascii_fold(given[0]).lower() + "." + compact,
                ascii_fold(given[0][0]).lower() + compact,
            ]
        )
        email = f"{local}@{rng.choice(DOMAINS)}"
        while email in taken:
            email = f"{local}{rng.randrange(10, 999)}@{rng.choice(DOMAINS)}"
        taken.add(email)
        if english:
            city, code = rng.choice(UK_CITIES)
            address = f"{rng.randrange(1, 200)} {rng.choice(UK_STREETS)}, {city} {code}"
        else:
            postcode = f"{rng.randrange(1000, 9999)} {rng.choice('ABCDEGHJKLMNPRTVWXZ')}"
            postcode += rng.choice("ABCDEGHJKLMNPRTVWXZ")
            number = str(rng.randrange(1, 250)) + (rng.choice("abc") if rng.random() < 0.1 else "")
            address = f"{rng.choice(STREETS)} {number}, {postcode} {rng.choice(CITIES)}"
        people.append(
            {
                "id": pid,
                "english": english,
                "name": " ".join([*given, surname]),
                "given": given,
                "surname": surname,
                "email": email,
                "phone": phone_for(rng, english),
                "signature": "",
                "address": address,
                "customer": f"K-{10000 + pid}",
                "iban": nl_iban(rng) if rng.random() < 0.3 else "",
            }
        )
    for person in people:
        # a mail program adds the same signature each time; in the text numbers vary
        person["signature"] = notation(rng, person["phone"])
    return people


def written_name(rng, person):
    """A name as it appears in a message: in full, with initials, or inverted."""
    given, surname = person["given"], person["surname"]
    words = surname.split()
    lead = [w for w in words[:-1] if w.islower() or w.startswith("'")]
    if lead and rng.random() < 0.15:
        # "Vries, Jan de"
        return f"{' '.join(words[len(lead) :])}, {given[0]} {' '.join(lead)}"
    return rng.choice(
        [
            person["name"],
            f"{given[0]} {surname}",
            " ".join(g[0] + "." for g in given) + " " + surname,
            f"{surname[0].upper() + surname[1:]}, {given[0][0]}.",
        ]
    )


def pdf_bytes(lines):
    """A one-page PDF in Helvetica (WinAnsi), written directly: pypdf reads its text back."""

    def escape(line):
        raw = line.encode("cp1252", "replace")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    stream = b"BT /F1 10 Tf 50 780 Td 14 TL\n"
    stream += b"".join(b"(" + escape(line) + b") '\n" for line in lines) + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _xml(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def docx_bytes(lines):
    """A minimal WordprocessingML package, as python-docx reads it."""
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{_xml(line)}</w:t></w:r></w:p>' for line in lines
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        package.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{ns}"><w:body>{body}'
            "</w:body></w:document>",
        )
    return out.getvalue()


def xlsx_bytes(rows):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Writer:
    """Writes one message at a time from the seeded generator, with the people it names."""

    def __init__(self, rng, people, staff):
        self.rng, self.people, self.staff = rng, people, staff
        self.start = datetime(2019, 1, 1, 9, tzinfo=UTC)

    def person(self):
        # a few customers write often, most now and then
        return self.people[int(len(self.people) * self.rng.random() ** 2)]

    def slots(self, person, other):
        rng = self.rng
        day = self.start + timedelta(days=rng.randrange(2500))
        return {
            "year": day.year - 1,
            "date": f"{day.day} {MONTHS[person['english']][day.month - 1]} {day.year}",
            "month": day.strftime("%m-%Y"),
            "amount": f"{rng.randrange(80, 4000)},{rng.randrange(100):02d}",
            "invoice": f"F{day.year}-{rng.randrange(1, 9999):04d}",
            "customer": person["customer"],
            "iban": person["iban"] or nl_iban(rng),
            "name": person["name"],
            "other": written_name(rng, other),
            "bsn": elfproef_bsn(rng),
            "phone": notation(rng, person["phone"]),
        }

    def attachment(self, person, named, slots):
        rng = self.rng
        kind = rng.choices(["pdf", "docx", "csv", "xlsx", "txt"], [40, 30, 15, 10, 5])[0]
        lines = [
            FIRM,
            ("Offerte " if not person["english"] else "Quote ") + slots["invoice"],
            person["name"],
            person["address"],
            "Tel. " + notation(rng, person["phone"]),
            ("Klantnummer: " if not person["english"] else "Customer number: ")
            + person["customer"],
            ("Bedrag: EUR " if not person["english"] else "Amount: EUR ") + slots["amount"],
        ]
        lines += rng.sample(NL_FILLER if not person["english"] else EN_FILLER, 2)
        lines = [line.format(**slots) for line in lines]
        if kind in ("csv", "xlsx"):
            listed = [self.person() for _ in range(rng.randrange(3, 12))]
            named.update(p["id"] for p in listed)
            rows = [["naam", "e-mail", "telefoon", "adres"]]
            rows += [
                [p["name"], p["email"], notation(rng, p["phone"]), p["address"]] for p in listed
            ]
            if kind == "csv":
                data = "\n".join(";".join(row) for row in rows).encode()
                return "lijst.csv", data, "text", "csv"
            return (
                "lijst.xlsx",
                xlsx_bytes(rows),
                "application",
                "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        if kind == "pdf":
            return f"offerte-{slots['invoice']}.pdf", pdf_bytes(lines), "application", "pdf"
        if kind == "docx":
            return (
                "overeenkomst.docx",
                docx_bytes(lines),
                "application",
                "vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
        return "notitie.txt", "\n".join(lines).encode(), "text", "plain"

    def message(self, uid):
        rng = self.rng
        person, other = self.person(), self.person()
        staff = rng.choice(self.staff)
        english = person["english"]
        slots = self.slots(person, other)
        named = {person["id"]}
        inbound = rng.random() < 0.6
        topics, filler = (EN_TOPICS, EN_FILLER) if english else (NL_TOPICS, NL_FILLER)
        paragraphs = rng.sample(topics, rng.randrange(1, 3)) + rng.sample(
            filler, rng.randrange(1, 4)
        )
        if any("{other}" in p for p in paragraphs):
            named.add(other["id"])
        body = [p.format(**slots) for p in paragraphs]
        closing = "Kind regards," if english else "Met vriendelijke groet,"
        if inbound:
            greeting = "Dear Sir or Madam," if english else "Beste " + staff["given"][0] + ","
            signature = [closing, person["name"], person["address"], person["signature"]]
            sender, to = person, staff
        else:
            greeting = f"Dear {person['given'][0]}," if english else f"Beste {person['given'][0]},"
            signature = [closing, staff["name"], FIRM, "Postbus 1020, 1000 BA Amsterdam"]
            signature += ["T 020-5301234", DISCLAIMER]
            sender, to = staff, person
        text = "\n\n".join([greeting, *body, "\n".join(signature)])
        if rng.random() < 0.4:
            # the message replied to, quoted
            earlier = [rng.choice(topics).format(**self.slots(person, other))]
            earlier.append(written_name(rng, person))
            text += f"\n\nOp {slots['date']} schreef {person['name']} <{person['email']}>:\n"
            text += "\n".join("> " + line for line in earlier)
        cc = rng.choice(self.staff) if rng.random() < 0.2 else None
        subject = ("Re: " if rng.random() < 0.4 else "") + rng.choice(SUBJECTS[english])
        headers = [
            "From: " + formataddr((sender["name"], sender["email"])),
            "To: " + formataddr((to["name"], to["email"])),
            *(["Cc: " + formataddr((cc["name"], cc["email"]))] if cc else []),
            "Subject: " + subject,
            "Date: " + format_datetime(self.start + timedelta(minutes=uid * 37)),
            f"Message-ID: <{uid}.{rng.randrange(10**9)}@{FIRM_DOMAIN}>",
            "MIME-Version: 1.0",
        ]
        plain = 'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n\n'
        plain += text + "\n"
        if rng.random() < 0.1:
            name, data, maintype, subtype = self.attachment(person, named, slots)
            boundary = f"=_{uid}_{rng.randrange(10**9)}"
            headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
            encoded = base64.encodebytes(data).decode()
            mime = (
                f"--{boundary}\n{plain}\n--{boundary}\n"
                f"Content-Type: {maintype}/{subtype}\nContent-Transfer-Encoding: base64\n"
                f'Content-Disposition: attachment; filename="{name}"\n\n{encoded}\n'
                f"--{boundary}--\n"
            )
            raw = "\n".join(headers) + "\n\n" + mime
        else:
            raw = "\n".join(headers) + "\n" + plain
        return raw.encode(), sorted(named)


def extracted(uid, raw):
    """(meta, text, addresses) as documents.imap's loader makes them from a fetched message."""
    message = extract.parse_message(raw)
    fields = extract.message_fields(message)
    meta = {"kind": "mail", "folder": "INBOX", "uid": uid, "uidvalidity": 1}
    meta.update(fields, title=fields["subject"] or "(no subject)", size=len(raw))
    return meta, extract.message_text(message), fields["addresses"]


def _extracted_row(args):
    uid, raw, named = args
    meta, text, addresses = extracted(uid, raw)
    return uid, json.dumps(meta), text, json.dumps(addresses), json.dumps(named), len(raw)


def corpus_path(messages, seed):
    return DATA / f"mail_corpus_{messages}_{seed}_v{VERSION}.sqlite3"


def build(messages, seed=22):
    """The corpus file for this size and seed, generated if it is not there yet."""
    path = corpus_path(messages, seed)
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    rng = random.Random(seed)
    people = make_people(rng, max(200, messages // 20))
    staff = make_people(random.Random(seed + 1), 12)
    for member in staff:
        member["email"] = ascii_fold(member["given"][0]).lower() + "@" + FIRM_DOMAIN
        member["id"] = -1 - member["id"]
    writer = Writer(rng, people, staff)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = sqlite3.connect(partial)
    db.executescript(
        "CREATE TABLE people (id INTEGER PRIMARY KEY, person TEXT);"
        "CREATE TABLE messages (uid INTEGER PRIMARY KEY, meta TEXT, text TEXT, addresses TEXT,"
        " named TEXT, raw_size INTEGER);"
    )
    db.executemany("INSERT INTO people VALUES (?, ?)", [(p["id"], json.dumps(p)) for p in people])
    started = time.perf_counter()
    # writing is quick and sequential (one random stream); reading back is the slow part and
    # gives the same result in any process, so it is shared out over the cores
    raws = ((uid, *writer.message(uid)) for uid in range(1, messages + 1))
    with multiprocessing.get_context("fork").Pool(min(2, os.cpu_count() or 1)) as pool:
        for count, row in enumerate(pool.imap(_extracted_row, raws, chunksize=200), start=1):
            db.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?)", row)
            if count % 10000 == 0:
                print(f"  generated {count:,} messages", flush=True)
    db.execute("CREATE TABLE facts (name TEXT PRIMARY KEY, value)")
    db.execute("INSERT INTO facts VALUES ('seconds', ?)", (time.perf_counter() - started,))
    db.commit()
    db.close()
    partial.rename(path)
    return path
