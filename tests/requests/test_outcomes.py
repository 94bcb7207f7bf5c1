"""Every letter states only what happened: answers are built from the tasks' outcomes.

A property-based test generates random outcomes for a request's systems and checks that the
answer letter says, per system, exactly its outcome; the others check that a refusal and a
closure wait for every task, and that only a privacy officer waives one, with the reason.
"""

from datetime import date

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from waarborg.audit.models import AuditEntry
from waarborg.requests import actions, letters, statements
from waarborg.requests.actions import RequestError
from waarborg.requests.models import (
    Kind,
    RequestTask,
    Status,
    SubjectRequest,
    TaskKind,
    TaskOutcome,
    TaskStatus,
    Verification,
)

# What a statement of each outcome must say, and what it must never say, per language.
SAYS = {
    "nl": {
        "erased": "gewist",
        "kept": "bewaard",
        "nothing": "geen gegevens van u",
        "not_applicable": "niet van toepassing",
        "waived": "niet behandeld",
        "restricted": "beperkt",
    },
    "en": {
        "erased": "erased",
        "kept": "kept",
        "nothing": "found no data",
        "not_applicable": "not applicable",
        "waived": "not handled",
        "restricted": "restricted",
    },
}
REASON = st.from_regex(r"[xyzq]{2,8}( [xyzq]{2,8}){0,3}", fullmatch=True)
TASK = st.tuples(
    st.sampled_from([*TaskOutcome.values, "waived", "open"]), REASON, st.booleans(), REASON
)


def _tasks(drawn):
    tasks = []
    for number, (outcome, reason, for_person, note) in enumerate(drawn, 1):
        task = RequestTask(
            pk=number, kind=TaskKind.SYSTEM, title=f"Systeem {number}", notes=f"N{number}n {note}"
        )
        task.notes_for_person = for_person
        if outcome == "open":
            task.status = TaskStatus.OPEN
        elif outcome == "waived":
            task.status = TaskStatus.WAIVED
            task.waiver_reason = reason
        else:
            task.status = (
                TaskStatus.NOT_APPLICABLE
                if outcome == TaskOutcome.NOT_APPLICABLE
                else TaskStatus.DONE
            )
            task.outcome = outcome
            task.outcome_reason = reason
        tasks.append((outcome, reason, task))
    return tasks


@given(
    drawn=st.lists(TASK, min_size=1, max_size=6),
    kind=st.sampled_from(
        [Kind.ACCESS, Kind.ERASURE, Kind.RECTIFICATION, Kind.RESTRICTION, Kind.PORTABILITY]
    ),
    language=st.sampled_from(["nl", "en"]),
)
def test_every_answer_letter_states_exactly_the_outcomes(firm, drawn, kind, language):
    subject_request = SubjectRequest(
        organisation=firm,
        reference="2026-0001",
        kind=kind,
        language=language,
        name="Jan de Jong",
        received_at=timezone.now(),
    )
    tasks = _tasks(drawn)
    said = statements.statements(subject_request, [task for _o, _r, task in tasks])
    _subject, body = letters.render(
        firm,
        f"answer_{kind}",
        language,
        {
            "reference": subject_request.reference,
            "name": subject_request.name,
            "statements": said,
            "recipients": [],
            "link": "https://example.invalid/download",
            "link_valid_until": date(2026, 3, 1),
        },
    )
    lines = body.splitlines()
    words = SAYS[language]
    for outcome, reason, task in tasks:
        mine = [line for line in lines if line.startswith(f"- {task.title}:")]
        if outcome == "open":
            assert mine == [], "an open task is never reported"
            continue
        assert len(mine) == 1, "one statement per system"
        line = mine[0].lower()
        if outcome == TaskOutcome.DONE and kind == Kind.ERASURE:
            assert words["erased"] in line and words["kept"] not in line
        if outcome == TaskOutcome.LEGAL_HOLD:
            assert words["kept"] in line and reason in line and words["erased"] not in line
        if outcome == TaskOutcome.NOTHING_FOUND:
            assert words["nothing"] in line
        if outcome == TaskOutcome.NOT_APPLICABLE:
            assert words["not_applicable"] in line and reason in line
        if outcome == "waived":
            assert words["waived"] in line and reason in line
        if outcome == TaskOutcome.RESTRICTED:
            assert words["restricted"] in line and words["erased"] not in line
        if outcome != TaskOutcome.DONE or kind != Kind.ERASURE:
            assert words["erased"] not in line, "erased only where the outcome says so"
        if task.notes_for_person:
            position = lines.index(mine[0])
            assert lines[position + 1].strip() == task.notes.strip()
        else:
            assert task.notes not in body
    # "we found no data" only where the outcome says so
    nothing = sum(outcome == TaskOutcome.NOTHING_FOUND for outcome, _r, _t in tasks)
    assert body.lower().count(words["nothing"]) == nothing


