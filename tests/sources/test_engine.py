"""Access, erasure, rectification and restriction on real databases (SQLite, PostgreSQL,
MariaDB), with the Cookie House schema and variations of its annotation."""

import pytest
import sqlalchemy as sa
import yaml
from django.utils import translation

from tests.sources.databases import backends, cookie_house_annotation
from waarborg.sources import engine
from waarborg.sources.annotation import parse
from waarborg.sources.engine import SourceError

ONE = {"email": ["customer-1@example.com"]}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows(url, sql, **params):
    with sa.create_engine(engine.normalise_url(url)).connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(sql), params)]


def annotation(change=None):
    """The Cookie House annotation as data, changed by `change(collections)`."""
    data = yaml.safe_load(cookie_house_annotation())
    collections = {c["name"]: c for c in data["dataset"][0]["collections"]}
    if change:
        change(collections)
    return parse(yaml.safe_dump(data))


def field(collections, table, name):
    return next(f for f in collections[table]["fields"] if f["name"] == name)


def test_access_is_one_query_per_collection_however_many_rows(cookie_house, monkeypatch):
    rows_sql = ", ".join(f"({i}, 1, '2021-02-01 00:00:00')" for i in range(100, 2100))
    with sa.create_engine(engine.normalise_url(cookie_house)).begin() as conn:
        conn.execute(sa.text(f"INSERT INTO login (id, customer_id, time) VALUES {rows_sql}"))
    dataset = annotation()
    seen = []

    class Cursor:
        def __init__(self, cursor):
            self.cursor = cursor

        def execute(self, sql, params):
            seen.append(sql.split()[0])
            return self.cursor.execute(sql, params)

        def fetchall(self):
            return self.cursor.fetchall()

    class Connection:
        def __init__(self, connection):
            self.connection = connection

        def cursor(self):
            return Cursor(self.connection.cursor())

        def rollback(self):
            self.connection.rollback()

    original = engine.reading.__enter__

    def enter(self):
        conn = original(self)
        return engine._Raw(conn.dialect, Connection(conn.connection))

    monkeypatch.setattr(engine.reading, "__enter__", enter)
    result = engine.access(cookie_house, dataset, ONE)
    assert len(result["login"]["rows"]) == 2006
    # employee and report are queried too (they have the e-mail identity) but find nothing;
    # the statement that began the read-only transaction came before the wrapper
    assert seen == ["SELECT"] * 11


def test_batched_in_lists_give_the_same_rows(cookie_house, monkeypatch):
    dataset = annotation()
    whole = engine.access(cookie_house, dataset, ONE)
    monkeypatch.setattr(engine, "BATCH", 1)
    batched = engine.access(cookie_house, dataset, ONE)
    for table, item in whole.items():
        assert sorted(map(repr, item["rows"])) == sorted(map(repr, batched[table]["rows"]))


def test_access_is_read_only(cookie_house):
    with (
        engine.transaction(cookie_house, read_only=True) as conn,
        pytest.raises(SourceError),
        engine.database_errors(),
    ):
        conn.execute(sa.text("DELETE FROM login"))
    with pytest.raises(SourceError), engine.reading(cookie_house) as conn:
        engine._run(conn, "DELETE FROM login", ())
    assert rows(cookie_house, "SELECT count(*) FROM login") == [(8,)]


def test_a_collection_marked_delete_loses_its_rows_and_others_are_masked(cookie_house):
    def change(collections):
        collections["login"]["fides_meta"] = {"masking_strategy_override": {"strategy": "delete"}}

    evidence = engine.erase(cookie_house, annotation(change), ONE)
    assert evidence["login"] == {"action": "deleted", "rows": 6}
    assert rows(cookie_house, "SELECT id FROM login ORDER BY id") == [(7,), (8,)]
    assert evidence["customer"]["action"] == "masked"
    assert set(evidence["customer"]["fields"]) == {"email", "name"}
    assert rows(cookie_house, "SELECT email, name FROM customer WHERE id = 1") == [(None, None)]


def test_a_legal_hold_keeps_the_collection_or_field_and_says_why(cookie_house):
    def change(collections):
        collections["payment_card"]["waarborg"] = {"legal_hold": "fiscal: 7 years"}
        field(collections, "customer", "name")["waarborg"] = {"legal_hold": "contract"}

    evidence = engine.erase(cookie_house, annotation(change), ONE)
    assert evidence["payment_card"] == {"action": "held", "reason": "fiscal: 7 years", "rows": 1}
    assert evidence["customer"]["held_fields"] == {"name": "contract"}
    assert rows(cookie_house, "SELECT ccn FROM payment_card WHERE id = 'pay_aaa-aaa'") == [
        (123456789,)
    ]
    assert rows(cookie_house, "SELECT email, name FROM customer WHERE id = 1") == [
        (None, "John Customer")
    ]


def test_a_dry_run_changes_nothing_and_says_what_would_happen(cookie_house):
    evidence = engine.erase(cookie_house, annotation(), ONE, dry_run=True)
    assert evidence["customer"]["rows"] == 1
    assert rows(cookie_house, "SELECT email FROM customer WHERE id = 1") == [
        ("customer-1@example.com",)
    ]


