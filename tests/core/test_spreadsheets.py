"""CSV for Dutch Excel: BOM and `;`, and no formula runs from a staff export, while a phone
number or an amount stays as it is (property: the text after the guard is the text before)."""

from hypothesis import given
from hypothesis import strategies as st

from waarborg.core.spreadsheets import read_csv, safe_cell, staff_csv


def test_formulas_are_neutralised_and_numbers_kept():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("+SUM(A1)") == "'+SUM(A1)"
    assert safe_cell("-2+3+cmd|' /C calc'!A0") == "'-2+3+cmd|' /C calc'!A0"
    assert safe_cell("+31 6 1234 5678") == "+31 6 1234 5678"
    assert safe_cell("-12,50") == "-12,50"
    assert safe_cell("Jan de Vries") == "Jan de Vries"
    assert safe_cell(None) == ""


@given(st.lists(st.text(min_size=0, max_size=30), min_size=1, max_size=5))
def test_a_round_trip_keeps_every_value_and_no_cell_starts_a_formula(values):
    headers = [f"c{i}" for i in range(len(values))]
    text = staff_csv(headers, [dict(zip(headers, values, strict=True))])
    assert text.startswith("\ufeff")
    [row] = read_csv(text)
    for header, value in zip(headers, values, strict=True):
        cell = row[header]
        assert cell[:1] not in ("=", "@") and not (cell[:1] in "+-" and cell != value)
        assert cell.removeprefix("'") == value or cell == value
