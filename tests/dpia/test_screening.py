"""The screening: each of WP248's nine criteria and the AP's seventeen categories, the outcome
rule, what the register suggests, and the action that stores it on the activity."""

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.dpia.conftest import make_activity
from waarborg.audit.models import AuditEntry
from waarborg.dpia import actions, criteria
from waarborg.dpia.models import Screening
from waarborg.register.models import ProcessingActivity

LISTS = criteria.load()
WP248 = [c.id for c in LISTS.wp248]
AP = [c.id for c in LISTS.ap]


def test_the_lists_are_complete_dated_and_in_both_languages():
    assert len(WP248) == 9 and len(AP) == 17
    assert isinstance(LISTS.checked_on, datetime.date)
    assert "WP248 rev.01" in LISTS.wp248_source and "2019, 64418" in LISTS.ap_source
    for criterion in LISTS.all:
        for part in ("title", "explanation"):
            assert getattr(criterion, part)["nl"].strip() and getattr(criterion, part)["en"].strip()
        assert criterion.explanation["nl"] != criterion.explanation["en"]
    assert len({c.id for c in LISTS.all}) == 26


@pytest.mark.parametrize("criterion_id", AP)
def test_each_ap_category_alone_requires_a_dpia(criterion_id):
    result, met_wp248, met_ap = criteria.outcome({criterion_id: True})
    assert result == criteria.NEEDED
    assert [c.id for c in met_ap] == [criterion_id] and met_wp248 == []
    name = LISTS.get(criterion_id)
    for language in ("nl", "en"):
        from django.utils import translation

        with translation.override(language):
            assert name.text("title", language) in criteria.reason({criterion_id: True})


@pytest.mark.parametrize("criterion_id", WP248)
def test_each_wp248_criterion_alone_makes_a_dpia_advisable(criterion_id):
    result, met_wp248, met_ap = criteria.outcome({criterion_id: True})
    assert result == criteria.ADVISABLE
    assert [c.id for c in met_wp248] == [criterion_id] and met_ap == []
    assert (
        LISTS.get(criterion_id).text("title", "en")
        in criteria.reason_texts({criterion_id: True})["en"]
    )


@pytest.mark.parametrize(("first", "second"), list(itertools.combinations(WP248, 2)))
def test_any_two_wp248_criteria_mean_a_dpia_is_needed(first, second):
    assert criteria.outcome({first: True, second: True})[0] == criteria.NEEDED


def test_none_means_not_needed_and_says_why():
    assert criteria.outcome({})[0] == criteria.NOT_NEEDED
    assert criteria.outcome({c: False for c in WP248 + AP})[0] == criteria.NOT_NEEDED
    texts = criteria.reason_texts({}, note="Alleen e-mailadressen.")
    assert "None of the nine WP248 criteria" in texts["en"]
    assert "Geen van de negen WP248-criteria" in texts["nl"]
    assert texts["nl"].endswith("Alleen e-mailadressen.")


@given(st.dictionaries(st.sampled_from(WP248 + AP), st.booleans()))
def test_the_outcome_follows_the_rule(answers):
    ap = sum(1 for key, value in answers.items() if value and key in AP)
    wp248 = sum(1 for key, value in answers.items() if value and key in WP248)
    expected = (
        criteria.NEEDED
        if ap or wp248 >= 2
        else criteria.ADVISABLE
        if wp248 == 1
        else criteria.NOT_NEEDED
    )
    assert criteria.outcome(answers)[0] == expected


# (register values, the criteria the register suggests)
# ruff: noqa: E501
PREFILL = [
    ({"data_categories": ["user.health_and_medical"], "art9_ground": "health_care"}, {"wp248.sensitive"}),
    ({"data_categories": ["user.criminal_history"]}, {"wp248.sensitive"}),
    ({"data_categories": ["user.government_id.national_identification_number"]}, {"wp248.sensitive"}),
    ({"data_categories": ["user.name"], "automated_decisions": True}, {"wp248.automated_decision"}),
    ({"data_categories": ["user.name"], "data_subjects": ["employee"]}, {"wp248.vulnerable"}),
    ({"data_categories": ["user.name"], "data_subjects": ["job_applicant"]}, {"wp248.vulnerable"}),
    ({"data_categories": ["user.name"], "data_subjects": ["patient"]}, {"wp248.vulnerable"}),
    ({}, {"wp248.systematic_monitoring", "ap.camera_surveillance"}),
    ({"data_subjects": ["employee"]}, {"wp248.systematic_monitoring", "ap.camera_surveillance", "ap.employee_monitoring", "wp248.vulnerable"}),
    ({"data_categories": ["user.location.precise"]}, {"ap.location_data"}),
    ({"data_categories": ["user.biometric"]}, {"wp248.sensitive", "ap.biometric_data"}),
    ({"data_categories": ["user.health_and_medical.genetic"]}, {"wp248.sensitive", "ap.genetic_data"}),
    ({"data_categories": ["user.name", "user.contact.email"], "data_subjects": ["newsletter_subscriber"]}, set()),
]  # fmt: skip


