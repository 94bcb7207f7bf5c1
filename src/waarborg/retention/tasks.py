"""Background work of retention: a queued run, and the nightly sweep that schedules itself."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from waarborg.core.models import Organisation
from waarborg.jobs.worker import checkpoint, rescheduling
from waarborg.retention import actions
from waarborg.retention.models import RetentionRun

NIGHTLY_PATH = "waarborg.retention.tasks.nightly_retention"


@task()
def run_retention(run_id):
    run = RetentionRun.objects.select_related("organisation", "actor").get(pk=run_id)
    actions.execute_run(run)


@task()
def nightly_retention():
    """Sweep every organisation, then schedule the next night. A run per organisation, so one
    organisation's broken source does not stop the others.

    Resumable: taken up again after its worker died or was stopped (between organisations),
    it skips the organisations swept tonight and carries on with an unfinished run instead of
    starting another (`execute_run` continues it; see the jobs app)."""
    with rescheduling(schedule_nightly):
        tonight = timezone.now() - timedelta(hours=12)
        for organisation in Organisation.objects.order_by("pk"):
            checkpoint()
            runs = RetentionRun.objects.filter(
                organisation=organisation, trigger="schedule", created_at__gte=tonight
            )
            Status = RetentionRun.Status  # noqa: N806
            if runs.filter(status__in=[Status.DONE, Status.FAILED]).exists():
                continue
            run = runs.filter(status__in=[Status.QUEUED, Status.RUNNING]).first()
            run = run or actions.start_run(organisation, actor=None, trigger="schedule")
            actions.execute_run(run)


def schedule_nightly(force=False):
    """Make sure one nightly sweep is waiting in the queue (called when the worker starts)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=NIGHTLY_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return nightly_retention.using(run_after=actions.next_nightly()).enqueue()
