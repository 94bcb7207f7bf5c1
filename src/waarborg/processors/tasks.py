"""Background work of the processors app (run by `waarborg worker`): the announcements of
sub-processor changes, and every morning putting the changes whose time has come into effect;
that task schedules its next run."""

from django_tasks import task

from waarborg.processors import actions

DAILY_PATH = "waarborg.processors.tasks.daily_changes"


@task()
def send_change(change_id):
    """Send a sub-processor change's announcements; a run cut off continues."""
    actions.deliver_change(change_id, actor=None)


@task()
def daily_changes():
    """Put due sub-processor changes into effect (for every organisation), then schedule the
    next morning. Taken up again after a stop it does nothing twice: each change and client
    is applied once (`ChangeClient.applied_at`)."""
    from waarborg.jobs.worker import rescheduling

    with rescheduling(schedule_daily):
        actions.apply_due_changes(actor=None)


def schedule_daily(force=False):
    """Make sure one morning run waits in the queue (called when the worker starts), at 07:00,
    before the working day and the requests' reminders."""
    from django_tasks_db.models import DBTaskResult

    from waarborg.retention.actions import next_nightly

    waiting = DBTaskResult.objects.filter(task_path=DAILY_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return daily_changes.using(run_after=next_nightly(hour=7)).enqueue()