@pytest.mark.parametrize(("values", "suggested"), PREFILL)
def test_the_register_suggests_what_it_knows(organisation, owner, values, suggested):
    activity = make_activity(organisation, owner, **values)
    found = criteria.prefill(activity)
    assert set(found) == suggested
    assert all(found.values())  # each suggestion says where it comes from


def test_screening_stores_the_outcome_on_the_activity_and_audits(camera, owner):
    assert camera.dpia == ProcessingActivity.Dpia.NOT_SCREENED
    version = camera.version
    today = datetime.date(2026, 12, 1)
    answers = {"ap.camera_surveillance": True, "wp248.systematic_monitoring": True}
    screening = actions.screen_activity(camera, actor=owner, answers=answers, today=today)
    camera.refresh_from_db()
    assert camera.dpia == "needed" and camera.dpia_screened_on == today
    assert "Cameratoezicht" in camera.dpia_reason["nl"]
    assert "Camera surveillance" in camera.dpia_reason["en"]
    assert camera.version == version  # the screening is not a change of the activity
    assert screening.answers["ap.camera_surveillance"] is True
    assert screening.answers["wp248.evaluation"] is False
    assert screening.lists_checked_on == LISTS.checked_on
    entry = AuditEntry.objects.get(action="dpia.screening.recorded")
    assert entry.old["dpia"] == "not_screened" and entry.new["dpia"] == "needed"


def test_an_unknown_criterion_is_refused_and_changes_nothing(camera, owner):
    with pytest.raises(actions.DpiaError):
        actions.screen_activity(camera, actor=owner, answers={"ap.made_up": True})
    camera.refresh_from_db()
    assert camera.dpia == "not_screened" and not Screening.objects.exists()
    assert not AuditEntry.objects.filter(action="dpia.screening.recorded").exists()


def test_screening_keeps_every_answer_given(camera, owner):
    actions.screen_activity(camera, actor=owner, answers={"wp248.sensitive": True})
    actions.screen_activity(camera, actor=owner, answers={}, note="Geen camera's meer.")
    camera.refresh_from_db()
    assert camera.dpia == "not_needed"
    assert [s.outcome for s in camera.screenings.all()] == ["not_needed", "advisable"]


def test_a_screening_goes_stale_when_what_it_rests_on_changes(organisation, camera, owner):
    from waarborg.register import actions as register_actions
    from waarborg.register.schema import current_data

    screening = actions.screen_activity(
        camera, actor=owner, answers={"ap.camera_surveillance": True}
    )
    assert not screening.is_stale()
    register_actions.save_item(
        "security_measures",
        organisation,
        {"key": "slot", "name": {"nl": "Slot"}, "kind": "technical"},
        actor=owner,
    )
    camera.refresh_from_db()
    data = current_data("activities", camera)
    register_actions.save_item(
        "activities",
        organisation,
        {**data, "security_measures": ["slot"]},
        actor=owner,
        instance=camera,
    )
    screening.refresh_from_db()
    assert not screening.is_stale()  # a measure does not change the answers
    camera.refresh_from_db()
    data = current_data("activities", camera)
    register_actions.save_item(
        "activities",
        organisation,
        {**data, "data_subjects": ["customer", "employee"]},
        actor=owner,
        instance=camera,
    )
    screening.refresh_from_db()
    assert screening.is_stale()


def test_a_register_file_without_the_dpia_fields_keeps_the_screening(organisation, camera, owner):
    from waarborg.register.yamlio import export_register, import_register

    before = export_register(organisation)  # exported while not screened: no dpia fields
    actions.screen_activity(camera, actor=owner, answers={"ap.camera_surveillance": True})
    import_register(
        organisation, before.replace("Diefstal voorkomen", "Diefstal tegengaan"), actor=owner
    )
    camera.refresh_from_db()
    assert camera.purpose["nl"] == "Diefstal tegengaan"
    assert camera.dpia == "needed" and camera.dpia_screened_on is not None
    # a file that states them is followed, like any other field
    stated = export_register(organisation).replace("dpia: needed", "dpia: not_needed")
    import_register(organisation, stated, actor=owner)
    camera.refresh_from_db()
    assert camera.dpia == "not_needed"
