"""The index's own retention: its terms are plain, so it keeps no more than it must. The items
of a source no longer connected go at once; the index of a source not indexed again within its
days goes at night; a request's stored hits go once it has been closed for the purge period."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.documents.test_request_review import JAN, _request, _task
from waarborg.audit.models import AuditEntry
from waarborg.documents import actions, index
from waarborg.documents.index import Item
from waarborg.documents.models import DocumentSource
from waarborg.register.models import System
from waarborg.requests import actions as request_actions
from waarborg.requests.actions import RequestError
from waarborg.requests.actions.common import settings_for
from waarborg.requests.models import DocumentHit, SubjectRequest


@pytest.fixture(autouse=True)
def empty_index():
    # the index file outlives each test's database; what earlier tests left is no orphan here
    for source_id in index.source_ids():
        index.drop_source(source_id)


@pytest.fixture
def source(organisation, owner, system, documents_folder):
    source = actions.connect_folder(
        organisation, system, actor=owner, name="Gedeelde schijf", path=str(documents_folder)
    )
    actions.index_source(source, actor=owner)
    return source


def later(days):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def entries():
    return list(AuditEntry.objects.filter(action="documents.index_retention"))


def test_an_index_brought_up_to_date_in_time_is_kept(source):
    items = index.status(source.pk)["items"]
    with later(29):
        assert actions.apply_index_retention() == {
            "orphans": 0,
            "sources": 0,
            "items": 0,
            "hits": 0,
        }
    assert index.status(source.pk)["items"] == items > 0
    assert entries() == []


def test_an_index_not_brought_up_to_date_is_cleared_and_audited_with_counts(source, organisation):
    items = index.status(source.pk)["items"]
    with later(31):
        totals = actions.apply_index_retention()
    assert (totals["sources"], totals["items"]) == (1, items)
    assert index.status(source.pk) == {"items": 0, "failed": 0}
    source.refresh_from_db()
    assert source.indexed_at is None and source.index_counts == {}
    (entry,) = entries()
    assert entry.organisation == organisation
    assert entry.new == {"sources": 1, "items": items, "hits": 0}  # counts, never names
    # the next night finds nothing more to clear, and says nothing
    with later(32):
        assert actions.apply_index_retention()["sources"] == 0
    assert len(entries()) == 1
    # indexing again brings it back
    actions.index_source(source, actor=None)
    assert index.status(source.pk)["items"] == items


def test_each_source_keeps_its_index_its_own_number_of_days(source, organisation, owner, system):
    DocumentSource.objects.filter(pk=source.pk).update(index_days=90)
    with later(31):
        assert actions.apply_index_retention()["sources"] == 0
    with later(91):
        assert actions.apply_index_retention()["sources"] == 1


def test_an_interrupted_first_run_is_cleared_as_well(organisation, owner, system, documents_folder):
    source = actions.connect_folder(
        organisation, system, actor=owner, name="x", path=str(documents_folder)
    )
    # items stored, but the run never finished (indexed_at not set)
    index.update(source.pk, [("a.txt", "1")], lambda refs: [Item("a.txt", "1", {}, "tekst")])
    with later(31):
        assert actions.apply_index_retention()["items"] == 1
    assert index.status(source.pk)["items"] == 0


def test_a_source_deleted_with_its_system_leaves_the_index_at_once(
    source, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        System.objects.filter(pk=source.system_id).delete()
    assert not DocumentSource.objects.exists()
    assert index.status(source.pk)["items"] == 0


def test_items_of_no_connected_source_are_cleared_at_night(source):
    missing = source.pk + 1000
    index.update(missing, [("x.txt", "1")], lambda refs: [Item("x.txt", "1", {}, "Jan de Vries")])
    totals = actions.apply_index_retention()
    assert (totals["orphans"], totals["items"]) == (1, 1)
    assert index.status(missing)["items"] == 0
    assert index.status(source.pk)["items"] > 0  # the connected source is left alone


def _hits_of_a_closed_request(organisation, owner, system, closed_days_ago):
    subject_request = _request(organisation, owner)
    hits = request_actions.find_documents(_task(subject_request, system), actor=owner)
    assert hits
    SubjectRequest.objects.filter(pk=subject_request.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=closed_days_ago)
    )
    return subject_request


def test_a_requests_hits_go_after_it_was_closed_for_the_purge_period(
    source, organisation, owner, system
):
    assert settings_for(organisation).purge_days == 30
    old = _hits_of_a_closed_request(organisation, owner, system, 31)
    recent = _hits_of_a_closed_request(organisation, owner, system, 5)
    still_open = _request(organisation, owner)
    request_actions.find_documents(_task(still_open, system), actor=owner)
    kept = DocumentHit.objects.exclude(task__request=old).count()
    gone = DocumentHit.objects.filter(task__request=old).count()
    totals = actions.apply_index_retention()
    assert totals["hits"] == gone > 0
    assert not DocumentHit.objects.filter(task__request=old).exists()
    assert DocumentHit.objects.filter(task__request=recent).exists()
    assert DocumentHit.objects.count() == kept
    (entry,) = entries()
    assert entry.new == {"sources": 0, "items": 0, "hits": gone} and JAN not in str(entry.new)


def test_another_organisations_purge_period_is_its_own(
    source, organisation, owner, system, other_organisation, other_owner, documents_folder
):
    their_system = System.objects.create(
        organisation=other_organisation, key="hun", name={"nl": "Hun schijf"}
    )
    theirs = actions.connect_folder(
        other_organisation, their_system, actor=other_owner, name="Hun",
        path=str(documents_folder),
    )  # fmt: skip
    actions.index_source(theirs, actor=other_owner)
    their_settings = settings_for(other_organisation)
    their_settings.purge_days = 90
    their_settings.save()
    their_request = _hits_of_a_closed_request(other_organisation, other_owner, their_system, 31)
    ours = _hits_of_a_closed_request(organisation, owner, system, 31)
    actions.apply_index_retention()
    assert DocumentHit.objects.filter(task__request=their_request).exists()
    assert not DocumentHit.objects.filter(task__request=ours).exists()
    assert [e.organisation for e in entries()] == [organisation]


def test_a_cleared_index_is_not_searched_as_if_the_person_were_not_in_it(
    source, organisation, owner, system
):
    with later(31):
        actions.apply_index_retention()
    subject_request = _request(organisation, owner)
    with pytest.raises(RequestError, match="niet geïndexeerd"):
        request_actions.find_documents(_task(subject_request, system), actor=owner)
    assert not DocumentHit.objects.exists()


def test_the_worker_schedules_the_nightly_run_once_and_it_runs_twice_harmlessly(source):
    from django_tasks_db.models import DBTaskResult

    from waarborg.documents.tasks import NIGHTLY_PATH, nightly_index_retention, schedule_nightly

    schedule_nightly()
    schedule_nightly()
    waiting = DBTaskResult.objects.filter(task_path=NIGHTLY_PATH, status="READY")
    assert waiting.count() == 1
    run_after = timezone.localtime(waiting.get().run_after)
    assert (run_after.hour, run_after.minute) == (3, 0)
    with later(31):
        assert nightly_index_retention.call()["sources"] == 1
        assert nightly_index_retention.call()["sources"] == 0
    assert len(entries()) == 1
