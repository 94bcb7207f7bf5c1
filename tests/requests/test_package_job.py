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
