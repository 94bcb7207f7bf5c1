"""The Cookie House sample of Fides, with its unchanged annotation (shared/conformance)."""

import sqlalchemy as sa

from tests.sources.databases import cookie_house_annotation
from waarborg.sources import engine
from waarborg.sources.annotation import parse

EXPECTED = {
    "customer": {(1,)},
    "address": {(1,), (2,)},
    "orders": {("ord_aaa-aaa",), ("ord_ccc-ccc",), ("ord_ddd-ddd",)},
    "order_item": {("ord_aaa-aaa",), ("ord_ccc-ccc",), ("ord_ddd-ddd",)},
    "product": {(1,), (2,)},
    "payment_card": {("pay_aaa-aaa",)},
    "login": {(i,) for i in range(1, 7)},
    "visit": {("customer-1@example.com",)},
    "service_request": {("ser_aaa-aaa",)},
}
KEYS = {
    "customer": "id",
    "address": "id",
    "orders": "id",
    "order_item": "order_id",
    "product": "id",
    "payment_card": "id",
    "login": "id",
    "visit": "email",
    "service_request": "id",
}


def test_access_finds_exactly_the_rows_of_the_readme(cookie_house):
    dataset = parse(cookie_house_annotation())
    result = engine.access(cookie_house, dataset, {"email": ["customer-1@example.com"]})
    assert set(result) == set(EXPECTED)  # employee and report: none
    for table, keys in EXPECTED.items():
        found = {(row[KEYS[table]],) for row in engine.records(result[table])}
        assert found == keys, table
    assert len(result["order_item"]["rows"]) == 4
    assert engine.records(result["customer"])[0]["email"] == "customer-1@example.com"
    assert engine.records(result["visit"])[0]["email"] == "customer-1@example.com"


def test_access_is_limited_to_the_categories_asked_for(cookie_house):
    dataset = parse(cookie_house_annotation())
    result = engine.access(
        cookie_house, dataset, {"email": ["customer-1@example.com"]}, categories=["user.contact"]
    )
    assert result["customer"]["fields"] == ["email", "id"]  # the key stays, the name goes
    assert "login" not in result  # no contact data there
    assert set(result["address"]["fields"]) == {"city", "house", "id", "state", "street", "zip"}


def _rows(url, sql):
    with sa.create_engine(engine.normalise_url(url)).connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql))]


def test_erasure_of_contact_data_leaves_other_customers_alone(cookie_house):
    dataset = parse(cookie_house_annotation())
    before = _rows(cookie_house, "SELECT id, email, name FROM customer ORDER BY id")
    evidence = engine.erase(
        cookie_house, dataset, {"email": ["customer-2@example.com"]}, categories=["user.contact"]
    )
    after = _rows(cookie_house, "SELECT id, email, name FROM customer ORDER BY id")
    assert after == [before[0], (2, None, "Jill Customer"), before[2]]
    assert evidence["customer"] == {
        "action": "masked",
        "fields": ["email"],
        "rows": 1,
        "remaining": {"email": 0},
    }
    # visit.email is part of the table's key, so it may not be emptied: a keyed hash instead
    visits = {email for (email,) in _rows(cookie_house, "SELECT email FROM visit")}
    assert "customer-1@example.com" in visits and "customer-2@example.com" not in visits
    assert len(visits) == 2


def test_full_erasure_leaves_no_trace_of_the_address(cookie_house):
    dataset = parse(cookie_house_annotation())
    evidence = engine.erase(cookie_house, dataset, {"email": ["customer-1@example.com"]})
    for table, column in [
        ("customer", "email"),
        ("visit", "email"),
        ("service_request", "email"),
        ("service_request", "alt_email"),
    ]:
        assert _rows(
            cookie_house, f"SELECT count(*) FROM {table} WHERE {column} LIKE 'customer-1%'"
        ) == [(0,)]
    assert evidence["service_request"]["remaining"] == {"email": 0, "alt_email": 0}
    # orders keep their non-personal columns, but no longer point at the person
    assert _rows(cookie_house, "SELECT count(*) FROM orders WHERE customer_id = 1") == [(0,)]
    assert _rows(cookie_house, "SELECT count(*) FROM orders") == [(5,)]
    # the other customers are untouched
    assert _rows(cookie_house, "SELECT email FROM customer WHERE id > 1 ORDER BY id") == [
        ("customer-2@example.com",),
        ("jane@example.com",),
    ]
