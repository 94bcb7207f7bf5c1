"""Background work of the checks: every night, check each organisation and mail new errors."""

from django_tasks import task

from waarborg.checks import actions

NIGHTLY_PATH = "waarborg.checks.tasks.nightly_checks"


@task()
def nightly_checks():
    """Check every organisation, then schedule the next night."""
    try:
        actions.nightly_checks()
    finally:
        schedule_nightly(force=True)


def schedule_nightly(force=False):
    """Make sure one nightly check waits in the queue (called when the worker starts), at
    03:00, after the retention sweep, so the findings see what the sweep left."""
    from django_tasks_db.models import DBTaskResult

    from waarborg.retention.actions import next_nightly

    waiting = DBTaskResult.objects.filter(task_path=NIGHTLY_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return nightly_checks.using(run_after=next_nightly(hour=3)).enqueue()
