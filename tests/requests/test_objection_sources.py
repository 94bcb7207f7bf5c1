"""An objection restricts in the connected database at once, pending the decision (Art. 18(1)(d)),
where the organisation promises it; a refused objection lifts it there after the person was told
(Art. 18(3)); an upheld one stops that processing for good. On the demo web shop (a real SQLite
file in a folder allowed as a source folder): Jan de Jong (K-1001) and customer 2 (K-1002)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waarborg.audit.models import AuditEntry
from waarborg.register.models import ProcessingActivity
from waarborg.requests import actions
from waarborg.requests.actions import RequestError
from waarborg.requests.actions.rights import _restricted
from waarborg.requests.models import (
    Kind,
    Outcome,
    RequestTask,
    Status,
    SubjectRequest,
    TaskKind,
    TaskOutcome,
    TaskStatus,
    Verification,
)
from waarborg.sources import engine
from waarborg.sources.models import RestrictionRecord

JAN = "jan.dejong@example.nl"


def _flags(shop, email):
    found = engine.access(shop.url, shop.dataset(), {"email": [email]})
    return [row["geblokkeerd"] for row in engine.records(found["klant"])]


def _objection(firm, committed, email=JAN, identifiers=("email",), **extra):
    activity = ProcessingActivity.objects.get(organisation=firm, key="customer-administration")
    with committed():
        subject_request = actions.create_request(
            firm,
            actor=None,
            kind=Kind.OBJECTION,
            channel="web",
            name="Jan de Jong",
            email=email,
            activities=[activity],
            description="Ik wil niet dat jullie mijn klantgegevens nog gebruiken.",
            **extra,
        )
    actions.verify_request(
        subject_request,
        actor=None,
        method=Verification.STAFF,
        identifiers=list(identifiers),
        note="bekende klant, teruggebeld",
    )
    subject_request.refresh_from_db()
    return subject_request


@pytest.fixture
def promised(firm, privacy_officer):
    actions.save_settings(firm, actor=privacy_officer, restrict_on_objection=True)
    return firm


def test_the_intake_restricts_in_the_database_and_a_refusal_lifts_it_after_telling(
    promised, shop, committed, outbox, privacy_officer
):
    objection = _objection(promised, committed)
    assert all(_flags(shop, JAN)) and _flags(shop, JAN)
    assert not any(_flags(shop, "klant2@example.nl"))  # nobody else
    webshop = objection.tasks.get(system__key="webshop")
    assert webshop.result["pending_restriction"] and webshop.result["restricted"]["klant"]
    assert webshop.is_open  # the decision is still to be made
    records = RestrictionRecord.objects.filter(source=shop, reason=objection.reference)
    assert records.exists() and not records.filter(lifted_at__isnull=False).exists()
    entry = AuditEntry.objects.get(organisation=promised, action="request.restricted_pending")
    assert entry.new["database"]["webshop"]["klant"] == 1
    assert AuditEntry.objects.filter(action="source.restrict", object_id=str(shop.pk)).exists()
    assert actions.liftable(objection) == []  # pending: nothing is lifted before the decision

    actions.waive_open_tasks(objection, actor=privacy_officer, reason="bezwaar afgewezen")
    assert actions.liftable(objection) == []  # still open: no decision yet
    with committed():
        actions.refuse_request(
            objection,
            actor=privacy_officer,
            ground="compelling",
            reasons="De administratie is nodig om de garantie op uw ketel na te komen.",
        )
    webshop.refresh_from_db()
    assert webshop in actions.liftable(objection)
    with pytest.raises(RequestError):
        actions.lift_restriction(webshop, actor=privacy_officer, reason="bezwaar afgewezen")
    assert all(_flags(shop, JAN))  # not lifted before the person was told
    with committed():
        actions.announce_lifting(webshop, actor=privacy_officer)
    assert outbox[-1].to == [JAN] and "opheffen" in outbox[-1].body
    webshop.refresh_from_db()
    actions.lift_restriction(webshop, actor=privacy_officer, reason="bezwaar afgewezen")
    assert not any(_flags(shop, JAN))
    assert not records.filter(lifted_at__isnull=True).exists()
    steps = list(
        AuditEntry.objects.filter(
            organisation=promised,
            action__in=[
                "request.restricted_pending",
                "request.refuse",
                "request.restriction_lift_announced",
                "source.unrestrict",
                "request.restriction_lifted",
            ],
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert steps == [
        "request.restricted_pending",
        "request.refuse",
        "request.restriction_lift_announced",
        "source.unrestrict",
        "request.restriction_lifted",
    ]


def test_an_upheld_objection_stops_the_processing_for_good(
    promised, shop, committed, outbox, handler, privacy_officer
):
    objection = _objection(promised, committed)
    for task in objection.tasks.all():
        actions.update_task(task, actor=handler, outcome=TaskOutcome.DONE)
    with committed():
        actions.send_answer(objection, actor=privacy_officer)
    assert all(_flags(shop, JAN))
    assert actions.liftable(objection) == []
    webshop = objection.tasks.get(system__key="webshop")
    assert webshop.result["stopped"]
    with pytest.raises(RequestError):
        actions.announce_lifting(webshop, actor=privacy_officer)
    entry = AuditEntry.objects.get(organisation=promised, action="request.objection_upheld")
    assert entry.new["activities"] == ["customer-administration"]
    assert RestrictionRecord.objects.filter(
        source=shop, reason=objection.reference, lifted_at__isnull=True
    ).exists()


def test_without_the_promise_nothing_is_restricted_at_intake_but_upheld_stops_it(
    firm, shop, committed, outbox, handler, privacy_officer
):
    objection = _objection(firm, committed)
    assert not any(_flags(shop, JAN))
    assert objection.restricted_pending_at is None
    for task in objection.tasks.all():
        actions.update_task(task, actor=handler, outcome=TaskOutcome.DONE)
    with committed():
        actions.send_answer(objection, actor=privacy_officer)
    assert all(_flags(shop, JAN))  # stopped in the connected database too
    assert actions.liftable(objection) == []


def test_a_claimed_customer_number_of_another_person_restricts_nothing(
    promised, shop, committed, outbox
):
    """A new address quoting customer 2's number: nothing of customer 2 (or of anyone) is
    restricted; the task says to do it by hand and the mismatch waits for staff."""
    objection = _objection(
        promised, committed, email="nieuw.adres@example.org", customer_number="K-1002"
    )
    assert not any(_flags(shop, "klant2@example.nl"))
    assert not RestrictionRecord.objects.filter(source=shop).exists()
    webshop = objection.tasks.get(system__key="webshop")
    assert webshop.result["pending_restriction"] and "restricted" not in webshop.result
    assert webshop.result["claimed"]["status"] == "mismatch"
    assert webshop.result["restrict_error"]
    assert actions.pending_decision(objection) == [webshop]
    assert "klant2@example.nl" not in str(webshop.result)


def test_an_unverified_identifier_restricts_nothing(promised, shop, committed):
    """Staff established the identity without naming a verified identifier: nothing is looked
    up automatically, so nothing is restricted in the database; the task says to do it."""
    objection = _objection(promised, committed, identifiers=())
    assert not any(_flags(shop, JAN))
    webshop = objection.tasks.get(system__key="webshop")
    assert webshop.result["restrict_error"] and "restricted" not in webshop.result
    assert "18(1)(d)" in webshop.instructions or "18 lid 1 onder d" in webshop.instructions


@settings(max_examples=200, deadline=None)
@given(
    decision=st.sampled_from([None, Outcome.GRANTED, Outcome.PARTLY, Outcome.REFUSED]),
    outcome=st.sampled_from(["", *TaskOutcome.values]),
    status=st.sampled_from(TaskStatus.values),
    pending=st.booleans(),
)
def test_property_a_pending_restriction_is_lifted_only_after_a_decision_against(
    decision, outcome, status, pending
):
    """The rule, stated once: a restriction pending an objection may be lifted only when the
    request is answered and the objection was refused for that system (refused, or partly
    granted without this system done); never while pending, never after it was upheld."""
    subject_request = SubjectRequest(
        kind=Kind.OBJECTION,
        status=Status.IN_PROGRESS if decision is None else Status.ANSWERED,
        outcome=decision or "",
    )
    task = RequestTask(
        request=subject_request,
        kind=TaskKind.SYSTEM,
        status=status,
        outcome=outcome,
        result={"pending_restriction": True} if pending else {},
    )
    answered_against = decision == Outcome.REFUSED or (
        decision == Outcome.PARTLY and outcome != TaskOutcome.DONE
    )
    task_closed = status not in (TaskStatus.OPEN, TaskStatus.FAILED)
    if pending:
        assert _restricted(task) == (answered_against and task_closed)
    else:
        # an objection's task without a pending restriction is liftable only if it restricted
        assert _restricted(task) == (
            status == TaskStatus.DONE and outcome == TaskOutcome.RESTRICTED
        )


def test_a_direct_marketing_objection_never_restricts_the_customers_data(
    firm, shop, committed, outbox, owner, handler, privacy_officer
):
    """Marketing that uses the web shop's customer list: the objection stops the marketing
    (ledger, do-not-contact), but the customer's rows stay usable for invoicing."""
    from waarborg.register import actions as register_actions
    from waarborg.register.schema import current_data

    offers = ProcessingActivity.objects.get(organisation=firm, key="service-offers")
    data = {**current_data("activities", offers), "systems": ["webshop"]}
    register_actions.save_item("activities", firm, data, actor=owner, instance=offers)
    actions.save_settings(firm, actor=privacy_officer, restrict_on_objection=True)
    with committed():
        subject_request = actions.create_request(
            firm,
            actor=None,
            kind=Kind.OBJECTION,
            channel="web",
            name="Jan de Jong",
            email=JAN,
            activities=[offers],
        )
    actions.verify_request(
        subject_request, actor=None, method=Verification.STAFF, identifiers=["email"], note="k"
    )
    subject_request.refresh_from_db()
    assert subject_request.direct_marketing
    for task in subject_request.tasks.all():
        if task.is_open:
            actions.update_task(task, actor=handler, outcome=TaskOutcome.DONE)
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    assert not any(_flags(shop, JAN))
    assert not RestrictionRecord.objects.filter(source=shop).exists()
    # an Art. 21(1) objection to the customer administration (webshop too) does restrict it
    promised_objection = _objection(firm, committed)
    assert all(_flags(shop, JAN))
    assert promised_objection.tasks.get(system__key="webshop").result["restricted"]