def test_masking_strategies(cookie_house):
    def change(collections):
        field(collections, "customer", "name")["fides_meta"] = {
            "masking_strategy_override": {"strategy": "hash"}
        }
        field(collections, "address", "street")["fides_meta"] = {
            "masking_strategy_override": {
                "strategy": "random_string_rewrite",
                "configuration": {"length": 12},
            }
        }

    engine.erase(cookie_house, annotation(change), ONE, hasher=lambda value: f"h:{value}"[:40])
    assert rows(cookie_house, "SELECT name FROM customer WHERE id = 1") == [("h:John Customer",)]
    streets = dict(rows(cookie_house, "SELECT id, street FROM address WHERE id IN (1, 2)"))
    assert all(len(street) == 12 and "Example" not in street for street in streets.values())
    # employee.name has a fixed rewrite in the Fides file; no employee is reached here
    assert rows(cookie_house, "SELECT name FROM employee WHERE id = 1") == [("Jack Employee",)]


def test_rectification_sets_values_on_the_persons_rows_only(cookie_house):
    evidence = engine.rectify(cookie_house, annotation(), ONE, {"customer.name": "John Client"})
    assert evidence == {"customer": {"action": "rectified", "fields": ["name"], "rows": 1}}
    assert rows(cookie_house, "SELECT name FROM customer ORDER BY id") == [
        ("John Client",),
        ("Jill Customer",),
        ("Jane Customer",),
    ]
    with pytest.raises(SourceError, match="no column customer.nickname"):
        engine.rectify(cookie_house, annotation(), ONE, {"customer.nickname": "J"})


def test_restriction_sets_a_flag_column_or_returns_the_keys_to_record(cookie_house):
    def change(collections):
        collections["payment_card"]["waarborg"] = {
            "restrict": {"column": "preferred", "value": False}
        }

    evidence = engine.restrict(cookie_house, annotation(change), ONE)
    assert evidence["payment_card"] == {"action": "flagged", "column": "preferred", "rows": 1}
    assert rows(cookie_house, "SELECT id FROM payment_card WHERE preferred = :p", p=True) == []
    assert evidence["login"]["keys"] and sorted(k[0] for k in evidence["login"]["keys"]) == list(
        range(1, 7)
    )
    assert evidence["visit"]["action"] == "recorded" and evidence["visit"]["rows"] == 1


def test_an_identity_of_the_wrong_type_is_a_clear_error(cookie_house):
    def change(collections):
        field(collections, "customer", "id")["fides_meta"] = {
            "primary_key": True,
            "identity": "customer_number",
            "data_type": "integer",
        }

    with pytest.raises(SourceError, match="not a number"):
        engine.erase(cookie_house, annotation(change), {"customer_number": ["abc"]})


def test_a_missing_column_stops_the_erasure_before_anything_changes(cookie_house):
    def change(collections):
        collections["visit"]["fields"].append({"name": "phone", "data_categories": ["user"]})

    with pytest.raises(SourceError, match="database answered with an error"):
        engine.erase(cookie_house, annotation(change), ONE)
    assert rows(cookie_house, "SELECT email FROM customer WHERE id = 1") == [
        ("customer-1@example.com",)
    ]
    assert rows(cookie_house, "SELECT count(*) FROM login WHERE customer_id = 1") == [(6,)]


def test_an_erasure_that_cannot_remove_an_identifier_is_rolled_back(cookie_house):
    def change(collections):
        # the identity column may not be changed (a legal hold on the field)
        field(collections, "visit", "email")["waarborg"] = {"legal_hold": "x"}
        field(collections, "visit", "email")["data_categories"] = ["user.contact.email"]
        collections["visit"]["fides_meta"] = {}

    evidence = engine.erase(cookie_house, annotation(change), ONE)
    assert evidence["visit"]["held_fields"] == {"email": "x"}  # a hold is reported, not an error


UNREACHABLE = {
    "postgresql": "postgresql://postgres@127.0.0.1:1/test",
    "mariadb": "mysql://root@127.0.0.1:1/test",
}
WRONG_LOGIN = {
    "postgresql": "postgresql://no_such_role:secret@127.0.0.1:5432/test",
    "mariadb": "mysql://root:wrong-password@127.0.0.1:3306/test",
}


@pytest.mark.parametrize("server", [b for b in backends() if b != "sqlite"])
def test_connection_problems_are_clear_and_hide_the_password(server):
    messages = set()
    for url in (UNREACHABLE[server], WRONG_LOGIN[server]):
        with pytest.raises(SourceError, match="Cannot connect") as caught:
            engine.access(url, annotation(), ONE)
        assert "secret" not in str(caught.value) and "wrong-password" not in str(caught.value)
        messages.add(str(caught.value))
    assert len(messages) == 1  # a closed port and a wrong password read the same
    assert "***" in engine.display_url(WRONG_LOGIN[server])


def test_a_missing_sqlite_file_is_not_created(tmp_path):
    with pytest.raises(SourceError, match="may not use this SQLite file"):
        engine.access(f"sqlite:///{tmp_path}/shop.db", annotation(), ONE)
    assert not (tmp_path / "shop.db").exists()
    with pytest.raises(SourceError, match="connects to PostgreSQL"):
        engine.access("oracle://x@y/z", annotation(), ONE)
