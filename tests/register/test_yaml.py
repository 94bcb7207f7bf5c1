"""Register as code: export, all-or-nothing import with line numbers, dry run, round trips."""

import pytest

from waarborg.audit.models import AuditEntry
from waarborg.register.models import ActivityVersion, Party, ProcessingActivity, Status
from waarborg.register.yamlio import (
    RegisterFileError,
    export_register,
    import_register,
    plan_import,
)


def test_starter_set_imports(started):
    keys = set(
        ProcessingActivity.objects.filter(organisation=started).values_list("key", flat=True)
    )
    assert {"newsletter", "financial-administration", "recruitment", "telephony"} <= keys
    fiscal = ProcessingActivity.objects.get(key="financial-administration").retention_rules.get()
    assert (fiscal.duration, fiscal.bound, fiscal.trigger) == (
        "P7Y",
        "minimum",
        "end_of_fiscal_year",
    )


def test_export_import_export_is_byte_identical(started, owner):
    first = export_register(started)
    plan = import_register(started, first, actor=owner)
    assert plan.is_empty
    assert export_register(started) == first


def test_round_trip_into_another_organisation(started, owner, other_organisation, other_owner):
    text = export_register(started)
    import_register(other_organisation, text, actor=other_owner)
    assert export_register(other_organisation) == text


def test_typo_in_legal_basis_is_refused_with_line_and_nothing_changes(started, owner):
    text = export_register(started)
    before = AuditEntry.objects.count()
    broken = text.replace("legal_basis: consent", "legal_basis: consnet", 1)
    line = broken.splitlines().index("  legal_basis: consnet") + 1
    with pytest.raises(RegisterFileError) as error:
        import_register(
            started, broken.replace("nl: Nieuwsbrief\n", "nl: Nieuwsbrieven\n"), actor=owner
        )
    message = error.value.problems[0]
    assert message.startswith(f"line {line}: activities[")
    assert "legal_basis: 'consnet' is not allowed" in message
    assert "consent, contract, legal_obligation" in message
    assert AuditEntry.objects.count() == before
    assert export_register(started) == text


def test_unknown_keys_are_rejected(started, owner):
    text = export_register(started).replace(
        "  role: controller\n", "  role: controller\n  colour: red\n", 1
    )
    with pytest.raises(RegisterFileError) as error:
        plan_import(started, text)
    assert "colour: unknown key; allowed:" in error.value.problems[0]


def test_every_problem_is_reported_at_once(started):
    text = export_register(started)
    text = text.replace("duration: P7Y", "duration: seven years").replace(
        "kind: technical", "kind: digital", 1
    )
    with pytest.raises(RegisterFileError) as error:
        plan_import(started, text)
    joined = "\n".join(error.value.problems)
    assert "ISO 8601" in joined and "'digital' is not allowed" in joined


def test_broken_reference_and_bad_yaml(started):
    text = export_register(started).replace("- fiscal-7y\n", "- fiscal-8y\n", 1)
    with pytest.raises(RegisterFileError) as error:
        plan_import(started, text)
    assert "'fiscal-8y' is not the key of any item in retention_rules" in error.value.problems[0]
    with pytest.raises(RegisterFileError) as error:
        plan_import(started, "waarborg: 1\norganisation: [unclosed\n")
    assert (
        error.value.problems[0].startswith("line 3: not valid YAML")
        or "not valid YAML" in error.value.problems[0]
    )


def test_duplicate_yaml_keys_are_an_error(started):
    with pytest.raises(RegisterFileError) as error:
        plan_import(started, "waarborg: 1\nwaarborg: 1\n")
    assert error.value.problems == ["line 2: waarborg appears twice"]


def test_dry_run_lists_changes_and_changes_nothing(started, owner):
    text = export_register(started)
    changed = text.replace("duration: P5M", "duration: P6M").replace(
        "- key: telephony\n", "- key: telefonie\n"
    )
    plan = import_register(started, changed, actor=owner, dry_run=True)
    assert "update retention_rules/telephony-5m: duration" in plan.lines()
    assert "create activities/telefonie" in plan.lines()
    assert "retire activities/telephony" in plan.lines()
    assert export_register(started) == text


def test_import_updates_versions_and_retires(started, owner):
    text = export_register(started)
    activity = ProcessingActivity.objects.get(key="telephony")
    import_register(
        started,
        text.replace("Not for marketing.", "Never for marketing.").replace(
            "- key: website-statistics\n", "- key: web-stats\n"
        ),
        actor=owner,
    )
    activity.refresh_from_db()
    assert activity.version == 2
    old = ActivityVersion.objects.get(activity=activity)
    assert "Not for" in old.snapshot["purpose"]["en"]
    assert ProcessingActivity.objects.get(key="website-statistics").status == Status.RETIRED
    actions = set(AuditEntry.objects.filter(organisation=started).values_list("action", flat=True))
    assert {
        "register.activity.updated",
        "register.activity.retired",
        "register.activity.created",
        "register.imported",
    } <= actions


def test_sub_processor_cycle_is_refused(started):
    text = (
        export_register(started)
        + """parties:
- key: a
  name: {nl: A}
  kind: processor
  country: NL
  sub_processors: [b]
- key: b
  name: {nl: B}
  kind: sub_processor
  country: NL
  sub_processors: [a]
"""
    )
    with pytest.raises(RegisterFileError) as error:
        plan_import(started, text)
    assert "cycle" in error.value.problems[0]
    assert not Party.objects.exists()


@pytest.fixture(autouse=True)
def english():
    """Problems are asserted in English here; the Dutch wording is covered by the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_the_direct_marketing_mark_is_kept_in_the_register_file(started, owner):
    newsletter = ProcessingActivity.objects.get(organisation=started, key="newsletter")
    assert newsletter.direct_marketing  # the starter marks the newsletter
    assert not ProcessingActivity.objects.get(
        organisation=started, key="telephony"
    ).direct_marketing
    text = export_register(started)
    assert text.count("direct_marketing: true") == 1
    # an item's fields are written in the schema's order: the mark follows purpose_terms
    block = text.split("- key: telephony\n", 1)
    head, rest = block[0], block[1]
    rest = rest.replace(
        "  - dpv:CommunicationManagement\n",
        "  - dpv:CommunicationManagement\n  direct_marketing: true\n",
        1,
    )
    import_register(started, head + "- key: telephony\n" + rest, actor=owner)
    telephony = ProcessingActivity.objects.get(organisation=started, key="telephony")
    assert telephony.direct_marketing
    assert export_register(started).count("direct_marketing: true") == 2
    broken = export_register(started).replace("direct_marketing: true", "direct_marketing: 3", 1)
    with pytest.raises(RegisterFileError):
        import_register(started, broken, actor=owner)
    assert ProcessingActivity.objects.get(organisation=started, key="newsletter").direct_marketing
