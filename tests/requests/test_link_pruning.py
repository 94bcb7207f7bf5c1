"""Link rows do not outlive their use: expired ones are deleted every night (consent's and
requests' links alike), and an erasure deletes every link of the person, only theirs."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from waarborg.consent import links
from waarborg.consent.models import ConsentPurpose, LinkToken, Mechanism
from waarborg.core.links import token_hash
from waarborg.requests import actions as request_actions
from waarborg.requests.models import Kind, RequestLink, TaskStatus, Verification

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _purpose(organisation, key="nieuwsbrief"):
    from waarborg.consent.actions import save_purpose

    return save_purpose(
        organisation,
        actor=None,
        wording={"nl": "Ja, stuur mij de nieuwsbrief.", "en": "Yes, send me the newsletter."},
        key=key,
        name={"nl": "Nieuwsbrief", "en": "Newsletter"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        direct_marketing=True,
    )


def test_expired_links_are_pruned_and_unsubscribe_links_kept(organisation):
    purpose = _purpose(organisation)
    confirm = links.confirm_token(purpose, "lisa@example.nl", "nl")
    preferences = links.preferences_token(organisation, "lisa@example.nl", "nl")
    unsubscribe = links.unsubscribe_token(purpose, "lisa@example.nl")
    assert links.prune_links() == 0  # nothing has expired yet
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert links.prune_links() == 1  # the preferences link (a day)
        links.read_confirm(confirm)  # still good
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert links.prune_links() == 1  # the confirmation (7 days)
        assert links.read_unsubscribe(unsubscribe)["k"] == "lisa@example.nl"
    kept = set(LinkToken.objects.values_list("token_hash", flat=True))
    assert kept == {token_hash(unsubscribe)}
    assert token_hash(preferences) not in kept and token_hash(confirm) not in kept


def test_the_nightly_task_prunes_and_schedules_the_next_night(organisation):
    from django_tasks_db.models import DBTaskResult

    from waarborg.consent.tasks import PRUNE_PATH, next_night, prune_links, schedule_pruning

    purpose = _purpose(organisation)
    links.confirm_token(purpose, "lisa@example.nl", "nl")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        prune_links.call()
        assert not LinkToken.objects.exists()
    waiting = DBTaskResult.objects.get(task_path=PRUNE_PATH, status="READY")
    assert waiting.run_after.astimezone(AMSTERDAM).hour == 3
    assert schedule_pruning() is None  # one waiting night is enough
    evening = datetime(2026, 12, 2, 23, 0, tzinfo=AMSTERDAM)
    assert next_night(evening) == datetime(2026, 12, 3, 3, 0, tzinfo=AMSTERDAM)


def test_expired_request_links_are_pruned_in_the_morning_run(firm, committed, outbox):
    from waarborg.requests.tasks import daily_requests

    with committed():
        request_actions.create_request(
            firm, actor=None, kind=Kind.ACCESS, channel="web", name="Jan", email="jan@x.nl"
        )
    assert RequestLink.objects.count() == 1
    days = request_actions.settings_for(firm).verification_days
    with time_machine.travel(timezone.now() + timedelta(days=days - 1)):
        daily_requests.call()
        assert RequestLink.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(days=days + 1)):
        daily_requests.call()
        assert RequestLink.objects.count() == 0


def _erased(firm, officer, committed, email):
    with committed():
        subject_request = request_actions.create_request(
            firm, actor=None, kind=Kind.ERASURE, channel="web", name="Lisa", email=email
        )
    request_actions.verify_request(
        subject_request,
        actor=officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant",
    )
    for task in subject_request.tasks.all():
        request_actions.update_task(
            task, actor=officer, status=TaskStatus.NOT_APPLICABLE, reason="geen gegevens"
        )
    with committed():
        request_actions.send_answer(subject_request, actor=officer)
    return request_actions.close_request(subject_request, actor=officer)


def test_an_erasure_deletes_the_persons_links_and_only_theirs(
    firm, other_organisation, privacy_officer, committed, outbox
):
    from waarborg.audit.models import AuditEntry

    purpose = _purpose(firm)
    elsewhere = _purpose(other_organisation)
    for key in ("lisa@example.nl", "piet@example.nl"):
        links.confirm_token(purpose, key, "nl")
        links.unsubscribe_token(purpose, key)
        links.preferences_token(firm, key, "nl")
    links.unsubscribe_token(elsewhere, "lisa@example.nl")  # another organisation's
    closed = _erased(firm, privacy_officer, committed, "Lisa@Example.nl")
    assert not RequestLink.objects.filter(request=closed).exists()
    left = LinkToken.objects.values_list("organisation_id", "person_key")
    assert sorted(left) == sorted(
        [(firm.pk, "piet@example.nl")] * 3 + [(other_organisation.pk, "lisa@example.nl")]
    )
    entry = AuditEntry.objects.filter(organisation=firm, action="request.close").get()
    assert entry.new["links_erased"] == 4  # three of the ledger and the verification link
    assert ConsentPurpose.objects.filter(organisation=firm).count() == 1


def test_an_erasure_with_no_verified_address_deletes_no_ledger_link(
    firm, privacy_officer, committed, outbox
):
    purpose = _purpose(firm)
    links.unsubscribe_token(purpose, "lisa@example.nl")
    with committed():
        subject_request = request_actions.create_request(
            firm, actor=None, kind=Kind.ERASURE, channel="web", name="Lisa", email="lisa@example.nl"
        )
    request_actions.verify_request(
        subject_request, actor=privacy_officer, method=Verification.STAFF, note="aan de balie"
    )
    for task in subject_request.tasks.all():
        request_actions.update_task(
            task, actor=privacy_officer, status=TaskStatus.NOT_APPLICABLE, reason="geen"
        )
    with committed():
        request_actions.send_answer(subject_request, actor=privacy_officer)
    request_actions.close_request(subject_request, actor=privacy_officer)
    assert LinkToken.objects.filter(person_key="lisa@example.nl").count() == 1
