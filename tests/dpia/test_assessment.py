"""The assessment: prefilled from the register, risks and measures, sign-off with its rules
(Art. 35(2), 36(1)), versions, a changed activity marking it for review, and the checks."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.dpia.conftest import make_activity
from waarborg.audit.models import AuditEntry
from waarborg.checks import engine
from waarborg.checks.findings import context_for
from waarborg.dpia import actions
from waarborg.dpia.models import HIGH, LOW, MEDIUM, Assessment, AssessmentVersion, level
from waarborg.register import actions as register_actions
from waarborg.register.models import SecurityMeasure
from waarborg.register.schema import current_data

SIGNED_ON = datetime.date(2026, 12, 1)


def sign_values(**values):
    base = {
        "advice": "Akkoord met de maatregelen.",
        "advice_by": "Pien, FG",
        "decision": "accept",
        "decision_reason": "Restrisico laag.",
        "signed_by": "Olga Owner",
        "signed_on": SIGNED_ON,
        "review_on": datetime.date(2027, 12, 1),
    }
    base.update(values)
    return base


def risk_values(**values):
    base = {
        "kind": "access",
        "title": "Onbevoegde toegang tot beelden",
        "impacts": "Bezoekers herkend",
        "threats": "Standaardwachtwoord",
        "sources": "Inbrekers",
        "severity": 3,
        "likelihood": 3,
        "residual_severity": 3,
        "residual_likelihood": 1,
    }
    base.update(values)
    return base


@pytest.fixture
def measure(organisation, owner):
    register_actions.save_item(
        "security_measures",
        organisation,
        {"key": "locked", "name": {"nl": "Achter slot"}, "kind": "organisational"},
        actor=owner,
    )
    return SecurityMeasure.objects.get(organisation=organisation, key="locked")


@pytest.fixture
def assessment(organisation, owner, camera):
    return actions.start_assessment(organisation, actor=owner, activities=[camera])


def test_start_prefills_the_description_from_the_register(organisation, owner, camera):
    assessment = actions.start_assessment(organisation, actor=owner, activities=[camera])
    assert assessment.title == "Camera's in de winkel"
    assert assessment.description["purposes"] == "Diefstal voorkomen"
    assert "Camera" in assessment.description["data"]
    assert assessment.description["people"]
    assert assessment.necessity["legal_basis"].startswith("Gerechtvaardigd belang")
    assert AuditEntry.objects.filter(action="dpia.assessment.created").exists()


def test_a_group_of_activities_names_each(organisation, owner, camera):
    other = make_activity(organisation, owner, key="hall", name={"nl": "Hal"})
    assessment = actions.start_assessment(organisation, actor=owner, activities=[camera, other])
    assert "Hal: Diefstal voorkomen" in assessment.description["purposes"]


def test_another_organisations_activity_cannot_be_assessed(
    organisation, owner, other_organisation, other_owner
):
    foreign = make_activity(other_organisation, other_owner)
    with pytest.raises(actions.DpiaError):
        actions.start_assessment(organisation, actor=owner, activities=[foreign])
    assert not Assessment.objects.exists()


def test_sign_off_marks_the_activity_done_and_keeps_the_version(assessment, camera, owner, measure):
    actions.save_risk(assessment, actor=owner, measures=[measure], **risk_values())
    actions.sign_assessment(assessment, actor=owner, **sign_values())
    camera.refresh_from_db()
    assert camera.dpia == "done" and camera.dpia_done_on == SIGNED_ON
    (version,) = AssessmentVersion.objects.filter(assessment=assessment)
    assert version.version == 1 and version.snapshot["risks"][0]["measures"][0]["key"] == "locked"
    assert version.snapshot["signed_by"] == "Olga Owner"
    entry = AuditEntry.objects.get(action="dpia.assessment.signed")
    assert entry.new["activities"] == {"camera": camera.version}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"advice": " "}, "advice"),
        ({"decision": "maybe"}, "decision"),
        ({"signed_by": ""}, "signed_by"),
        ({"signed_on": None}, "signed_on"),
        ({"review_on": None}, "review_on"),
        ({"review_on": SIGNED_ON}, "review_on"),
        ({"decision": "consult"}, "decision"),  # nothing high is left to consult about
    ],
)
def test_an_incomplete_sign_off_is_refused_and_changes_nothing(assessment, owner, values, field):
    actions.save_risk(assessment, actor=owner, **risk_values())
    with pytest.raises(actions.DpiaError) as error:
        actions.sign_assessment(assessment, actor=owner, **sign_values(**values))
    assert field in error.value.errors
    assessment.refresh_from_db()
    assert assessment.status == "draft" and not assessment.versions.exists()


def test_no_risk_no_signature(assessment, owner):
    with pytest.raises(actions.DpiaError) as error:
        actions.sign_assessment(assessment, actor=owner, **sign_values())
    assert "" in error.value.errors


def test_a_high_residual_risk_cannot_be_accepted_only_consulted(assessment, owner):
    actions.save_risk(assessment, actor=owner, **risk_values(residual_likelihood=4))
    with pytest.raises(actions.DpiaError) as error:
        actions.sign_assessment(assessment, actor=owner, **sign_values())
    assert "36 lid 1" in str(error.value.errors["decision"])
    actions.sign_assessment(
        assessment, actor=owner, **sign_values(decision="consult", consulted_on=SIGNED_ON)
    )
    assert assessment.is_signed


def test_a_change_after_signing_starts_a_new_draft_version(assessment, owner):
    actions.save_risk(assessment, actor=owner, **risk_values())
    actions.sign_assessment(assessment, actor=owner, **sign_values())
    actions.save_risk(assessment, actor=owner, **risk_values(kind="disappearance", title="Weg"))
    assessment.refresh_from_db()
    assert assessment.status == "draft" and assessment.version == 2
    assert assessment.versions.get().version == 1  # the signed one is kept as it was
    assert len(assessment.versions.get().snapshot["risks"]) == 1
    actions.sign_assessment(assessment, actor=owner, **sign_values())
    assert [v.version for v in assessment.versions.all()] == [2, 1]


def test_a_changed_activity_marks_its_dpia_for_review(organisation, assessment, camera, owner):
    actions.save_risk(assessment, actor=owner, **risk_values())
    actions.sign_assessment(assessment, actor=owner, **sign_values())
    assert assessment.changed_activities() == []
    assert rule_hits(organisation, "dpia.activity_changed") == []
    camera.refresh_from_db()
    data = {**current_data("activities", camera), "purpose": {"nl": "Ook de parkeerplaats"}}
    register_actions.save_item("activities", organisation, data, actor=owner, instance=camera)
    assessment.refresh_from_db()
    assert [a.key for a in assessment.changed_activities()] == ["camera"]
    (hit,) = rule_hits(organisation, "dpia.activity_changed")
    assert hit.key == str(assessment.pk) and "camera" in hit.message


def rule_hits(organisation, rule_id, today=SIGNED_ON):
    context = context_for(organisation, today)
    return engine.run(context, [engine.REGISTRY[rule_id]])


def test_the_checks_follow_screening_signature_and_review(organisation, camera, owner):
    assert [f.key for f in rule_hits(organisation, "dpia.not_screened")] == ["camera"]
    actions.screen_activity(camera, actor=owner, answers={"ap.camera_surveillance": True})
    assert rule_hits(organisation, "dpia.not_screened") == []
    assert [f.key for f in rule_hits(organisation, "dpia.needed_not_signed")] == ["camera"]
    assessment = actions.start_assessment(organisation, actor=owner, activities=[camera])
    actions.save_risk(assessment, actor=owner, **risk_values(residual_likelihood=4))
    actions.sign_assessment(assessment, actor=owner, **sign_values(decision="change"))
    assert rule_hits(organisation, "dpia.needed_not_signed") == []
    (high,) = rule_hits(organisation, "dpia.high_residual_risk")
    assert high.url == f"/dpia/{assessment.pk}/"
    assert rule_hits(organisation, "dpia.review_overdue") == []
    late = rule_hits(organisation, "dpia.review_overdue", today=datetime.date(2027, 12, 2))
    assert [f.key for f in late] == [str(assessment.pk)]
    # a new screening keeps "done" while the signed DPIA stands
    actions.screen_activity(camera, actor=owner, answers={"ap.camera_surveillance": True})
    camera.refresh_from_db()
    assert camera.dpia == "done"


def test_add_measure_puts_it_in_the_register_and_links_it(organisation, assessment, camera, owner):
    risk = actions.save_risk(assessment, actor=owner, **risk_values())
    measure = actions.add_measure(
        assessment,
        actor=owner,
        risk=risk,
        key="recorder-locked",
        name={"nl": "Recorder achter slot", "en": "Recorder locked away"},
        kind="technical",
    )
    assert measure.organisation == organisation
    assert list(risk.measures.all()) == [measure]
    assert camera.security_measures.filter(key="recorder-locked").exists()
    assert AuditEntry.objects.filter(action="register.security_measure.created").exists()
    with pytest.raises(actions.DpiaError):  # the same key twice
        actions.add_measure(
            assessment,
            actor=owner,
            risk=risk,
            key="recorder-locked",
            name={"nl": "X"},
            kind="technical",
        )


def test_measures_and_risks_of_others_are_refused(
    organisation, assessment, owner, other_organisation, other_owner
):
    register_actions.save_item(
        "security_measures",
        other_organisation,
        {"key": "theirs", "name": {"nl": "Van een ander"}, "kind": "technical"},
        actor=other_owner,
    )
    theirs = SecurityMeasure.objects.get(organisation=other_organisation)
    with pytest.raises(actions.DpiaError):
        actions.save_risk(assessment, actor=owner, measures=[theirs], **risk_values())
    assert not assessment.risks.exists()
    foreign = actions.start_assessment(
        other_organisation,
        actor=other_owner,
        activities=[make_activity(other_organisation, other_owner)],
    )
    risk = actions.save_risk(foreign, actor=other_owner, **risk_values())
    with pytest.raises(actions.DpiaError):
        actions.save_risk(assessment, actor=owner, risk=risk, **risk_values(title="Overgenomen"))
    risk.refresh_from_db()
    assert risk.title == "Onbevoegde toegang tot beelden"


@pytest.mark.parametrize(
    "name", ["severity", "likelihood", "residual_severity", "residual_likelihood"]
)
@pytest.mark.parametrize("value", [0, 5, None])
def test_a_scale_outside_one_to_four_is_refused(assessment, owner, name, value):
    with pytest.raises(actions.DpiaError) as error:
        actions.save_risk(assessment, actor=owner, **risk_values(**{name: value}))
    assert name in error.value.errors and not assessment.risks.exists()


@given(st.integers(1, 4), st.integers(1, 4))
def test_risk_levels_are_symmetric_and_grow(severity, likelihood):
    assert level(severity, likelihood) == level(likelihood, severity)
    order = [LOW, MEDIUM, HIGH]
    if severity < 4:
        assert order.index(level(severity + 1, likelihood)) >= order.index(
            level(severity, likelihood)
        )
    assert (level(severity, likelihood) == HIGH) == (
        min(severity, likelihood) >= 3
        or (max(severity, likelihood) == 4 and min(severity, likelihood) >= 2)
    )


def test_a_signed_version_is_not_signed_over(assessment, owner):
    actions.save_risk(assessment, actor=owner, **risk_values())
    actions.sign_assessment(assessment, actor=owner, **sign_values())
    with pytest.raises(actions.DpiaError):
        actions.sign_assessment(assessment, actor=owner, **sign_values(signed_by="Iemand anders"))
    assert assessment.versions.get().signed_by == "Olga Owner"


def test_unknown_parts_and_kinds_are_not_stored(assessment, owner):
    actions.save_assessment(
        assessment,
        actor=owner,
        title="Camera",
        description={"purposes": "Diefstal", "made_up": "x"},
        necessity={"rights": "Via het privacyportaal", "other": "y"},
    )
    assessment.refresh_from_db()
    assert assessment.description == {"purposes": "Diefstal"}
    assert assessment.necessity == {"rights": "Via het privacyportaal"}
    with pytest.raises(actions.DpiaError) as error:
        actions.save_risk(assessment, actor=owner, **risk_values(kind="meteorite"))
    assert "kind" in error.value.errors and not assessment.risks.exists()
