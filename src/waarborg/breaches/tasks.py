"""Background work of the breach register: the Art. 34 letters, and every quarter of an hour
the reminders of the 72-hour clock (at 24 and 48 hours); that task schedules its next run."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from waarborg.breaches import actions

REMINDERS_PATH = "waarborg.breaches.tasks.breach_reminders"
EVERY = timedelta(minutes=15)


@task()
def send_letter(letter_id):
    """Send a mailing's letters; a run cut off is taken up again and continues."""
    actions.deliver_letter(letter_id, actor=None)


@task()
def breach_reminders():
    try:
        actions.send_reminders()
    finally:
        schedule_reminders(force=True)


def schedule_reminders(force=False):
    """Make sure one run of the reminders waits in the queue (called when the worker starts)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=REMINDERS_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return breach_reminders.using(run_after=timezone.now() + EVERY).enqueue()
