"""A request's task form reads like the other forms: each label above its own input, all
starting at the same left edge, the inputs as wide as each other."""

import pytest

from tests.e2e.conftest import sign_in
from waarborg import demo
from waarborg.requests import actions
from waarborg.requests.models import Kind, Verification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEASURE = """form => [...form.querySelectorAll('label[for]')].map(label => {
  const input = document.getElementById(label.htmlFor);
  const l = label.getBoundingClientRect(), i = input.getBoundingClientRect();
  return {name: input.name, label: [l.left, l.top, l.bottom], input: [i.left, i.top, i.width]};
})"""


def test_labels_sit_above_their_inputs_in_one_column(
    live_server, page, organisation, owner, privacy_officer
):
    demo.build_register(organisation, owner)
    subject_request = actions.create_request(
        organisation, actor=None, kind=Kind.ACCESS, channel="web", name="Jan de Jong",
        email="jan.dejong@example.nl",
    )  # fmt: skip
    actions.verify_request(
        subject_request, actor=None, method=Verification.STAFF, identifiers=["email"], note="ok"
    )
    task = subject_request.tasks.filter(automatic=False).first()
    sign_in(page, live_server.url, privacy_officer)
    page.goto(f"{live_server.url}/requests/{subject_request.pk}/")
    page.click(f"#task-{task.pk} > summary")
    form = page.locator(f"form[action$='/tasks/{task.pk}/']").first
    assert form.is_visible()
    rows = form.evaluate(MEASURE)
    assert {row["name"] for row in rows} >= {"outcome", "reason", "assignee", "notes", "upload"}
    lefts = {round(row["label"][0]) for row in rows} | {round(row["input"][0]) for row in rows}
    assert len(lefts) == 1, rows  # one left edge for every label and input
    for row in rows:
        assert row["label"][2] <= row["input"][1] + 1, row  # the label above its input
    tops = [row["label"][1] for row in rows]
    assert tops == sorted(tops)
    widths = {round(row["input"][2]) for row in rows if row["name"] != "upload"}
    assert len(widths) == 1, rows
