"""Art. 19 letters say what happened: the systems in which the data was in fact corrected,
erased or restricted, and for a rectification the corrected values; never before anything was
done. On the demo web shop (a real SQLite file)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from waarborg.core import actions as core_actions
from waarborg.requests import actions, statements
from waarborg.requests.actions import RequestError
from waarborg.requests.models import Kind, TaskKind, TaskOutcome, Verification

JAN = "jan.dejong@example.nl"


def _request(firm, committed, kind):
    with committed():
        subject_request = actions.create_request(
            firm, actor=None, kind=kind, channel="web", name="Jan de Jong", email=JAN
        )
    actions.verify_request(
        subject_request, actor=None, method=Verification.STAFF, identifiers=["email"], note="k"
    )
    return subject_request


def test_a_rectification_letter_names_the_system_and_the_corrected_value(
    firm, shop, committed, outbox, handler
):
    rectify = _request(firm, committed, Kind.RECTIFICATION)
    exact = rectify.tasks.get(kind=TaskKind.NOTIFY, party__key="exact")
    with pytest.raises(RequestError, match="nog niet|yet"):
        actions.notify_recipient(exact, actor=handler)  # nothing is corrected yet
    assert not exact.letters.exists()
    webshop = rectify.tasks.get(system__key="webshop")
    actions.run_task(webshop, actor=handler, changes={"klant.telefoon": "+31612345678"})
    books = rectify.tasks.get(system__key="boekhouding")
    actions.update_task(books, actor=handler, outcome=TaskOutcome.NOTHING_FOUND)
    outbox.clear()
    with committed():
        actions.notify_recipient(exact, actor=handler)
    body = outbox[-1].body
    assert outbox[-1].to == ["privacy@exact.example"]
    assert "Webwinkel en klantportaal" in body and "klant.telefoon: +31612345678" in body
    assert "Boekhouding" not in body  # nothing was corrected there


class TestTheLetterNamesExactlyTheChangedSystems(HypothesisTestCase):
    """Property: for random outcomes of the system tasks of an erasure, the Art. 19 letter
    names a system exactly when its task ended done or restricted, and is refused when none
    did."""

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        outcomes=st.lists(
            st.sampled_from(
                [
                    TaskOutcome.DONE,
                    TaskOutcome.NOTHING_FOUND,
                    TaskOutcome.RESTRICTED,
                    TaskOutcome.NOT_APPLICABLE,
                    "",
                ]
            ),
            min_size=6,
            max_size=6,
        )
    )
    def test_property(self, outcomes):
        from django.core import mail

        from waarborg import demo

        owner = core_actions.create_user(email="eigenaar@example.nl", password="x" * 12)
        firm = core_actions.create_organisation(
            actor=owner, owner=owner, name="Firma", slug="firma", privacy_email="p@example.nl"
        )
        demo.build_register(firm, owner)
        subject_request = actions.create_request(
            firm, actor=None, kind=Kind.ERASURE, channel="web", name="Jan", email=JAN
        )
        actions.verify_request(
            subject_request, actor=owner, method=Verification.STAFF, identifiers=["email"], note="k"
        )
        systems = list(subject_request.tasks.filter(kind=TaskKind.SYSTEM).order_by("pk"))
        for task, outcome in zip(systems, outcomes * 2, strict=False):
            if outcome:
                actions.update_task(task, actor=owner, outcome=outcome, reason="reden")
        changed = [
            statements.task_name(task, "nl")
            for task, outcome in zip(systems, outcomes * 2, strict=False)
            if outcome in (TaskOutcome.DONE, TaskOutcome.RESTRICTED)
        ]
        notice = subject_request.tasks.get(kind=TaskKind.NOTIFY, party__key="exact")
        mail.outbox.clear()
        if not changed:
            with pytest.raises(RequestError):
                actions.notify_recipient(notice, actor=owner)
            assert mail.outbox == []
            return
        with self.captureOnCommitCallbacks(execute=True):
            actions.notify_recipient(notice, actor=owner)
        line = next(x for x in mail.outbox[-1].body.splitlines() if x.startswith("Wij hebben dat"))
        named = line.removeprefix("Wij hebben dat gedaan in: ").removesuffix(".").split(", ")
        assert sorted(named) == sorted(changed)
