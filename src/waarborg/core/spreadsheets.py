"""CSV that opens right in Dutch Excel: UTF-8 with a byte-order mark, `;` between fields, and
staff exports safe from formula injection (a cell that a spreadsheet would run as a formula
gets a leading apostrophe). A person's own data in an access or portability package is never
changed this way: it is theirs as it is."""

import csv
import io
import re

BOM = "\ufeff"
# + or - followed by what makes a number or a phone number ("+31 6 1234 5678", "-12,50")
NUMBER = re.compile(r"^[+-][\d\s().,/-]*$")


def safe_cell(value):
    """The value as text, with an apostrophe before anything a spreadsheet would evaluate."""
    text = "" if value is None else str(value)
    if not text:
        return text
    if text[0] in "=@\t\r" or (text[0] in "+-" and not NUMBER.match(text)):
        return "'" + text
    return text


def staff_csv(headers, rows, delimiter=";"):
    """A CSV document (text) of dict rows for staff: BOM, `;`, formulas neutralised."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.DictWriter(
        buffer,
        fieldnames=headers,
        extrasaction="ignore",
        delimiter=delimiter,
        lineterminator="\r\n",
    )
    writer.writerow({header: safe_cell(header) for header in headers})
    for row in rows:
        writer.writerow({header: safe_cell(row.get(header)) for header in headers})
    return buffer.getvalue()


def read_csv(text):
    """Rows of a CSV made by `staff_csv` (or any `;`/`,` CSV with or without a BOM)."""
    text = text.removeprefix(BOM)
    first = text.split("\n", 1)[0]
    delimiter = "," if first.count(",") > first.count(";") else ";"
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
