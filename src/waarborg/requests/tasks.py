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


@task()
def make_package(request_id, actor_id=None, queued_at=None):
    """Build a request's package in the worker. Taken up again after its worker died, it
    builds again from the start (nothing of a cut-off build was kept), unless the package of
    this job was already committed: then it is done, and no second package or entry is made."""
    from django.contrib.auth import get_user_model

    from waarborg.requests.models import FileKind, RequestFile, SubjectRequest

    subject_request = SubjectRequest.objects.select_related("organisation").get(pk=request_id)
    if queued_at is not None:
        since = datetime.fromisoformat(queued_at)
        made = RequestFile.objects.filter(
            request=subject_request, kind=FileKind.PACKAGE, created_at__gte=since
        )
        if made.exists():
            return made.first().pk
    from waarborg.requests.package import MailboxUnreachable

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return actions.build_package(subject_request, actor=actor).pk
    except MailboxUnreachable as error:
        # nothing of the package was kept: the request's page says why, and it is made again
        # by hand once the mailbox can be reached (not retried here: a server that is down
        # for the day would keep a worker busy)
        actions.record_package_failure(subject_request, actor=actor, mailbox=error.source_name)
        return None
