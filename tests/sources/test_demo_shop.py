"""The demo's web shop, as a new user tries it: annotate, check, connect, look up, erase."""

import sqlite3

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from waarborg.audit.models import AuditEntry
from waarborg.register.models import System
from waarborg.sources import actions, demo_shop, engine
from waarborg.sources.annotation import parse
from waarborg.sources.introspect import annotate, check
from waarborg.sources.models import RestrictionRecord, SqlSource

EMAIL = demo_shop.DEMO_CUSTOMER["email"]


@pytest.fixture
def shop(tmp_path):
    return demo_shop.build(tmp_path / "shop.db")


@pytest.fixture
def source(organisation, owner, shop):
    system = System.objects.create(organisation=organisation, key="webshop", name={"nl": "W"})
    return actions.connect_source(
        organisation,
        system,
        actor=owner,
        url=f"sqlite:///{shop}",
        annotation=demo_shop.ANNOTATION.read_text(),
    )


def hand_written(path):
    """The joins a person would write by hand for the demo customer, as {table: set of keys}."""
    conn = sqlite3.connect(path)
    q = lambda sql: {row for row in conn.execute(sql, {"e": EMAIL})}  # noqa: E731
    me = "(SELECT id FROM klant WHERE email = :e)"
    orders = f"(SELECT id FROM bestelling WHERE klant_id IN {me})"
    found = {
        "klant": q(f"SELECT id FROM klant WHERE id IN {me}"),
        "bestelling": q(f"SELECT id FROM bestelling WHERE id IN {orders}"),
        "bestelregel": q(
            f"SELECT bestelling_id, regel FROM bestelregel WHERE bestelling_id IN {orders}"
        ),
        "factuur": q(f"SELECT id FROM factuur WHERE klant_id IN {me}"),
        "inlog": q(f"SELECT id FROM inlog WHERE klant_id IN {me}"),
        "storingsmelding": q("SELECT id FROM storingsmelding WHERE email = :e"),
        "adres": q(
            f"SELECT adres_id FROM klant WHERE id IN {me} UNION "
            f"SELECT bezorgadres_id FROM bestelling WHERE id IN {orders}"
        ),
    }
    conn.close()
    return {table: keys for table, keys in found.items() if keys}


def test_the_shipped_annotation_matches_its_database_without_warnings(shop):
    assert check(f"sqlite:///{shop}", parse(demo_shop.ANNOTATION.read_text())) == []


def test_the_draft_annotation_reaches_every_table_with_personal_data(shop):
    draft = parse(annotate(f"sqlite:///{shop}"))
    assert draft.collections["klant"].identities == {
        "klantnummer": "customer_number",
        "email": "email",
        "telefoon": "phone_number",
    }
    problems = check(f"sqlite:///{shop}", draft)
    unreachable = [p.message for p in problems if "bereikt" in p.message]
    assert unreachable == []  # foreign keys lead from klant to every other table


def test_access_finds_every_row_the_hand_written_joins_find(source, owner, shop):
    result = actions.find_person(source, {"email": EMAIL}, actor=owner)
    expected = hand_written(shop)
    assert set(result) == set(expected)
    for table, item in result.items():
        key = ["bestelling_id", "regel"] if table == "bestelregel" else ["id"]
        rows = engine.records(item)
        assert {tuple(row[k] for k in key) for row in rows} == expected[table], table


def all_text(path):
    conn = sqlite3.connect(path)
    text = []
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            text.extend(str(value) for value in row)
    conn.close()
    return "\n".join(text)


def test_erasure_leaves_no_trace_of_the_email_and_keeps_the_invoices(source, owner, shop):
    assert EMAIL in all_text(shop)
    evidence = actions.erase_person(source, {"email": EMAIL}, actor=owner, reason="AVG-1")
    assert EMAIL not in all_text(shop)
    assert "Jan de Jong" in all_text(shop)  # the invoices' name: kept by the legal hold
    assert evidence["factuur"]["action"] == "held"
    assert evidence["inlog"]["action"] == "deleted"
    assert evidence["klant"]["remaining"] == {"email": 0}
    entry = AuditEntry.objects.get(action="source.erase")
    assert entry.new["evidence"]["klant"]["rows"] == 1 and EMAIL not in str(entry.new)


def test_restriction_sets_the_flag_and_records_the_rest(source, owner, shop):
    evidence = actions.restrict_person(source, {"customer_number": "K-1001"}, actor=owner)
    assert evidence["klant"] == {"action": "flagged", "column": "geblokkeerd", "rows": 1}
    conn = sqlite3.connect(shop)
    assert conn.execute("SELECT geblokkeerd FROM klant WHERE id = 1").fetchone() == (1,)
    conn.close()
    record = RestrictionRecord.objects.get(collection="inlog")
    assert record.keys and record.key_columns == ["id"]


def test_commands_annotate_check_connect_find_erase(organisation, shop, tmp_path, capsys):
    System.objects.create(organisation=organisation, key="shop", name={"nl": "Shop"})
    url = f"sqlite:///{shop}"
    draft = tmp_path / "draft.yaml"
    call_command("source_annotate", url, output=str(draft))
    call_command("source_check", str(draft), url=url)
    assert "0 fout(en)" in capsys.readouterr().out
    call_command(
        "source_connect",
        org=organisation.slug,
        system="shop",
        url=url,
        annotation=str(demo_shop.ANNOTATION),
    )
    call_command("source_find", org=organisation.slug, system="shop", email=[EMAIL])
    assert '"Jan de Jong"' in capsys.readouterr().out
    call_command("source_erase", org=organisation.slug, system="shop", email=[EMAIL])
    assert "proefdraai" in capsys.readouterr().out and EMAIL in all_text(shop)
    call_command("source_erase", org=organisation.slug, system="shop", email=[EMAIL], commit=True)
    assert EMAIL not in all_text(shop)
    bad = tmp_path / "bad.yaml"
    bad.write_text(demo_shop.ANNOTATION.read_text().replace("name: plaats", "name: woonplaats"))
    with pytest.raises(CommandError, match="annotatie klopt niet"):
        call_command("source_check", str(bad), url=url)
    assert "De tabel adres heeft geen kolom woonplaats" in capsys.readouterr().out
    System.objects.create(organisation=organisation, key="other", name={"nl": "Ander"})
    with pytest.raises(CommandError, match="heeft geen database"):
        call_command("source_find", org=organisation.slug, system="other", email=[EMAIL])
    assert SqlSource.objects.count() == 1
