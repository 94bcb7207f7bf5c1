"""Background work of retention: a queued run, and the nightly sweep that schedules itself."""

from django_tasks import task

from waarborg.core.models import Organisation
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
    organisation's broken source does not stop the others."""
    try:
        for organisation in Organisation.objects.order_by("pk"):
            run = actions.start_run(organisation, actor=None, trigger="schedule")
            actions.execute_run(run)
    finally:
        schedule_nightly(force=True)


def schedule_nightly(force=False):
    """Make sure one nightly sweep is waiting in the queue (called when the worker starts)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=NIGHTLY_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return nightly_retention.using(run_after=actions.next_nightly()).enqueue()
