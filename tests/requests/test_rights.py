"""Every right in full: lifting a restriction (told first), an objection (restricted at once
where promised, Art. 21(1) grounds, direct marketing never refused, the answer naming only the
activities concerned), direct transmission (Art. 20(2)) and tasks only for the chosen groups."""

import pytest

from waarborg.audit.models import AuditEntry
from waarborg.core.models import Term
from waarborg.register.models import ProcessingActivity
from waarborg.requests import actions
from waarborg.requests.actions import RequestError
from waarborg.requests.models import (
    Kind,
    RequestTask,
    TaskKind,
    TaskOutcome,
    TaskStatus,
    Verification,
)

from .conftest import link_in


def _new(firm, committed, kind, **extra):
    extra.setdefault("email", "jan.dejong@example.nl")
    with committed():
        subject_request = actions.create_request(
            firm, actor=None, kind=kind, channel="web", name="Jan de Jong", **extra
        )
    actions.verify_request(
        subject_request,
        actor=None,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant",
    )
    subject_request.refresh_from_db()
    return subject_request


def _resolve(subject_request, actor, outcome=TaskOutcome.DONE):
    for task in subject_request.tasks.all():
        if task.is_open:
            actions.update_task(task, actor=actor, outcome=outcome)


def test_a_restriction_is_lifted_only_after_the_person_was_told(
    firm, committed, outbox, handler, privacy_officer
):
    subject_request = _new(firm, committed, Kind.RESTRICTION, restriction_ground="accuracy")
    assert subject_request.restriction_ground == "accuracy"
    _resolve(subject_request, handler)
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    task = subject_request.tasks.filter(kind=TaskKind.SYSTEM).first()
    assert task.pk in {t.pk for t in actions.liftable(subject_request)}
    with pytest.raises(RequestError, match="first|eerst"):
        actions.lift_restriction(task, actor=privacy_officer, reason="juistheid vastgesteld")
    with committed():
        actions.announce_lifting(task, actor=privacy_officer)
    told = outbox[-1]
    assert told.to == ["jan.dejong@example.nl"] and "opheffen" in told.body
    assert "18(1)(a)" in told.body or "18, lid 1" in told.body or "juistheid" in told.body
    task.refresh_from_db()
    with pytest.raises(RequestError):
        actions.lift_restriction(task, actor=privacy_officer, reason=" ")
    actions.lift_restriction(task, actor=privacy_officer, reason="De juistheid is vastgesteld")
    steps = list(
        AuditEntry.objects.filter(
            organisation=firm,
            action__in=["request.restriction_lift_announced", "request.restriction_lifted"],
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert steps == ["request.restriction_lift_announced", "request.restriction_lifted"]
    assert task.pk not in {t.pk for t in actions.liftable(subject_request)}


def test_portability_sends_the_link_only_to_the_controller_named(
    firm, committed, outbox, handler, privacy_officer
):
    with pytest.raises(RequestError):
        actions.create_request(
            firm,
            actor=None,
            kind=Kind.PORTABILITY,
            channel="web",
            name="Jan",
            email="jan.dejong@example.nl",
            transmit_to="Nieuwe Leverancier B.V.",
        )
    subject_request = _new(
        firm,
        committed,
        Kind.PORTABILITY,
        transmit_to="Nieuwe Leverancier B.V.",
        transmit_email="Overdracht@Nieuwe.example",
    )
    _resolve(subject_request, handler, TaskOutcome.NOTHING_FOUND)
    outbox.clear()
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    to_controller = [m for m in outbox if m.to == ["overdracht@nieuwe.example"]]
    to_person = [m for m in outbox if m.to == ["jan.dejong@example.nl"]]
    assert len(to_controller) == 1 and len(to_person) == 1 and len(outbox) == 2
    assert "/download/" in link_in(to_controller[0], "/download/")
    assert "/download/" not in to_person[0].body
    assert "Nieuwe Leverancier B.V." in to_person[0].body
    entry = AuditEntry.objects.get(organisation=firm, action="request.transmitted")
    assert entry.new["to"] == "overdracht@nieuwe.example"


def test_portability_not_feasible_tells_the_person(
    firm, committed, outbox, handler, privacy_officer
):
    subject_request = _new(
        firm,
        committed,
        Kind.PORTABILITY,
        transmit_to="Ander B.V.",
        transmit_email="data@ander.example",
    )
    with pytest.raises(RequestError):
        actions.record_not_feasible(subject_request, actor=privacy_officer, reason="")
    actions.record_not_feasible(
        subject_request, actor=privacy_officer, reason="Ander B.V. neemt geen bestanden aan"
    )
    _resolve(subject_request, handler, TaskOutcome.NOTHING_FOUND)
    outbox.clear()
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    assert [m.to for m in outbox] == [["jan.dejong@example.nl"]]
    assert "neemt geen bestanden aan" in outbox[0].body and "/download/" in outbox[0].body


def test_a_direct_marketing_objection_is_never_refused(firm, committed, privacy_officer):
    subject_request = _new(firm, committed, Kind.OBJECTION, direct_marketing=True)
    for ground in ("compelling", "legal_claims", "unfounded"):
        with pytest.raises(RequestError, match="21"):
            actions.refuse_request(
                subject_request, actor=privacy_officer, ground=ground, reasons="nee"
            )


def test_an_objection_21_1_refusal_has_its_grounds(
    firm, committed, outbox, handler, privacy_officer
):
    access = _new(firm, committed, Kind.ACCESS)
    with pytest.raises(RequestError):
        actions.refuse_request(access, actor=privacy_officer, ground="compelling", reasons="x")
    actions.save_settings(firm, actor=privacy_officer, restrict_on_objection=True)
    # named: a general objection also concerns the service offers (direct marketing), which
    # may only be refused in part (tests/requests/test_direct_marketing.py)
    telephony = ProcessingActivity.objects.get(organisation=firm, key="telephony")
    objection = _new(firm, committed, Kind.OBJECTION, activities=[telephony])
    assert objection.restricted_pending_at is not None
    actions.waive_open_tasks(objection, actor=privacy_officer, reason="bezwaar afgewezen")
    with committed():
        actions.refuse_request(
            objection,
            actor=privacy_officer,
            ground="compelling",
            reasons="Camerabeelden zijn nodig voor de veiligheid van het personeel.",
        )
    assert "dwingende gerechtvaardigde" in outbox[-1].body.lower()
    # refused: the restriction pending the decision is offered for lifting, the person told first
    pending = actions.liftable(objection)
    assert pending
    with committed():
        actions.announce_lifting(pending[0], actor=privacy_officer)
    actions.lift_restriction(pending[0], actor=privacy_officer, reason="bezwaar afgewezen")
    assert "opheffen" in outbox[-1].body


def test_an_objection_restricts_at_once_and_names_only_its_activities(
    firm, committed, outbox, handler, privacy_officer
):
    actions.save_settings(firm, actor=privacy_officer, restrict_on_objection=True)
    telephony = ProcessingActivity.objects.get(organisation=firm, key="telephony")
    subject_request = _new(
        firm, committed, Kind.OBJECTION, activities=[telephony], description="Geen opnames"
    )
    tasks = list(subject_request.tasks.filter(kind=TaskKind.SYSTEM))
    assert [t.system.key for t in tasks] == ["telefooncentrale"]
    assert all(t.result.get("pending_restriction") for t in tasks)
    assert subject_request.restriction_ground == "objection"
    entry = AuditEntry.objects.get(organisation=firm, action="request.restricted_pending")
    assert entry.new["activities"] == ["telephony"]
    _resolve(subject_request, handler)
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    body = outbox[-1].body
    assert "Telefonie" in body or "elephon" in body
    assert actions.liftable(subject_request) == []  # upheld: stopped for good, not lifted
    for other in ("Facturering", "Klantadministratie", "Boekhouding", "Webwinkel"):
        assert other not in body
    # without named activities: only those on Art. 6(1)(e) or (f)
    general = _new(firm, committed, Kind.OBJECTION)
    keys = {t.system.key for t in general.tasks.filter(kind=TaskKind.SYSTEM)}
    assert "webshop" not in keys and "boekhouding" not in keys
    assert {"mailbox", "telefooncentrale"} <= keys


def test_tasks_only_for_the_systems_of_the_chosen_groups(firm, committed):
    everyone = _new(firm, committed, Kind.RECTIFICATION)
    caller = Term.objects.get(kind="data_subject", code="caller")
    callers = _new(firm, committed, Kind.RECTIFICATION, subject_groups=[caller])
    few = set(callers.tasks.filter(kind=TaskKind.SYSTEM).values_list("system__key", flat=True))
    assert few == {"telefooncentrale"}
    assert everyone.tasks.filter(kind=TaskKind.SYSTEM).count() > len(few)
    recipients = RequestTask.objects.filter(request=callers, kind=TaskKind.NOTIFY)
    parties = {t.party.key for t in recipients}
    telephony = ProcessingActivity.objects.get(organisation=firm, key="telephony")
    assert parties <= {p.key for p in telephony.recipients.all()}
    assert TaskStatus.OPEN in set(callers.tasks.values_list("status", flat=True))
