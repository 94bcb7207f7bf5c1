"""A request's page reads as a checklist (#24): "3 of 10 tasks done" at the top with one line
per task, each task opens to its form, and the answer step appears only when it can be taken."""

import re

from waarborg.requests import actions
from waarborg.requests.models import Kind, TaskOutcome, TaskStatus, Verification


def _request(firm, committed):
    with committed():
        subject_request = actions.create_request(
            firm, actor=None, kind=Kind.ACCESS, channel="web", name="Jan de Jong",
            email="jan.dejong@example.nl",
        )  # fmt: skip
    actions.verify_request(
        subject_request, actor=None, method=Verification.STAFF, identifiers=["email"], note="ok"
    )
    return subject_request


def test_the_page_counts_the_tasks_done_and_lists_each_on_one_line(
    firm, committed, client_for, handler, privacy_officer
):
    subject_request = _request(firm, committed)
    tasks = list(subject_request.tasks.all())
    assert len(tasks) >= 3
    url = f"/requests/{subject_request.pk}/"
    page = client_for(privacy_officer).get(url).content.decode()
    steps = len(tasks) + 2  # the identity, each task, the answer
    assert f"1 van {steps} stappen klaar" in page  # the identity is established
    checklist = re.search(r'<section class="card checklist".*?</section>', page, re.S).group(0)
    for task in tasks:
        assert f'href="#task-{task.pk}"' in checklist
        # each task one closed line that opens to its form
        assert re.search(rf'<details class="card task" id="task-{task.pk}">', page)
    assert f'action="/requests/{subject_request.pk}/answer/"' not in page  # not yet

    actions.update_task(tasks[0], actor=handler, outcome=TaskOutcome.NOTHING_FOUND)
    page = client_for(privacy_officer).get(url).content.decode()
    assert f"2 van {steps} stappen klaar" in page

    for task in tasks[1:]:
        actions.update_task(task, actor=handler, status=TaskStatus.NOT_APPLICABLE, reason="n.v.t.")
    page = client_for(privacy_officer).get(url).content.decode()
    assert f"{steps - 1} van {steps} stappen klaar" in page
    assert f'action="/requests/{subject_request.pk}/answer/"' in page
