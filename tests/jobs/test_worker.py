"""The leased worker in this process: a task left RUNNING by a dead worker is taken up again
once its lease ran out (or at once when released), never while it is still renewed; one that
keeps killing its workers is given up; bad settings are refused."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from waarborg.config import ConfigError
from waarborg.consent.tasks import seal_ledgers
from waarborg.jobs.models import Lease
from waarborg.jobs.worker import MAX_TAKEOVERS, Worker, lease_seconds, release_leases

pytestmark = pytest.mark.django_db(transaction=True)


def _worker(name="w-now", **options):
    return Worker(worker_id=name, batch=True, lease=30, **options)


def _left_running(by="w-dead", expires_in=-1, takeovers=0):
    """A task as a worker that died leaves it: RUNNING, its lease no longer renewed."""
    result = seal_ledgers.enqueue()
    db_result = DBTaskResult.objects.get(pk=result.id)
    db_result.claim(by)
    Lease.objects.create(
        task=db_result,
        worker_id=by,
        expires_at=timezone.now() + timedelta(seconds=expires_in),
        takeovers=takeovers,
    )
    return db_result


def test_a_task_runs_under_a_lease():
    result = seal_ledgers.enqueue()
    assert _worker().run() == 1
    db_result = DBTaskResult.objects.get(pk=result.id)
    assert db_result.status == "SUCCESSFUL"
    assert Lease.objects.get(task=db_result).worker_id == "w-now"


def test_a_task_whose_lease_ran_out_is_taken_over():
    task = _left_running()
    assert _worker().run() == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.worker_ids == ["w-dead", "w-now"]
    assert Lease.objects.get(task=task).takeovers == 1


def test_a_task_whose_lease_is_renewed_is_left_alone():
    task = _left_running(expires_in=60)
    assert _worker().run() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"
    assert release_leases("w-dead") == 1  # the supervisor knows that worker died
    assert _worker().run() == 1


def test_a_task_left_running_without_a_lease_is_taken_over_after_one():
    result = seal_ledgers.enqueue()
    task = DBTaskResult.objects.get(pk=result.id)
    task.claim("db-worker-of-old")
    assert _worker().run() == 0  # it may still be running
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert _worker().run() == 1


def test_a_task_that_keeps_killing_its_workers_is_given_up():
    task = _left_running(takeovers=MAX_TAKEOVERS)
    assert _worker().run() == 0
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert "its worker died 5 times" in task.traceback


def test_the_lease_setting_is_checked():
    assert lease_seconds({}) == 120
    assert lease_seconds({"WAARBORG_JOB_LEASE": "2.5"}) == 2.5
    for wrong in ("0", "soon", "-3", "1e9"):
        with pytest.raises(ConfigError, match="WAARBORG_JOB_LEASE"):
            lease_seconds({"WAARBORG_JOB_LEASE": wrong})


def test_the_nightly_sweep_taken_up_again_does_not_sweep_twice(organisation, other_organisation):
    from waarborg.retention.models import RetentionRun
    from waarborg.retention.tasks import NIGHTLY_PATH, nightly_retention

    # The worker died in the middle of the first organisation's run.
    unfinished = RetentionRun.objects.create(
        organisation=organisation, trigger="schedule", status=RetentionRun.Status.RUNNING
    )
    nightly_retention.call()
    runs = RetentionRun.objects.filter(trigger="schedule")
    assert runs.count() == 2  # the unfinished one, continued, and one for the other
    unfinished.refresh_from_db()
    assert unfinished.status == RetentionRun.Status.DONE
    waiting = DBTaskResult.objects.filter(task_path=NIGHTLY_PATH, status="READY")
    assert waiting.count() == 1  # the next night is queued
    nightly_retention.call()  # once more the same night: nothing is swept again
    assert runs.count() == 2
