"""The package built as a job (tasks.make_package): one package and one audit entry, also when
the job is taken up again after its package was committed."""

from django.utils import timezone

from waarborg.audit.models import AuditEntry
from waarborg.requests import actions
from waarborg.requests.models import FileKind, Kind, RequestFile
from waarborg.requests.tasks import make_package


def test_a_job_taken_up_again_after_its_commit_makes_no_second_package(
    firm, committed, privacy_officer
):
    with committed():
        subject_request = actions.create_request(
            firm, actor=None, kind=Kind.PORTABILITY, channel="web", name="Jan", email="j@x.nl"
        )
    queued_at = timezone.now().isoformat()
    first = make_package.call(subject_request.pk, privacy_officer.pk, queued_at)
    again = make_package.call(subject_request.pk, privacy_officer.pk, queued_at)
    assert first == again
    assert RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).count() == 1
    assert AuditEntry.objects.filter(action="request.package").count() == 1
    # a later job makes a new package, replacing the old one
    later = make_package.call(subject_request.pk, privacy_officer.pk, timezone.now().isoformat())
    assert later != first
    assert list(RequestFile.objects.filter(kind=FileKind.PACKAGE).values_list("pk", flat=True)) == [
        later
    ]


def test_queue_package_enqueues_after_the_commit(firm, committed, privacy_officer):
    from django_tasks_db.models import DBTaskResult

    with committed():
        subject_request = actions.create_request(
            firm, actor=None, kind=Kind.ACCESS, channel="web", name="Jan", email="j@x.nl"
        )
        actions.queue_package(subject_request, actor=privacy_officer)
    task = DBTaskResult.objects.get(task_path="waarborg.requests.tasks.make_package")
    assert task.args_kwargs["args"][:2] == [subject_request.pk, privacy_officer.pk]


def _large(firm, committed, privacy_officer, monkeypatch):
    from waarborg.requests.actions import files
    from waarborg.requests.models import RequestTask, TaskKind, TaskStatus, Verification

    monkeypatch.setattr(files, "LARGE_PACKAGE_ROWS", 2)
    with committed():
        subject_request = actions.create_request(
            firm, actor=None, kind=Kind.ACCESS, channel="web", name="Jan", email="j@x.nl"
        )
    actions.verify_request(
        subject_request,
        actor=privacy_officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant",
    )
    for task in subject_request.tasks.all():
        actions.update_task(
            task, actor=privacy_officer, status=TaskStatus.NOT_APPLICABLE, reason="-"
        )
    RequestTask.objects.create(
        organisation=firm,
        request=subject_request,
        kind=TaskKind.SYSTEM,
        title="Webshop",
        status=TaskStatus.DONE,
        result={"found": {"klant": {"fields": ["id"], "rows": [[1], [2], [3]]}}},
    )
    return subject_request


def test_a_large_package_is_made_by_the_worker(
    firm, committed, privacy_officer, client_for, monkeypatch
):
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    subject_request = _large(firm, committed, privacy_officer, monkeypatch)
    assert actions.package_is_large(subject_request)
    with committed():
        response = client_for(privacy_officer).post(
            reverse("requests:build", args=[subject_request.pk]), follow=True
        )
    assert "wordt op de achtergrond gemaakt" in response.content.decode()
    assert not RequestFile.objects.filter(kind=FileKind.PACKAGE).exists()
    task = DBTaskResult.objects.get(task_path="waarborg.requests.tasks.make_package")
    make_package.call(*task.args_kwargs["args"])
    assert RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).count() == 1


def test_a_large_package_is_not_built_while_sending(firm, committed, privacy_officer, monkeypatch):
    import pytest

    subject_request = _large(firm, committed, privacy_officer, monkeypatch)
    with pytest.raises(actions.RequestError, match="groot|large"):
        actions.send_answer(subject_request, actor=privacy_officer)
    assert not RequestFile.objects.filter(kind=FileKind.PACKAGE).exists()
