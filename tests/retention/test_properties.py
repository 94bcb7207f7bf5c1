"""Property: the sweep takes exactly the rows that the rule's definition makes due, and not one
other, on random parent and child tables with empty dates, orphans, references and statutory
minimums; the plan's counts equal what the sweep does; a sweep killed half-way and run again
ends the same.

The definition, stated once here (`expected`): a row is due by a rule when
- a `column` rule: its date is filled in and before the cutoff;
- an `activity` rule: every *end* date of the row and its related rows is filled in and before
  the cutoff, no *event* date is on or after the cutoff, and at least one date is filled in;
- a row whose dates are all its parent's follows the parent's binding of the same rule;
- a maximum rule that deletes also waits for every statutory minimum of the row's own date.

Each backend runs once in CI: SQLite and MariaDB with the SQLite suite, PostgreSQL with the
PostgreSQL suite.
"""

import contextlib
import os
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from tests.sources.databases import database
from waarborg.register.models import RetentionRule, System
from waarborg.retention import actions
from waarborg.retention.models import RetentionRun
from waarborg.sources import actions as source_actions
from waarborg.sources import sweep as source_sweep
from waarborg.sources.engine import normalise_url

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 12, 1, 3, 0)
END_CUT = datetime(2024, 12, 1, 3, 0)  # 2 years after the end of the relationship
SEEN_CUT = END_CUT
CREATED_CUT = datetime(2025, 12, 1, 3, 0)  # 1 year after collection
FISCAL_CUT = datetime(2019, 1, 1)  # 7 years after the end of the financial year

BACKENDS = ["postgresql"] if os.environ.get("WAARBORG_TEST_DATABASE_URL") else ["sqlite", "mariadb"]

FIELDS = """
        fields:
          - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}"""

SCENARIOS = {
    # the parent's own end date; its children follow it
    "end date, children follow": (
        "{rule: clients-2y, column: end_date}",
        "{rule: clients-2y, activity: [parent.end_date]}",
    ),
    # an end date and an event date on the parent; children follow the parent's binding
    "end and event, children follow": (
        "{rule: clients-2y, activity: [parent.end_date, parent.seen]}",
        "{rule: clients-2y, activity: [parent.end_date]}",
    ),
    # a child with a date of its own and its parent's end date
    "own event and parent end": (
        None,
        "{rule: clients-2y, activity: [parent.end_date, child.created]}",
    ),
    # a statutory minimum per row and a maximum after collection on the same table
    "minimum and maximum": (
        None,
        "[{rule: fiscal-7y, column: fiscal}, {rule: created-1y, column: created}]",
    ),
}


def annotation(parent, child):
    def retention(text):
        return f"        waarborg:\n          retention: {text}\n" if text else ""

    return f"""dataset:
  - fides_key: props
    collections:
      - name: parent
{retention(parent)}{FIELDS}
          - {{name: end_date, data_categories: [system.operations]}}
          - {{name: seen, data_categories: [system.operations], waarborg: {{date: event}}}}
      - name: child
{retention(child)}{FIELDS}
          - name: parent_id
            data_categories: [system.operations]
            fides_meta: {{references: [{{field: parent.id, direction: from}}]}}
          - {{name: created, data_categories: [system.operations], waarborg: {{date: event}}}}
          - {{name: fiscal, data_categories: [system.operations]}}
"""


def real(value):
    return value is not None


def before(value, cut):
    return real(value) and datetime.combine(value, time()) < cut


def after(value, cut):
    return real(value) and datetime.combine(value, time()) >= cut


def expected(scenario, parents, children):
    """(parent ids due, child ids due) by the definition in the docstring."""
    by_id = {p["id"]: p for p in parents}

    def parent_due(p):
        if scenario == "end date, children follow":
            return before(p["end_date"], END_CUT)
        if scenario == "end and event, children follow":
            return before(p["end_date"], END_CUT) and not after(p["seen"], SEEN_CUT)
        return False

    parent_ids = {p["id"] for p in parents if parent_due(p)}
    child_ids = set()
    for c in children:
        parent = by_id.get(c["parent_id"])
        if scenario in ("end date, children follow", "end and event, children follow"):
            # all its dates are its parent's: due only with a parent that is due
            due = parent is not None and before(parent["end_date"], END_CUT)
            due = due and parent["id"] in parent_ids
        elif scenario == "own event and parent end":
            ended = parent is None or before(parent["end_date"], END_CUT)
            no_event = not after(c["created"], END_CUT)  # the same rule: 2 years
            has_date = real(c["created"]) or (parent is not None and real(parent["end_date"]))
            due = ended and no_event and has_date
        else:
            due = before(c["fiscal"], FISCAL_CUT)  # the minimum's own end
            maximum = before(c["created"], CREATED_CUT) and before(c["fiscal"], FISCAL_CUT)
            due = due or maximum
        if due:
            child_ids.add(c["id"])
    return parent_ids, child_ids


# Empty, on either side of each cutoff, and anywhere in between.
BOUNDARIES = [
    date(2018, 12, 31),
    date(2019, 1, 1),
    date(2024, 11, 30),
    date(2024, 12, 1),
    date(2024, 12, 2),
    date(2025, 11, 30),
    date(2025, 12, 1),
    date(2025, 12, 2),
    date(2015, 6, 1),
    date(2026, 6, 1),
]
day = st.one_of(
    st.none(),
    st.sampled_from(BOUNDARIES),
    st.dates(min_value=date(2012, 1, 1), max_value=date(2026, 12, 31)),
)


