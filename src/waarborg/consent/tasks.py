"""Background work of the consent ledger: seal events into the chains every few minutes."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from waarborg.consent.actions import seal
from waarborg.consent.models import ConsentEvent

SEAL_PATH = "waarborg.consent.tasks.seal_ledgers"
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
