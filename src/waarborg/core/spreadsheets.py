"""CSV that opens right in Dutch Excel: UTF-8 with a byte-order mark, `;` between fields, and
staff exports safe from formula injection (a cell that a spreadsheet would run as a formula
gets a leading apostrophe). A person's own data in an access or portability package is never
changed this way: it is theirs as it is.

XLSX for staff: every text is a text cell, never a formula (openpyxl would otherwise store a
text beginning with `=` as one), and a text that a spreadsheet would run when typed carries
Excel's own "quote prefix" mark instead of a visible apostrophe: the value stays as it is.
"""

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


def is_formula_like(text):
    return isinstance(text, str) and bool(text) and safe_cell(text) != text


def text_cell(cell):
    """Make an openpyxl cell holding text a text cell (never a formula)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def staff_xlsx(headers, rows, title="Export"):
    """An XLSX workbook (bytes) of dict rows for staff: a bold, frozen header row, texts as
    text cells, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, NamedStyle

    workbook = Workbook(write_only=True)
    body = NamedStyle(name="body", alignment=Alignment(vertical="top"))
    head = NamedStyle(name="head", font=Font(bold=True))
    for style in (body, head):
        workbook.add_named_style(style)
    sheet = workbook.create_sheet(str(title)[:31])
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = text_cell(WriteOnlyCell(sheet, value=str(header)))
        cell.style = "head"
        header_cells.append(cell)
    sheet.append(header_cells)
    # one style array shared by every cell: a named-style lookup per cell is slow
    styles = {
        "body": _style_of(sheet, WriteOnlyCell),
        "quoted": _style_of(sheet, WriteOnlyCell, True),
    }
    for row in rows:
        cells = []
        for header in headers:
            value = row.get(header)
            value = "" if value is None else value
            if not isinstance(value, int | float) or isinstance(value, bool):
                value = str(value)
            cell = text_cell(WriteOnlyCell(sheet, value=value))
            cell._style = styles["quoted" if is_formula_like(value) else "body"]
            cells.append(cell)
        sheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _style_of(sheet, cell_class, quoted=False):
    cell = cell_class(sheet, value="")
    cell.style = "body"
    cell.quotePrefix = quoted
    return cell._style


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(fmt, headers, rows, filename, title="Export"):
    """A download of staff rows as CSV (Dutch Excel) or XLSX; None for another format."""
    from django.http import HttpResponse

    if fmt == "csv":
        response = HttpResponse(staff_csv(headers, rows), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(staff_xlsx(headers, rows, title), content_type=XLSX_TYPE)
    else:
        return None
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def read_csv(text):
    """Rows of a CSV made by `staff_csv` (or any `;`/`,` CSV with or without a BOM)."""
    text = text.removeprefix(BOM)
    first = text.split("\n", 1)[0]
    delimiter = "," if first.count(",") > first.count(";") else ";"
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
