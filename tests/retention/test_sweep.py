"""Seed-like retention rules on a real SQLite, PostgreSQL and MariaDB source, run across
simulated time: exactly what is due goes, and nothing else."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from waarborg.audit.actions import verify_chain
from waarborg.audit.models import AuditEntry
from waarborg.register.models import System
from waarborg.register.yamlio import apply_starter
from waarborg.retention import actions
from waarborg.retention.models import RetentionRun
from waarborg.sources import actions as source_actions
from waarborg.sources.engine import normalise_url

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

SCHEMA = [
    "CREATE TABLE relation (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL,"
    " email VARCHAR(100), phone VARCHAR(30), created DATE NOT NULL)",
    "CREATE TABLE call_log (id INTEGER PRIMARY KEY, relation_id INTEGER, phone VARCHAR(30),"
    " started_at TIMESTAMP NOT NULL)",
    "CREATE TABLE invoice (id INTEGER PRIMARY KEY, relation_id INTEGER NOT NULL,"
    " invoice_date DATE NOT NULL, amount DECIMAL(10,2), name VARCHAR(100))",
    "CREATE TABLE web_visit (id INTEGER PRIMARY KEY, ip VARCHAR(45), visited_at TIMESTAMP)",
    "CREATE INDEX ix_call_started ON call_log (started_at)",
    "CREATE INDEX ix_call_relation ON call_log (relation_id)",
    "CREATE INDEX ix_invoice_date ON invoice (invoice_date)",
    "CREATE INDEX ix_invoice_relation ON invoice (relation_id)",
    "CREATE INDEX ix_visit_at ON web_visit (visited_at)",
    "INSERT INTO relation VALUES (1, 'Anna', 'anna@example.nl', '0611', '2018-01-10'),"
    " (2, 'Bert', 'bert@example.nl', '0622', '2018-01-10'),"
    " (3, 'Cor', 'cor@example.nl', NULL, '2020-06-01')",
    "INSERT INTO call_log VALUES (1, 1, '0611', '2019-06-01 12:00:00'),"
    " (2, 2, '0622', '2021-02-01 12:00:00')",
    "INSERT INTO invoice VALUES (1, 1, '2019-03-01', 100.00, 'Anna'),"
    " (2, 2, '2020-12-31', 250.00, 'Bert')",
    "INSERT INTO web_visit VALUES (1, '192.0.2.1', '2020-01-01 09:00:00'),"
    " (2, '192.0.2.2', '2021-03-01 09:00:00')",
]

ANNOTATION = """
dataset:
  - fides_key: firm
    collections:
      - name: relation
        waarborg:
          retention:
            rule: customers-2y
            action: anonymise
            activity: [relation.created, call_log.started_at, invoice.invoice_date]
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: name, data_categories: [user.name]}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: phone, data_categories: [user.contact.phone_number]}
          - {name: created, data_categories: [system.operations]}
      - name: call_log
        waarborg:
          retention: {rule: telephony-5m, column: started_at}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: relation_id
            data_categories: [system.operations]
            fides_meta: {references: [{field: relation.id, direction: from}]}
          - {name: phone, data_categories: [user.contact.phone_number]}
          - {name: started_at, data_categories: [user.telemetry]}
      - name: invoice
        waarborg:
          retention:
            - {rule: fiscal-7y, column: invoice_date}
            - {rule: customers-2y, column: invoice_date}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: relation_id
            data_categories: [system.operations]
            fides_meta: {references: [{field: relation.id, direction: from}]}
          - {name: invoice_date, data_categories: [user.financial.invoice]}
          - {name: amount, data_categories: [user.financial.invoice]}
          - {name: name, data_categories: [user.name]}
      - name: web_visit
        waarborg:
          retention: {rule: web-statistics-14m, column: visited_at}
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: ip, data_categories: [user.device.ip_address]}
          - {name: visited_at, data_categories: [user.behavior]}
