"""Background work of the consent ledger: seal events into the chains every few minutes, and
delete expired links every night."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tasks import task

from waarborg.consent import links
from waarborg.consent.actions import seal
from waarborg.consent.models import ConsentEvent

SEAL_PATH = "waarborg.consent.tasks.seal_ledgers"
PRUNE_PATH = "waarborg.consent.tasks.prune_links"
PRUNE_HOUR = 3
ZONE = ZoneInfo("Europe/Amsterdam")
EVERY = timedelta(minutes=5)


@task()
def seal_ledgers():
    try:
        organisations = (
            ConsentEvent.objects.filter(seq__isnull=True)
            .values_list("organisation_id", flat=True)
            .distinct()
        )
        for organisation_id in list(organisations):
            seal(organisation_id)
    finally:
        schedule_sealing(force=True)


def schedule_sealing(force=False):
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=SEAL_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return seal_ledgers.using(run_after=timezone.now() + EVERY).enqueue()


def next_night(now=None):
    now = (now or timezone.now()).astimezone(ZONE)
    moment = datetime.combine(now.date(), time(PRUNE_HOUR), tzinfo=ZONE)
    return moment if moment > now else moment + timedelta(days=1)


@task()
def prune_links():
    """Delete confirmation and preferences links that have expired (one statement: taken up
    again after a crash it simply runs again)."""
    try:
        links.prune_links()
    finally:
        schedule_pruning(force=True)


def schedule_pruning(force=False):
    """Make sure one night's pruning waits in the queue (called when the worker starts)."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=PRUNE_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return prune_links.using(run_after=next_night()).enqueue()
