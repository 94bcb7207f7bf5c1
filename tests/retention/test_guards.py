"""Retention never takes a row that is not due, tried as a new user would bind it: clients with
an end date and their documents, stages (restrict at the end, delete each invoice 7 years after
its own financial year), per-row statutory minimums, and the guard before large deletions.
Each runs on a real SQLite, PostgreSQL and MariaDB database."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.sources.databases import database
from waarborg.audit.models import AuditEntry
from waarborg.register.models import RetentionRule, System
from waarborg.retention import actions
from waarborg.retention.models import RetentionRun
from waarborg.sources import actions as source_actions
from waarborg.sources.engine import normalise_url
from waarborg.sources.models import RestrictionRecord

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

SCHEMA = [
    "CREATE TABLE client (id INTEGER PRIMARY KEY, name VARCHAR(100), email VARCHAR(100),"
    " created DATE, end_date DATE)",
    # real foreign keys: PostgreSQL and MariaDB refuse to delete a client that rows refer to
    "CREATE TABLE document (id INTEGER PRIMARY KEY, client_id INTEGER, title VARCHAR(100),"
    " created DATE, FOREIGN KEY (client_id) REFERENCES client (id))",
    "CREATE TABLE invoice (id INTEGER PRIMARY KEY, client_id INTEGER, invoice_date DATE,"
    " amount DECIMAL(10,2), afgeschermd BOOLEAN, FOREIGN KEY (client_id) REFERENCES client (id))",
    # three current clients (no end date) and one who left three years ago
    "INSERT INTO client VALUES (1, 'Anna', 'anna@example.nl', '2015-01-01', NULL),"
    " (2, 'Bert', 'bert@example.nl', '2016-01-01', NULL),"
    " (3, 'Cor', 'cor@example.nl', '2017-01-01', NULL),"
    " (4, 'Dirk', 'dirk@example.nl', '2014-01-01', '2023-11-01')",
    "INSERT INTO document VALUES (1, 1, 'a', '2015-02-01'), (2, 1, 'b', '2016-02-01'),"
    " (3, 2, 'c', '2016-03-01'), (4, 3, 'd', '2017-03-01'), (5, 4, 'e', '2014-02-01'),"
    " (6, 4, 'f', '2020-02-01'), (7, 2, 'g', '2018-01-01'), (8, 3, 'h', '2019-01-01')",
    "INSERT INTO invoice VALUES (1, 4, '2015-06-01', 10, NULL), (2, 4, '2022-06-01', 20, NULL),"
    " (3, 1, '2015-06-01', 30, NULL), (4, 2, '2024-06-01', 40, NULL)",
]

FIELDS = {
    "client": """
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - {name: name, data_categories: [user.name]}
          - {name: email, data_categories: [user.contact.email], fides_meta: {identity: email}}
          - {name: created, data_categories: [system.operations]}
          - {name: end_date, data_categories: [system.operations]}""",
    "document": """
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: client_id
            data_categories: [system.operations]
            fides_meta: {references: [{field: client.id, direction: from}]}
          - {name: title, data_categories: [user.content]}
          - {name: created, data_categories: [system.operations]}""",
    "invoice": """
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
          - name: client_id
            data_categories: [system.operations]
            fides_meta: {references: [{field: client.id, direction: from}]}
          - {name: invoice_date, data_categories: [user.financial.invoice]}
          - {name: amount, data_categories: [user.financial.invoice]}
          - {name: afgeschermd, data_categories: [system.operations]}""",
}

# The ways a user binds "2 years after the end of the relationship" to clients and documents.
BINDINGS = {
    "column and parent date": (
        "{rule: clients-2y, column: end_date}",
        "{rule: clients-2y, activity: [client.end_date]}",
    ),
    "activity both": (
        "{rule: clients-2y, activity: [client.end_date]}",
        "{rule: clients-2y, activity: [client.end_date]}",
    ),
    "end date with an event date": (
        "{rule: clients-2y, activity: [client.end_date, client.created]}",
        "{rule: clients-2y, activity: [client.end_date, document.created]}",
    ),
    "parent only": (
        "{rule: clients-2y, column: end_date}",
        "{rule: clients-2y, activity: [client.end_date], date: end}",
    ),
}


def annotation(client, document, invoice=None, with_invoices=False):
    def collection(name, retention):
        text = f"      - name: {name}\n"
        if retention:
            text += f"        waarborg:\n          retention: {retention}\n"
            if name == "invoice":
                text += "          restrict: afgeschermd\n"
        return text + "        fields:" + FIELDS[name] + "\n"

    return (
        "dataset:\n  - fides_key: firm\n    collections:\n"
        + collection("client", client)
        + collection("document", document)
        + (collection("invoice", invoice) if invoice or with_invoices else "")
    )


def at(year, month, day):
    return time_machine.travel(datetime(year, month, day, 3, 0, tzinfo=AMSTERDAM), tick=False)


def rule(organisation, key, duration, trigger, bound="maximum", action="delete", stages=()):
    return RetentionRule.objects.create(
        organisation=organisation,
        key=key,
        name={"nl": f"Regel {key}", "en": f"Rule {key}"},
        duration=duration,
        trigger=trigger,
        bound=bound,
        end_action=action,
        stages=list(stages),
    )


def make_firm(organisation, owner, url, run):
    """The firm's database filled in; `bind(annotation)` connects it as the CRM."""
    run(SCHEMA)
    rule(organisation, "clients-2y", "P2Y", "end_of_relationship")
    system = System.objects.create(organisation=organisation, key="crm", name={"nl": "CRM"})

    def bind(text):
        source_actions.connect_source(organisation, system, actor=owner, url=url, annotation=text)

    return url, bind, run


