"""A direct-marketing objection (Art. 21(2)-(3)) is recognised from the register's mark on a
processing activity, can never be refused, and its answer names exactly the activities
concerned. The demo firm's register marks the newsletter and the service offers."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from waarborg.core import actions as core_actions
from waarborg.core.fields import translated
from waarborg.register.models import ProcessingActivity
from waarborg.requests import actions
from waarborg.requests.actions import RequestError
from waarborg.requests.actions.tasks import concerned_activities
from waarborg.requests.forms import StaffIntakeForm
from waarborg.requests.models import Kind, RefusalGround, TaskKind, TaskOutcome, Verification

KEYS = [
    "contact",
    "customer-administration",
    "financial-administration",
    "newsletter",
    "recruitment",
    "service-offers",
    "telephony",
    "website-statistics",
]


def _objection(firm, committed, **extra):
    with committed():
        subject_request = actions.create_request(
            firm,
            actor=None,
            kind=Kind.OBJECTION,
            channel="web",
            name="Jan de Jong",
            email="jan.dejong@example.nl",
            **extra,
        )
    actions.verify_request(
        subject_request, actor=None, method=Verification.STAFF, identifiers=["email"], note="klant"
    )
    subject_request.refresh_from_db()
    return subject_request


def _activity(firm, key):
    return ProcessingActivity.objects.get(organisation=firm, key=key)


def _answer(subject_request, handler, privacy_officer, committed, outbox):
    for task in subject_request.tasks.all():
        if task.is_open:
            actions.update_task(task, actor=handler, outcome=TaskOutcome.DONE)
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    return outbox[-1].body


def test_an_objection_to_a_marketing_activity_is_recognised(firm, committed):
    offers = _activity(firm, "service-offers")
    assert offers.direct_marketing
    subject_request = _objection(firm, committed, activities=[offers])
    assert subject_request.direct_marketing
    assert subject_request.tasks.filter(kind=TaskKind.LEDGER).exists()
    task = subject_request.tasks.get(kind=TaskKind.SYSTEM)
    assert task.system.key == "telefooncentrale" and "21" in task.instructions
    telephony = _objection(firm, committed, activities=[_activity(firm, "telephony")])
    assert not telephony.direct_marketing


def test_a_direct_marketing_objection_names_exactly_the_marketing_activities(
    firm, committed, outbox, handler, privacy_officer
):
    subject_request = _objection(firm, committed, direct_marketing=True)
    concerned = {a.key for a in concerned_activities(subject_request)}
    assert concerned == {"newsletter", "service-offers"}
    systems = set(
        subject_request.tasks.filter(kind=TaskKind.SYSTEM).values_list("system__key", flat=True)
    )
    assert systems == {"nieuwsbrief", "telefooncentrale"}
    assert subject_request.restricted_pending_at is None  # takes effect at once, not pending
    body = _answer(subject_request, handler, privacy_officer, committed, outbox)
    assert "Nieuwsbrief" in body and "Onderhoudsacties" in body
    for other in ("Telefonie", "Klantadministratie", "Financiële administratie", "Werving"):
        assert other not in body  # the shared phone system does not name telephony


@pytest.mark.parametrize("ground", RefusalGround.values)
@pytest.mark.parametrize("partly", [False, True])
def test_a_marketing_objection_is_never_refused(
    firm, committed, outbox, privacy_officer, ground, partly
):
    subject_request = _objection(firm, committed, activities=[_activity(firm, "service-offers")])
    actions.waive_open_tasks(subject_request, actor=privacy_officer, reason="afgewezen")
    outbox.clear()
    with pytest.raises(RequestError, match="21"):
        actions.refuse_request(
            subject_request, actor=privacy_officer, ground=ground, reasons="nee", partly=partly
        )
    subject_request.refresh_from_db()
    assert subject_request.is_open and not outbox


def test_marked_later_in_the_register_still_never_refused(firm, committed, privacy_officer):
    """Recognised at the refusal too: an activity marked after intake."""
    telephony = _activity(firm, "telephony")
    subject_request = _objection(firm, committed, activities=[telephony])
    telephony.direct_marketing = True
    telephony.save(update_fields=["direct_marketing"])
    actions.waive_open_tasks(subject_request, actor=privacy_officer, reason="afgewezen")
    with pytest.raises(RequestError, match="21"):
        actions.refuse_request(
            subject_request, actor=privacy_officer, ground="compelling", reasons="nee"
        )


def test_another_organisations_marketing_activity_is_not_concerned(
    firm, committed, other_organisation, other_owner
):
    from waarborg import demo

    demo.build_register(other_organisation, other_owner)
    subject_request = _objection(firm, committed, direct_marketing=True)
    ids = {a.pk for a in concerned_activities(subject_request)}
    assert ids and all(
        ProcessingActivity.objects.get(pk=pk).organisation_id == firm.pk for pk in ids
    )


def test_the_staff_form_says_which_activities_are_direct_marketing(firm):
    form = StaffIntakeForm(organisation=firm)
    labels = {str(label) for _value, label in form.fields["activities"].choices}
    assert any("Onderhoudsacties" in label and "direct marketing" in label for label in labels)
    assert any(label == "Telefonie" for label in labels)


class TestAnswerNamesTheActivitiesConcerned(HypothesisTestCase):
    """Property: for any choice of activities objected to and any task outcomes, the answer
    names an activity as stopped exactly when it is concerned and a task of one of its systems
    is done (or, for direct marketing without a system, the ledger did it); never another."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        chosen=st.sets(st.sampled_from(KEYS), max_size=4),
        marketing=st.booleans(),
        outcomes=st.lists(
            st.sampled_from([TaskOutcome.DONE, TaskOutcome.NOTHING_FOUND]), min_size=6, max_size=6
        ),
    )
    def test_property(self, chosen, marketing, outcomes):
        from django.core import mail

        from waarborg import demo

        owner = core_actions.create_user(email="eigenaar@example.nl", password="x" * 12)
        firm = core_actions.create_organisation(
            actor=owner, owner=owner, name="Firma", slug="firma", privacy_email="p@example.nl"
        )
        demo.build_register(firm, owner)
        activities = [_activity(firm, key) for key in sorted(chosen)]
        subject_request = actions.create_request(
            firm,
            actor=None,
            kind=Kind.OBJECTION,
            channel="web",
            name="Jan",
            email="jan@example.nl",
            activities=activities,
            direct_marketing=marketing,
        )
        actions.verify_request(
            subject_request, actor=owner, method=Verification.STAFF, identifiers=["email"], note="k"
        )
        tasks = list(subject_request.tasks.filter(kind=TaskKind.SYSTEM).order_by("pk"))
        for task, outcome in zip(tasks, outcomes * 3, strict=False):
            actions.update_task(task, actor=owner, outcome=outcome)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            actions.send_answer(subject_request, actor=owner)
        body = mail.outbox[-1].body
        done = {t.system_id for t in subject_request.tasks.filter(outcome=TaskOutcome.DONE)}
        concerned = concerned_activities(subject_request)
        concerned_keys = {a.key for a in concerned}
        if chosen:
            assert concerned_keys == chosen
        stopped_line = next((line for line in body.splitlines() if "gestopt" in line), "")
        for key in KEYS:
            activity = _activity(firm, key)
            systems = {s.pk for s in activity.systems.all()}
            expected = key in concerned_keys and (
                bool(systems & done) or (not systems and activity.direct_marketing)
            )
            assert (translated(activity.name, "nl") in stopped_line) == expected, key