def _erasure(firm, committed, privacy_officer, handler):
    with committed():
        subject_request = actions.create_request(
            firm,
            actor=None,
            kind=Kind.ERASURE,
            channel="web",
            name="Jan de Jong",
            email="jan.dejong@example.nl",
        )
    actions.verify_request(
        subject_request,
        actor=handler,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant",
    )
    return subject_request


def test_a_partly_refused_erasure_waits_for_every_task(
    firm, committed, outbox, privacy_officer, handler
):
    subject_request = _erasure(firm, committed, privacy_officer, handler)
    tasks = list(subject_request.tasks.filter(kind=TaskKind.SYSTEM))
    assert len(tasks) >= 2
    with pytest.raises(RequestError):
        actions.refuse_request(
            subject_request,
            actor=privacy_officer,
            ground="exemption",
            reasons="Wij moeten de facturen bewaren.",
            partly=True,
        )
    with pytest.raises(RequestError):
        actions.send_answer(subject_request, actor=privacy_officer, partly=True)
    first, *rest = tasks
    actions.update_task(first, actor=handler, outcome=TaskOutcome.DONE)
    # a handler cannot waive; a privacy officer can, with the reason
    with pytest.raises(RequestError):
        actions.waive_task(rest[0], actor=handler, reason="niet nodig")
    with pytest.raises(RequestError):
        actions.waive_task(rest[0], actor=privacy_officer, reason=" ")
    actions.waive_open_tasks(
        subject_request, actor=privacy_officer, reason="valt onder de weigering"
    )
    assert AuditEntry.objects.filter(organisation=firm, action="request.task_waived").exists()
    with committed():
        actions.refuse_request(
            subject_request,
            actor=privacy_officer,
            ground="exemption",
            reasons="Wij moeten de facturen bewaren.",
            partly=True,
        )
    letter = outbox[-1].body
    name = statements.task_name(first, "nl")
    assert f"- {name}: gewist." in letter
    for task in rest:
        assert f"- {statements.task_name(task, 'nl')}: niet behandeld: valt onder" in letter
    actions.close_request(subject_request, actor=privacy_officer)
    assert SubjectRequest.objects.get(pk=subject_request.pk).status == Status.CLOSED


def test_closure_waits_for_an_open_task(firm, committed, privacy_officer, handler):
    subject_request = _erasure(firm, committed, privacy_officer, handler)
    for task in subject_request.tasks.all():
        actions.update_task(task, actor=handler, outcome=TaskOutcome.NOTHING_FOUND)
    actions.send_answer(subject_request, actor=privacy_officer)
    subject_request.refresh_from_db()
    # a task left open after the answer (a forward without an address, say) stops closure
    RequestTask.objects.create(
        organisation=firm,
        request=subject_request,
        kind=TaskKind.FORWARD,
        title="Woningcorporatie",
    )
    with pytest.raises(RequestError, match="open"):
        actions.close_request(subject_request, actor=privacy_officer)
    subject_request.refresh_from_db()
    assert subject_request.status == Status.ANSWERED and subject_request.email


def test_outcomes_that_need_a_reason(firm, committed, privacy_officer, handler):
    subject_request = _erasure(firm, committed, privacy_officer, handler)
    task = subject_request.tasks.filter(kind=TaskKind.SYSTEM).first()
    for outcome in (TaskOutcome.LEGAL_HOLD, TaskOutcome.NOT_APPLICABLE):
        with pytest.raises(RequestError):
            actions.update_task(task, actor=handler, outcome=outcome)
    actions.update_task(task, actor=handler, outcome=TaskOutcome.NOT_APPLICABLE, reason="geen")
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_APPLICABLE and task.outcome_reason == "geen"
    actions.update_task(task, actor=handler, outcome="")
    task.refresh_from_db()
    assert task.is_open and task.outcome == "" and task.outcome_reason == ""
