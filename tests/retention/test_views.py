"""The retention page: plan, run now (queued for the worker), evidence, reviews, settings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from waarborg.audit.actions import verify_chain
from waarborg.audit.models import AuditAnchor, AuditEntry
from waarborg.register.models import RetentionRule, System
from waarborg.register.yamlio import apply_starter
from waarborg.retention import actions
from waarborg.retention.models import BuiltinKind, RetentionRun, ReviewTask
from waarborg.retention.tasks import NIGHTLY_PATH, schedule_nightly
from waarborg.sources import actions as source_actions
from waarborg.sources import demo_shop


@pytest.fixture
def shop(organisation, owner, tmp_path):
    apply_starter(organisation, actor=owner)
    system = System.objects.create(organisation=organisation, key="webshop", name={"nl": "Shop"})
    path = demo_shop.build(tmp_path / "shop.db")
    source_actions.connect_source(
        organisation,
        system,
        actor=owner,
        url=f"sqlite:///{path}",
        annotation=demo_shop.ANNOTATION.read_text(),
    )
    return path


@pytest.fixture
def phone_system(organisation, owner):
    apply_starter(organisation, actor=owner)
    system = System.objects.create(
        organisation=organisation,
        key="telefoon",
        name={"nl": "Telefooncentrale"},
        manual_instructions={"nl": "Verwijder in het portaal", "en": "Delete in the portal"},
    )
    system.retention_rules.set(
        [RetentionRule.objects.get(organisation=organisation, key="telephony-5m")]
    )
    return system


def test_the_page_shows_what_is_due_and_why(client_for, privacy_officer, shop):
    response = client_for(privacy_officer).get(reverse("retention:overview"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Belgegevens 5 maanden" in page and "storingsmelding" in page
    assert "anonimiseren" in page
    items = actions.build_plan(privacy_officer.memberships.get().organisation)
    due = {i.collection: i.count for i in items if i.kind == "source"}
    assert due["inlog"] > 0 and due["factuur"] == 0


def test_run_now_queues_the_sweep_and_the_worker_carries_it_out(
    client_for, privacy_officer, organisation, shop, django_capture_on_commit_callbacks
):
    client = client_for(privacy_officer)
    question = client.post(reverse("retention:run"))  # first the plan and a question
    assert question.status_code == 200 and not RetentionRun.objects.exists()
    page = question.content.decode()
    assert "Yes, run the sweep" in page or "Ja, voer de opschoning uit" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("retention:run"), {"confirm": "1"})
    run = RetentionRun.objects.get()
    assert response.url == reverse("retention:run_detail", args=[run.pk])
    assert run.status == RetentionRun.Status.QUEUED
    task = DBTaskResult.objects.get(task_path="waarborg.retention.tasks.run_retention")
    assert task.args_kwargs["args"] == [run.pk]
    actions.execute_run(run)  # what the worker does
    run.refresh_from_db()
    assert run.status == RetentionRun.Status.DONE, run.error
    assert run.rows() > 0
    again = actions.execute_run(run)  # a retried task does not run twice
    assert again.items == run.items
    page = client_for(privacy_officer).get(reverse("retention:run_detail", args=[run.pk]))
    rule = RetentionRule.objects.get(organisation=organisation, key="web-statistics-14m")
    text = page.content.decode()
    assert "inlog" in text and str(rule) in text and "web-statistics-14m" not in text


def test_roles_and_other_organisations(
    client_for, viewer, handler, other_owner, other_organisation, organisation
):
    run = RetentionRun.objects.create(organisation=organisation, trigger="test")
    assert client_for(viewer).get(reverse("retention:overview")).status_code == 200
    assert client_for(handler).post(reverse("retention:run")).status_code == 403
    assert client_for(handler).get(reverse("retention:settings")).status_code == 403
    assert client_for(viewer).get(reverse("retention:run")).status_code == 405
    detail = reverse("retention:run_detail", args=[run.pk])
    assert client_for(other_owner).get(detail).status_code == 404


def test_a_system_without_connection_gets_a_monthly_review(
    client_for, handler, organisation, phone_system
):
    run = actions.execute_run(actions.start_run(organisation, actor=None, trigger="test"))
    task = ReviewTask.objects.get()
    assert next(i for i in run.items if i["kind"] == "review")["review_task"] == task.pk
    page = client_for(handler).get(reverse("retention:overview")).content.decode()
    assert "Verwijder in het portaal" in page
    response = client_for(handler).post(
        reverse("retention:review_done", args=[task.pk]), {"note": "portal emptied"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_by == handler and task.note == "portal emptied"
    assert AuditEntry.objects.filter(action="retention.review_done").exists()
    actions.execute_run(actions.start_run(organisation, actor=None, trigger="test"))
    follow_up = ReviewTask.objects.get(done_at__isnull=True)
    assert follow_up.due_on >= timezone.localdate() + timedelta(days=28)


def test_audit_entries_past_their_period_go_and_the_chain_still_verifies(
    owner, organisation, client_for
):
    old = timezone.now() - timedelta(days=800)
    AuditEntry.objects.filter(organisation=organisation).update(created_at=old)
    response = client_for(owner).post(
        reverse("retention:settings"),
        {
            "audit_entries": "P1Y",
            "closed_requests": "P2Y",
            "access_packages": "P30D",
            "id_uploads": "P0D",
            "consent_evidence": "",
        },
    )
    assert response.status_code == 302
    settings_entry = AuditEntry.objects.filter(action="retention.settings").get()
    kept = settings_entry.seq
    removed = actions.prune_audit(
        organisation, actions.local_now() - timedelta(days=365), actor=owner
    )
    assert removed == kept - 1
    assert AuditAnchor.objects.get(organisation=organisation).seq == kept - 1
    assert AuditEntry.objects.filter(action="audit.prune").exists()
    problems = verify_chain(organisation)
    assert [p.reason for p in problems if p.seq < kept] == []


def test_settings_reject_a_wrong_period(client_for, owner, organisation):
    response = client_for(owner).post(reverse("retention:settings"), {"audit_entries": "ooit"})
    assert response.status_code == 200
    assert "Schrijf een periode" in response.content.decode()
    assert not AuditEntry.objects.filter(action="retention.settings").exists()


def test_settings_are_typed_and_shown_in_words(client_for, owner, organisation):
    client = client_for(owner)
    page = client.get(reverse("retention:settings")).content.decode()
    assert 'value="30 dagen"' in page and "P30D" not in page and "ISO" not in page
    response = client.post(
        reverse("retention:settings"), {"audit_entries": "7 jaar", "access_packages": "2 weken"}
    )
    assert response.status_code == 302
    settings = actions.settings_for(organisation)
    assert settings.period(BuiltinKind.AUDIT_ENTRIES) == "P7Y"
    assert settings.period(BuiltinKind.ACCESS_PACKAGES) == "P2W"
    assert 'value="7 jaar"' in client.get(reverse("retention:settings")).content.decode()


def test_the_worker_keeps_one_nightly_sweep_scheduled(db):
    first = schedule_nightly()
    assert schedule_nightly() is None
    waiting = DBTaskResult.objects.get(task_path=NIGHTLY_PATH)
    assert waiting.run_after > timezone.now() and first.id == str(waiting.id)


@pytest.mark.parametrize(
    ("language", "words", "foreign"),
    [
        ("nl", ["anonimiseren", "verwijderen", "december"], ["anonymise", "(staff)", "P14M"]),
        ("en", ["anonymise", "delete", "December"], ["anonimiseren", "(staff)", "P14M"]),
    ],
)
def test_the_pages_speak_one_language_and_write_dates_in_words(
    client_for, privacy_officer, organisation, shop, language, words, foreign
):
    import re

    client = client_for(privacy_officer)
    client.post(reverse("set_language"), {"language": language})
    overview = client.get(reverse("retention:overview")).content.decode()
    confirmed = actions.confirmations(actions.build_plan(organisation), organisation)
    run = actions.queue_run(
        organisation, actor=privacy_officer, trigger="staff", confirmed=confirmed
    )
    actions.execute_run(run)
    detail = client.get(reverse("retention:run_detail", args=[run.pk])).content.decode()
    for page in (overview, detail):
        assert not re.search(r"\d{4}-\d\d-\d\dT?\d", page), "an ISO date where a person reads"
        for word in foreign:
            assert word not in page
    assert all(word in overview + detail for word in words)