@pytest.fixture
def firm(organisation, owner, empty_source):
    return make_firm(organisation, owner, *empty_source)


@pytest.fixture
def sqlite_firm(organisation, owner, tmp_path):
    with database("sqlite", tmp_path) as made:
        yield make_firm(organisation, owner, *made)


def ids(url, table, where=""):
    with sa.create_engine(normalise_url(url)).connect() as conn:
        sql = f"SELECT id FROM {table} {where} ORDER BY id"
        return [row[0] for row in conn.execute(sa.text(sql))]


def confirmed_run(organisation, trigger="test"):
    confirmed = actions.confirmations(actions.build_plan(organisation), organisation)
    run = actions.start_run(organisation, actor=None, trigger=trigger, confirmed=confirmed)
    return actions.execute_run(run)


def plan_counts(organisation):
    return {
        (item.collection, item.stage_number): item
        for item in actions.build_plan(organisation)
        if item.kind == "source"
    }


@pytest.mark.parametrize("binding", BINDINGS)
def test_an_open_end_is_never_due_whichever_way_the_rule_is_bound(organisation, firm, binding):
    url, bind, run_sql = firm
    run_sql(["DELETE FROM invoice"])  # the case: clients and their documents
    bind(annotation(*BINDINGS[binding]))
    with at(2026, 12, 1):
        plan = plan_counts(organisation)
        assert plan[("client", 1)].count == 1, plan[("client", 1)].problem
        assert plan[("document", 1)].count == 2, plan[("document", 1)].problem
        assert plan[("client", 1)].examples == [4]
        assert sorted(plan[("document", 1)].examples) == [5, 6]
        run = confirmed_run(organisation)
    assert run.status == RetentionRun.Status.DONE, run.error
    assert ids(url, "client") == [1, 2, 3]
    assert ids(url, "document") == [1, 2, 3, 4, 7, 8]  # only the departed client's documents


def test_empty_text_and_garbage_are_no_end_date_on_sqlite(organisation, sqlite_firm):
    # only SQLite stores text in a DATE column; PostgreSQL and MariaDB refuse it
    url, bind, run_sql = sqlite_firm
    run_sql(
        [
            "DELETE FROM invoice",
            "UPDATE client SET end_date = '' WHERE id = 1",
            "UPDATE client SET end_date = 'onbekend' WHERE id = 2",
            "UPDATE client SET end_date = '0000-00-00' WHERE id = 3",
        ]
    )
    bind(annotation(*BINDINGS["column and parent date"]))
    with at(2026, 12, 1):
        plan = plan_counts(organisation)
        assert plan[("client", 1)].count == 1 and plan[("client", 1)].open == 3
        confirmed_run(organisation)
    assert ids(url, "client") == [1, 2, 3]
    assert ids(url, "document") == [1, 2, 3, 4, 7, 8]