def test_a_general_objection_is_refused_only_in_part_after_stopping_the_marketing(
    firm, committed, outbox, handler, privacy_officer
):
    """No activity named: every activity on Art. 6(1)(e) or (f), the service offers among
    them. The marketing part is always granted; the rest may be refused."""
    subject_request = _objection(firm, committed)
    assert not subject_request.direct_marketing
    keys = {a.key for a in concerned_activities(subject_request)}
    assert "service-offers" in keys and "telephony" in keys
    actions.waive_open_tasks(subject_request, actor=privacy_officer, reason="afgewezen")
    with pytest.raises(RequestError, match="21"):
        actions.refuse_request(
            subject_request, actor=privacy_officer, ground="compelling", reasons="nee"
        )
    with pytest.raises(RequestError, match="21"):  # not before the marketing is stopped
        actions.refuse_request(
            subject_request, actor=privacy_officer, ground="compelling", reasons="nee", partly=True
        )
    assert subject_request.is_open


def test_a_mixed_objection_partly_refused_once_the_marketing_stopped(
    firm, committed, outbox, handler, privacy_officer
):
    offers, contact = _activity(firm, "service-offers"), _activity(firm, "contact")
    subject_request = _objection(firm, committed, activities=[offers, contact])
    assert not subject_request.direct_marketing  # not only direct marketing
    phone = subject_request.tasks.get(system__key="telefooncentrale")
    actions.update_task(phone, actor=handler, outcome=TaskOutcome.DONE)
    actions.waive_open_tasks(subject_request, actor=privacy_officer, reason="mail nodig")
    with committed():
        actions.refuse_request(
            subject_request,
            actor=privacy_officer,
            ground="compelling",
            reasons="Wij bewaren uw e-mails om uw vragen te beantwoorden.",
            partly=True,
        )
    assert "Telefooncentrale" in outbox[-1].body or "telefooncentrale" in outbox[-1].body
    phone.refresh_from_db()
    assert phone.result["stopped"]  # the granted part is stopped for good
    assert phone not in actions.liftable(subject_request)


def test_the_answer_says_every_channel_only_where_the_ledger_recorded_it(
    firm, committed, outbox, owner, handler, privacy_officer
):
    """A direct-marketing objection by post, without an address or number: the consent
    ledger could record nothing, so the answer does not claim it took effect for every
    channel; with an address and a marketing purpose it does, truly."""
    from waarborg.consent import actions as consent_actions
    from waarborg.consent.models import ConsentState

    consent_actions.save_purpose(
        firm,
        actor=owner,
        key="nieuwsbrief",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism="opt_in",
        direct_marketing=True,
        wording={"nl": "Ja, stuur mij de nieuwsbrief.", "en": "Yes."},
    )
    by_post = actions.create_request(
        firm,
        actor=handler,
        kind=Kind.OBJECTION,
        channel="letter",
        name="Henk Smit",
        postal_address="Lindelaan 4\n3991 CD Houten",
        direct_marketing=True,
    )
    actions.verify_request(by_post, actor=handler, method=Verification.STAFF, note="brief")
    for task in by_post.tasks.all():
        if task.is_open:
            actions.update_task(task, actor=handler, outcome=TaskOutcome.DONE)
    actions.send_answer(by_post, actor=privacy_officer)
    letter = by_post.letters.get(key="answer_objection")
    assert "voor alle kanalen" not in letter.body
    assert "Nieuwsbrief" in letter.body  # the activity stopped in its system is named
    body = _answer(
        _objection(firm, committed, direct_marketing=True),
        handler,
        privacy_officer,
        committed,
        outbox,
    )
    assert "voor alle kanalen" in body
    state = ConsentState.objects.get(organisation=firm, person_key="jan.dejong@example.nl")
    assert state.status == "objected"