@st.composite
def tables(draw):
    parents = [
        {"id": i, "end_date": draw(day), "seen": draw(day)}
        for i in range(1, draw(st.integers(0, 7)) + 1)
    ]
    ids = [p["id"] for p in parents] + [None, 99]  # orphans and a missing parent too
    children = [
        {
            "id": i,
            "parent_id": draw(st.sampled_from(ids)),
            "created": draw(day),
            "fiscal": draw(day),
        }
        for i in range(1, draw(st.integers(0, 10)) + 1)
    ]
    return parents, children


def literal(value):
    return "NULL" if value is None else f"'{value.isoformat()}'"


def fill(run, parents, children):
    run(
        [
            "DROP TABLE IF EXISTS child",
            "DROP TABLE IF EXISTS parent",
            "CREATE TABLE parent (id INTEGER PRIMARY KEY, end_date DATE, seen DATE)",
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER, created DATE,"
            " fiscal DATE)",
            *[
                f"INSERT INTO parent VALUES ({p['id']}, {literal(p['end_date'])},"
                f" {literal(p['seen'])})"
                for p in parents
            ],
            *[
                f"INSERT INTO child VALUES ({c['id']}, {c['parent_id'] or 'NULL'},"
                f" {literal(c['created'])}, {literal(c['fiscal'])})"
                for c in children
            ],
        ]
    )


def remaining(url, table):
    with sa.create_engine(normalise_url(url)).connect() as conn:
        return {row[0] for row in conn.execute(sa.text(f"SELECT id FROM {table}"))}


def rules(organisation):
    for key, duration, trigger, bound in (
        ("clients-2y", "P2Y", "end_of_relationship", "maximum"),
        ("created-1y", "P1Y", "collected", "maximum"),
        ("fiscal-7y", "P7Y", "end_of_fiscal_year", "minimum"),
    ):
        RetentionRule.objects.create(
            organisation=organisation,
            key=key,
            name={"nl": key},
            duration=duration,
            trigger=trigger,
            bound=bound,
        )


@pytest.fixture(params=BACKENDS)
def props_source(request, tmp_path):
    with database(request.param, tmp_path) as made:
        yield made


def connect(organisation, owner, url, run, scenario):
    fill(run, [], [])
    rules(organisation)
    system = System.objects.create(organisation=organisation, key="crm", name={"nl": "CRM"})
    source_actions.connect_source(
        organisation, system, actor=owner, url=url, annotation=annotation(*SCENARIOS[scenario])
    )


def sweep_now(organisation, report=None):
    confirmed = actions.confirmations(actions.build_plan(organisation), organisation)
    run = actions.start_run(organisation, actor=None, trigger="test", confirmed=confirmed)
    return actions.execute_run(run, report=report)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_sweep_takes_exactly_the_due_rows(organisation, owner, props_source, scenario):
    url, run = props_source
    connect(organisation, owner, url, run, scenario)

    @given(tables())
    def check(data):
        parents, children = data
        fill(run, parents, children)
        due_parents, due_children = expected(scenario, parents, children)
        with time_machine.travel(NOW.replace(tzinfo=AMSTERDAM), tick=False):
            plan = [item for item in actions.build_plan(organisation) if item.kind == "source"]
            assert all(not item.problem for item in plan), [item.problem for item in plan]
            done = sweep_now(organisation)
        assert done.status == RetentionRun.Status.DONE, done.error
        assert remaining(url, "parent") == {p["id"] for p in parents} - due_parents
        assert remaining(url, "child") == {c["id"] for c in children} - due_children
        if scenario != "minimum and maximum":  # there the two rules overlap by design
            counts = {item.key: item.count for item in plan}
            rows = {item["key"]: item["rows"] for item in done.items if item["kind"] == "source"}
            assert rows == counts

    check()


@pytest.mark.parametrize("scenario", ["end date, children follow", "minimum and maximum"])
def test_a_sweep_killed_half_way_and_run_again_ends_the_same(
    organisation, owner, props_source, scenario, monkeypatch
):
    url, run = props_source
    connect(organisation, owner, url, run, scenario)
    monkeypatch.setattr(source_sweep, "FIRST_BATCH", 1)  # many batches of one row

    class Killed(Exception):
        pass

    @given(tables(), st.integers(1, 6))
    def check(data, kill_after):
        parents, children = data
        fill(run, parents, children)
        due_parents, due_children = expected(scenario, parents, children)
        lines = []

        def report(line):
            lines.append(line)
            if len(lines) == kill_after:
                raise Killed  # the process dies after a committed batch

        with time_machine.travel(NOW.replace(tzinfo=AMSTERDAM), tick=False):
            with contextlib.suppress(Killed):
                sweep_now(organisation, report=report)
            assert sweep_now(organisation).status == RetentionRun.Status.DONE
        assert remaining(url, "parent") == {p["id"] for p in parents} - due_parents
        assert remaining(url, "child") == {c["id"] for c in children} - due_children

    check()