def test_rows_without_any_date_are_counted_and_kept(organisation, firm):
    url, bind, run_sql = firm
    run_sql(["DELETE FROM invoice", "DELETE FROM document"])  # nothing refers to the clients
    run_sql(["UPDATE client SET created = NULL WHERE id = 2"])
    rule(organisation, "leads-1y", "P1Y", "last_contact")
    bind(annotation("{rule: leads-1y, activity: [client.created]}", None))
    with at(2026, 12, 1):
        item = plan_counts(organisation)[("client", 1)]
        assert item.no_date == 1  # Bert has no date at all: a person decides
        assert item.count == 3  # Anna, Cor and Dirk: last contact long ago
        confirmed_run(organisation)
    assert ids(url, "client") == [2]


def test_stages_restrict_at_the_end_and_delete_each_invoice_after_its_own_seven_years(
    organisation, firm
):
    url, bind, _run = firm
    rule(
        organisation,
        "invoices",
        "P7Y",
        "end_of_fiscal_year",
        bound="minimum",
        stages=[{"duration": "P0D", "trigger": "end_of_relationship", "action": "restrict"}],
    )
    bind(
        annotation(
            None,
            None,
            "[{rule: invoices, stage: 1, activity: [client.end_date]},"
            " {rule: invoices, column: invoice_date}]",
        )
    )
    with at(2026, 12, 1):
        plan = plan_counts(organisation)
        assert plan[("invoice", 1)].action == "restrict" and plan[("invoice", 1)].count == 2
        assert plan[("invoice", 2)].action == "delete" and plan[("invoice", 2)].count == 2
        run = confirmed_run(organisation)
    assert run.status == RetentionRun.Status.DONE, run.error
    # invoices of 2015 are past 7 years after their financial year: gone, Anna's too
    assert ids(url, "invoice") == [2, 4]
    # the departed client's newer invoice is kept, but restricted (staff lose access)
    flagged = ids(
        url, "invoice", "WHERE afgeschermd = TRUE" if "postgres" in url else "WHERE afgeschermd = 1"
    )
    assert flagged == [2]
    stages = sorted(
        (i["stage"], i["action"], i["rows"]) for i in run.items if i["kind"] == "source"
    )
    assert stages == [(1, "restrict", 2), (2, "delete", 2)]
    with at(2026, 12, 2):
        again = confirmed_run(organisation)
    assert again.rows() == 0  # restricting twice changes nothing


def test_restrict_without_a_flag_column_is_recorded_by_waarborg_once(organisation, firm):
    url, bind, _run = firm
    rule(organisation, "docs-end", "P0D", "end_of_relationship", action="restrict")
    bind(annotation(None, "{rule: docs-end, activity: [client.end_date]}"))
    with at(2026, 12, 1):
        assert plan_counts(organisation)[("document", 1)].count == 2
        confirmed_run(organisation)
        assert plan_counts(organisation)[("document", 1)].count == 0
        confirmed_run(organisation)
    record = RestrictionRecord.objects.get()
    assert sorted(record.keys) == [5, 6] and record.collection == "document"
    assert ids(url, "document") == [1, 2, 3, 4, 5, 6, 7, 8]


def test_a_maximum_rule_takes_only_invoices_whose_own_minimum_has_ended(organisation, firm):
    url, bind, _run = firm
    rule(organisation, "fiscal-7y", "P7Y", "end_of_fiscal_year", bound="minimum")
    bind(
        annotation(
            None,
            None,
            "[{rule: fiscal-7y, column: invoice_date},"
            " {rule: clients-2y, activity: [client.end_date]}]",
        )
    )
    with at(2026, 12, 1):
        item = next(
            i for i in actions.build_plan(organisation) if i.rule and i.rule.key == "clients-2y"
        )
        assert item.guards == ["fiscal-7y"] and item.count == 1
        confirmed_run(organisation)
    # Dirk's 2015 invoice went by both rules, Anna's by the minimum's own end; Dirk's 2022
    # invoice stays although he left more than 2 years ago: its seven years still run
    assert ids(url, "invoice") == [2, 4]