"""


@pytest.fixture
def firm(organisation, owner, empty_source):
    url, run = empty_source
    run(SCHEMA)
    apply_starter(organisation, actor=owner)
    system = System.objects.create(organisation=organisation, key="crm", name={"nl": "CRM"})
    source_actions.connect_source(organisation, system, actor=owner, url=url, annotation=ANNOTATION)
    return url


def state(url):
    with sa.create_engine(normalise_url(url)).connect() as conn:

        def ids(table):
            rows = conn.execute(sa.text(f"SELECT id FROM {table} ORDER BY id"))
            return [row[0] for row in rows]

        people = {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute(sa.text("SELECT id, name, email, phone FROM relation"))
        }
        return {
            "calls": ids("call_log"),
            "invoices": ids("invoice"),
            "visits": ids("web_visit"),
            "anonymous": sorted(
                k for k, v in people.items() if v[0] == f"anonymous-{k}" and v[1] is None
            ),
            "relations": sorted(people),
        }


def at(year, month, day):
    return time_machine.travel(datetime(year, month, day, 3, 0, tzinfo=AMSTERDAM), tick=False)


def sweep(organisation):
    """A run confirmed for what the plan shows now (large shares of small tables included)."""
    confirmed = actions.confirmations(actions.build_plan(organisation), organisation)
    run = actions.start_run(organisation, actor=None, trigger="test", confirmed=confirmed)
    run = actions.execute_run(run)
    assert run.status == RetentionRun.Status.DONE, run.error
    return run


def counts(organisation):
    return {
        (item.collection, item.rule.key): item.count
        for item in actions.build_plan(organisation)
        if item.kind == "source"
    }


def test_across_time_exactly_what_is_due_goes(organisation, firm):
    with at(2021, 7, 1):
        assert counts(organisation) == {
            ("relation", "customers-2y"): 1,  # Anna: last contact 2019-06-01
            ("call_log", "telephony-5m"): 1,
            ("invoice", "fiscal-7y"): 0,
            ("invoice", "customers-2y"): 0,  # past 2 years, but the fiscal 7 years run
            ("web_visit", "web-statistics-14m"): 1,
        }
        assert state(firm)["calls"] == [1, 2]  # the plan changed nothing
        run = sweep(organisation)
        assert state(firm) == {
            "calls": [2],
            "invoices": [1, 2],
            "visits": [2],
            "anonymous": [1],
            "relations": [1, 2, 3],
        }
        assert run.rows() == 3
        again = sweep(organisation)  # idempotent: nothing is due any more
        assert again.rows() == 0
    with at(2023, 3, 1):
        sweep(organisation)
        assert state(firm) == {
            "calls": [],
            "invoices": [1, 2],
            "visits": [],
            "anonymous": [1, 2, 3],
            "relations": [1, 2, 3],
        }
    with at(2026, 12, 31):
        sweep(organisation)
        assert state(firm)["invoices"] == [1, 2]  # 2019's invoices stay until 2027
    with at(2027, 1, 2):
        sweep(organisation)
        assert state(firm)["invoices"] == [2]
    with at(2028, 1, 2):
        sweep(organisation)
        assert state(firm)["invoices"] == []


def test_each_run_keeps_evidence_and_is_audited(organisation, firm):
    with at(2021, 7, 1):
        run = sweep(organisation)
    calls = next(i for i in run.items if i["collection"] == "call_log")
    assert calls["rows"] == 1 and calls["batches"] == 1 and calls["action"] == "delete"
    assert calls["oldest"].startswith("2019-06-01") and calls["cutoff"].startswith("2021-02-01")
    assert calls["longest_transaction"] < 1
    entry = AuditEntry.objects.filter(action="retention.sweep").latest("seq")
    assert entry.new["rows"] == 3
    assert verify_chain(organisation) == []


def test_a_failure_is_reported_and_the_next_run_continues(organisation, firm, empty_source):
    url, run_sql = empty_source
    run_sql(["DROP TABLE web_visit"])
    with at(2021, 7, 1):
        confirmed = actions.confirmations(actions.build_plan(organisation), organisation)
        run = actions.start_run(organisation, actor=None, trigger="test", confirmed=confirmed)
        run = actions.execute_run(run)
    assert run.status == RetentionRun.Status.FAILED
    assert run.error
    assert AuditEntry.objects.filter(action="retention.fail").exists()
    # the items before the failing one were done; nothing else changed
    assert state_without_visits(url) == {"calls": [2], "anonymous": [1]}


def state_without_visits(url):
    with sa.create_engine(normalise_url(url)).connect() as conn:
        calls = [r[0] for r in conn.execute(sa.text("SELECT id FROM call_log ORDER BY id"))]
        anonymous = [
            r[0] for r in conn.execute(sa.text("SELECT id FROM relation WHERE email IS NULL"))
        ]
    return {"calls": calls, "anonymous": anonymous}


def test_small_batches_end_on_equal_dates_and_remove_exactly_the_due_rows(
    empty_source, monkeypatch
):
    from waarborg.sources import sweep as source_sweep
    from waarborg.sources.annotation import parse

    url, run = empty_source
    calls = ", ".join(
        f"({i}, 1, '0611', '2020-01-{1 + (i - 10) // 3:02} 10:00:00')" for i in range(10, 30)
    )  # three calls a day: a batch bound falls among equal dates
    run([*SCHEMA, "DELETE FROM call_log WHERE id = 1", f"INSERT INTO call_log VALUES {calls}"])
    dataset = parse(ANNOTATION)
    due = source_sweep.Due(
        collection="call_log", action="delete", cutoff=datetime(2020, 1, 5), column="started_at"
    )
    monkeypatch.setattr(source_sweep, "FIRST_BATCH", 2)
    assert source_sweep.summary(url, dataset, due).count == 12
    batches = []
    evidence = source_sweep.sweep(url, dataset, due, on_batch=batches.append, batch_seconds=0)
    assert batches == [3, 12]  # the first batch of 2 ends on a date shared by 3 calls
    assert evidence["rows"] == 12 and evidence["batches"] == 2
    assert state(url)["calls"] == [2, *range(22, 30)]
