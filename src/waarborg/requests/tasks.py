"""Background work of requests: every morning the deadline reminders and the deletion of
expired packages, of files of closed requests and of expired links; the task schedules its next
run itself."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tasks import task

from waarborg.requests import actions

DAILY_PATH = "waarborg.requests.tasks.daily_requests"
HOUR = 8
ZONE = ZoneInfo("Europe/Amsterdam")


def next_morning(now=None):
    now = (now or timezone.now()).astimezone(ZONE)
    moment = datetime.combine(now.date(), time(HOUR), tzinfo=ZONE)
    return moment if moment > now else moment + timedelta(days=1)


@task()
def daily_requests():
    try:
        actions.purge_files()
        actions.prune_links()
        actions.send_reminders()
    finally:
        schedule_daily(force=True)


def schedule_daily(force=False):
    """Make sure one morning run is waiting in the queue (called when the worker starts)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=DAILY_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return daily_requests.using(run_after=next_morning()).enqueue()
