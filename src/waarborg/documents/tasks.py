"""Indexing a mail or document source in the worker, with progress for its page. Each batch is
committed before the checkpoint, so a stopped or crashed run resumes with what is left. And
every night the index's own retention (`actions.apply_index_retention`), which schedules its
next run."""

from django.db import transaction
from django_tasks import task

from waarborg.jobs.worker import checkpoint, progress, rescheduling

NIGHTLY_PATH = "waarborg.documents.tasks.nightly_index_retention"


@task()
def index_document_source(source_id, actor_id=None):
    from django.contrib.auth import get_user_model

    from waarborg.documents import actions
    from waarborg.documents.models import DocumentSource

    source = DocumentSource.objects.filter(pk=source_id).first()
    if source is None:
        return None
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None

    def on_batch(run, total):
        with transaction.atomic():
            progress(run.done, total)
        checkpoint()

    run = actions.index_source(source, actor=actor, on_batch=on_batch)
    return {"read": run.read, "removed": run.removed, "failed": run.failed}


@task()
def nightly_index_retention():
    """Clear what the index no longer keeps, then schedule the next night. Taken up again
    after a stop it only finds less to clear."""
    from waarborg.documents import actions

    with rescheduling(schedule_nightly):
        return actions.apply_index_retention()


def schedule_nightly(force=False):
    """Make sure one nightly run waits in the queue (called when the worker starts), at 03:00,
    after the retention sweep."""
    from django_tasks_db.models import DBTaskResult

    from waarborg.retention.actions import next_nightly

    waiting = DBTaskResult.objects.filter(task_path=NIGHTLY_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return nightly_index_retention.using(run_after=next_nightly(hour=3)).enqueue()
