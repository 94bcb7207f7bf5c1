"""Background work of the audit trail: the daily witness of the chain heads, when
WAARBORG_AUDIT_WITNESS names a file or an address; the task schedules its next run itself."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from waarborg.audit import witness

WITNESS_PATH = "waarborg.audit.tasks.witness_heads"
HOUR = 3  # after the nightly retention sweep


def next_run(now=None):
    local = timezone.localtime(now or timezone.now())
    moment = datetime.combine(local.date(), time(HOUR), tzinfo=local.tzinfo)
    return moment if moment > local else moment + timedelta(days=1)


@task()
def witness_heads():
    try:
        target = witness.configured_target()
        if target:
            witness.write_witness(target)
    finally:
        schedule_witness(force=True)


def schedule_witness(force=False):
    """Make sure one witness run is waiting, if a witness is configured (worker start)."""
    from django_tasks_db.models import DBTaskResult

    if not witness.configured_target():
        return None
    waiting = DBTaskResult.objects.filter(task_path=WITNESS_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return witness_heads.using(run_after=next_run()).enqueue()
