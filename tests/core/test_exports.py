"""Staff exports that open right: the audit trail and the requests list as CSV (Dutch Excel)
and XLSX, formulas never run from them; a person's own package data is never changed."""

import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from waarborg.core.spreadsheets import XLSX_TYPE, read_csv, staff_xlsx
from waarborg.requests import actions as request_actions
from waarborg.requests.package import _csv as package_csv

ATTACKS = ['=HYPERLINK("http://x","klik")', "@SUM(A1)", "-2+3+cmd|' /C calc'!A0", "+1+1"]


def cells(content):
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[(c.value, c.data_type, c.quotePrefix) for c in row] for row in sheet.iter_rows()]


def test_an_xlsx_cell_is_text_never_a_formula_and_keeps_its_value():
    rows = [{"a": text, "b": 7} for text in [*ATTACKS, "+31 6 1234 5678", "Jan"]]
    table = cells(staff_xlsx(["a", "b"], rows))
    assert [c[0] for c in table[0]] == ["a", "b"]
    for (value, kind, quoted), row in zip((r[0] for r in table[1:]), rows, strict=True):
        assert value == row["a"] and kind == "s"
        assert quoted is (row["a"] in ATTACKS)
    assert table[1][1] == (7, "n", False)


@given(st.lists(st.text(max_size=20), min_size=1, max_size=4))
def test_xlsx_keeps_every_text_and_holds_no_formula(values):
    headers = [f"c{i}" for i in range(len(values))]
    clean = ["".join(ch for ch in v if ch.isprintable()) for v in values]
    table = cells(staff_xlsx(headers, [dict(zip(headers, clean, strict=True))]))
    for (value, kind, _quoted), text in zip(table[1], clean, strict=True):
        assert kind != "f"
        assert (value or "") == text


def test_the_audit_trail_as_xlsx(client_for, viewer, organisation, other_organisation):
    response = client_for(viewer).get(reverse("audit:export_xlsx"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_TYPE
    table = cells(response.content)
    headers = [c[0] for c in table[0]]
    assert headers[0] == "nummer" and "handeling" in headers
    actions = {row[headers.index("handeling")][0] for row in table[1:]}
    assert "Lid toegevoegd" in actions
    assert all("Ander" not in str(c[0]) for row in table for c in row)  # this organisation only


@pytest.fixture
def requests_made(organisation, owner, other_organisation, other_owner):
    made = []
    for name in ["Jan de Vries", ATTACKS[0]]:
        made.append(
            request_actions.create_request(
                organisation,
                actor=owner,
                kind="access",
                channel="email",
                name=name,
                email="jan@example.nl",
            )
        )
    request_actions.create_request(
        other_organisation,
        actor=other_owner,
        kind="erasure",
        channel="email",
        name="Iemand Anders",
        email="x@example.nl",
    )
    return made


def test_the_requests_list_as_csv_and_xlsx(client_for, viewer, requests_made):
    staff = client_for(viewer)
    csv_response = staff.get(reverse("requests:export", args=["csv"]), {"show": "all"})
    assert csv_response.status_code == 200
    text = csv_response.content.decode()
    assert text.startswith("\ufeff") and ";" in text.splitlines()[0]
    rows = read_csv(text)
    assert [r["Naam"] for r in rows] == ["Jan de Vries", "'" + ATTACKS[0]]
    assert {r["Soort"] for r in rows} == {"Inzage (art. 15)"} and "Iemand Anders" not in text
    assert rows[0]["Ontvangen"][0].isdigit() and "T" not in rows[0]["Ontvangen"]  # in words
    xlsx = staff.get(reverse("requests:export", args=["xlsx"]), {"show": "all"})
    assert xlsx["Content-Type"] == XLSX_TYPE
    table = cells(xlsx.content)
    assert table[2][3] == (ATTACKS[0], "s", True)
    assert len(table) == 3


def test_the_requests_export_filters_and_takes_a_member(client, client_for, viewer, requests_made):
    closed = client_for(viewer).get(reverse("requests:export", args=["csv"]), {"show": "closed"})
    assert read_csv(closed.content.decode()) == []
    assert client_for(viewer).get(reverse("requests:export", args=["pdf"])).status_code == 404
    assert client.get(reverse("requests:export", args=["csv"])).status_code == 302  # to login


def test_a_persons_own_package_data_is_never_escaped():
    table = {"fields": ["note", "phone"], "rows": [[ATTACKS[0], "+31 6 1234 5678"]]}
    assert (
        package_csv(table).splitlines()[1] == '"=HYPERLINK(""http://x"",""klik"")",+31 6 1234 5678'
    )


def test_the_ropa_workbook_holds_no_formula(organisation, owner):
    from waarborg.register import ropa
    from waarborg.register.actions import save_item

    save_item(
        "security_measures",
        organisation,
        {"key": "m", "name": {"nl": "=SUM(A1:A9)"}, "kind": "technical"},
        actor=owner,
    )
    workbook = load_workbook(io.BytesIO(ropa.to_xlsx(organisation)))
    found = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == "=SUM(A1:A9)"
    ]
    assert found and all(cell.data_type == "s" for cell in found)