def test_erasure_holds_an_invoice_by_its_own_date(organisation, firm, owner):
    url, bind, _run = firm
    rule(organisation, "fiscal-7y", "P7Y", "end_of_fiscal_year", bound="minimum")
    bind(annotation(None, None, "{rule: fiscal-7y, column: invoice_date}"))
    source = System.objects.get(key="crm").sql_source
    with at(2026, 12, 1):
        evidence = source_actions.erase_person(
            source, {"email": "dirk@example.nl"}, actor=owner, reason="test"
        )
    invoice = evidence["invoice"]
    assert invoice["held"]["rows"] == 1  # 2022: its seven years run until 2030
    assert invoice["rows"] == 1  # 2015: past its seven years, so erasable
    with sa.create_engine(normalise_url(url)).connect() as conn:
        kept = conn.execute(
            sa.text("SELECT id, amount FROM invoice WHERE client_id = 4 ORDER BY id")
        )
        rows = [(row[0], row[1]) for row in kept]
    assert rows[1][0] == 2 and rows[1][1] is not None  # the held invoice keeps its amount
    assert rows[0][1] is None  # the old one is masked


def test_a_rule_that_takes_most_of_a_table_waits_for_a_person(
    organisation, firm, privacy_officer, client_for, django_capture_on_commit_callbacks
):
    url, bind, run_sql = firm
    rule(organisation, "docs-1y", "P1Y", "collected")
    run_sql([f"INSERT INTO document VALUES ({i}, 1, 'x', '2026-06-01')" for i in range(9, 10)])
    bind(annotation("{rule: clients-2y, column: end_date}", "{rule: docs-1y, column: created}"))
    with at(2026, 12, 1):
        docs = plan_counts(organisation)[("document", 1)]
        assert docs.count == 8 and docs.total == 9  # 89% of the table
        assert [
            i.key for i in actions.large_items(actions.build_plan(organisation), organisation)
        ] == [docs.key]
        with django_capture_on_commit_callbacks(execute=True):
            run = actions.execute_run(
                actions.start_run(organisation, actor=None, trigger="schedule")
            )
    assert run.status == RetentionRun.Status.DONE
    assert ids(url, "document") == list(range(1, 10))  # the large rule was skipped ...
    client = next(item for item in run.items if item["collection"] == "client")
    assert "needs_confirmation" not in client and "error" not in client  # ... the others ran
    assert ids(url, "client") == [1, 2, 3, 4]  # (Dirk stays: his documents and invoices do)
    skipped = [i for i in run.items if i.get("needs_confirmation")]
    assert [i["collection"] for i in skipped] == ["document"]
    officers = {m.to[0] for m in mail.outbox}
    assert privacy_officer.email in officers
    assert "document" in mail.outbox[0].body and "89%" in mail.outbox[0].body
    # the page asks first; with the tick the rule runs, and the confirmation is audited
    client = client_for(privacy_officer)
    with at(2026, 12, 1):
        question = client.post(reverse("retention:run")).content.decode()
        assert f'value="{docs.key}"' in question
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("retention:run"),
                {"confirm": "1", "large": docs.key, f"seen:{docs.key}": "8"},
            )
        confirmed = RetentionRun.objects.latest("pk")
        actions.execute_run(confirmed)
    assert ids(url, "document") == [9]
    assert AuditEntry.objects.filter(action="retention.confirm", actor=privacy_officer).exists()


def test_a_confirmation_does_not_cover_more_rows_than_were_seen(organisation, firm):
    url, bind, run_sql = firm
    rule(organisation, "docs-1y", "P1Y", "collected")
    bind(annotation(None, "{rule: docs-1y, column: created}"))
    with at(2026, 12, 1):
        key = plan_counts(organisation)[("document", 1)].key
        run = actions.start_run(organisation, actor=None, trigger="test", confirmed={key: 3})
        run = actions.execute_run(run)
    assert ids(url, "document") == list(range(1, 9))
    assert run.items[0]["needs_confirmation"]


def test_a_dry_run_with_a_failing_rule_exits_non_zero(organisation, firm):
    url, bind, _run = firm
    bind(annotation("{rule: no-such-rule, column: end_date}", None))
    with pytest.raises(CommandError):
        call_command("retention_plan", "--language", "en")
    with pytest.raises(CommandError):
        call_command("retention_sweep", "--language", "en")


def test_a_run_whose_process_died_resumes_and_keeps_the_evidence_of_both_attempts(
    organisation, firm, monkeypatch
):
    from waarborg.sources import sweep as source_sweep

    url, bind, _run = firm
    rule(organisation, "docs-1y", "P1Y", "collected")
    bind(annotation(None, "{rule: docs-1y, column: created}"))
    monkeypatch.setattr(source_sweep, "FIRST_BATCH", 1)  # one row a batch

    class Died(Exception):
        pass

    lines = []

    def dies_after_two_batches(line):
        lines.append(line)
        if len(lines) == 1:  # after the first committed batch, of one row
            raise Died

    with at(2026, 12, 1):
        confirmed = actions.confirmations(actions.build_plan(organisation), organisation)
        run = actions.start_run(organisation, actor=None, trigger="test", confirmed=confirmed)
        with pytest.raises(Died):
            actions.execute_run(run, report=dies_after_two_batches)
        run = RetentionRun.objects.get(pk=run.pk)  # as the next worker finds it
        assert run.status == RetentionRun.Status.RUNNING
        gone = 8 - len(ids(url, "document"))
        assert gone == 1  # the committed batch went
        run = actions.execute_run(run)
    assert run.status == RetentionRun.Status.DONE, run.error
    assert ids(url, "document") == []
    assert run.rows() == 8  # before the crash and after: none counted twice
    assert [i["rows"] for i in run.items if i.get("interrupted")] == [gone]
    assert AuditEntry.objects.filter(action="retention.resume").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_committed_sweep_outside_any_test_transaction_audits_each_rule(organisation, sqlite_firm):
    """As the command, the worker and the page run it: no transaction around the run."""
    url, bind, run_sql = sqlite_firm
    run_sql(["DELETE FROM invoice"])
    bind(annotation(*BINDINGS["column and parent date"]))
    with at(2026, 12, 1):
        call_command("retention_sweep", "--commit", "--confirm", "--language", "en")
    run = RetentionRun.objects.get()
    assert run.status == RetentionRun.Status.DONE, run.error
    assert ids(url, "client") == [1, 2, 3]
    audited = AuditEntry.objects.filter(action="retention.item")
    assert sorted(entry.new["rows"] for entry in audited) == [1, 2]
    assert AuditEntry.objects.filter(action="retention.sweep").count() == 1


def test_a_client_whose_invoices_must_stay_is_kept_and_nothing_trips(organisation, firm):
    """Clients 2 years after the end, invoices 7 years after their financial year: the
    departed client stays while his newer invoice must be kept."""
    url, bind, _run = firm
    rule(organisation, "fiscal-7y", "P7Y", "end_of_fiscal_year", bound="minimum")
    bind(
        annotation(
            "{rule: clients-2y, column: end_date}",
            "{rule: clients-2y, activity: [client.end_date]}",
            "{rule: fiscal-7y, column: invoice_date}",
        )
    )
    with at(2026, 12, 1):
        client = plan_counts(organisation)[("client", 1)]
        assert client.count == 0 and client.referenced == 1  # Dirk: his 2022 invoice stays
        run = confirmed_run(organisation)
    assert run.status == RetentionRun.Status.DONE, run.error  # no foreign key tripped
    assert ids(url, "client") == [1, 2, 3, 4]
    assert ids(url, "document") == [1, 2, 3, 4, 7, 8]  # his documents went
    assert ids(url, "invoice") == [2, 4]  # the 2015 invoices went
    with at(2031, 1, 2):  # 2022's seven years have passed: now the client goes too
        confirmed_run(organisation)
    assert ids(url, "client") == [1, 2, 3]


def test_a_period_set_by_a_scheme_and_not_recorded_deletes_nothing(organisation, sqlite_firm):
    url, bind, run_sql = sqlite_firm
    run_sql(["DELETE FROM invoice", "DELETE FROM document"])
    scheme = rule(organisation, "eherkenning", "", "collected", bound="scheme")
    RetentionRule.objects.filter(pk=scheme.pk).update(
        legal_source="het Afsprakenstelsel eHerkenning"
    )
    bind(annotation("{rule: eherkenning, activity: [client.created]}", None))
    with at(2026, 12, 1):
        item = plan_counts(organisation)[("client", 1)]
        assert "het Afsprakenstelsel eHerkenning" in item.problem
        assert not item.count
        confirmed_run(organisation)
    assert ids(url, "client") == [1, 2, 3, 4]
