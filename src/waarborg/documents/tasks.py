"""Indexing a mail or document source in the worker, with progress for its page. Each batch is
committed before the checkpoint, so a stopped or crashed run resumes with what is left."""

from django.db import transaction
from django_tasks import task

from waarborg.jobs.worker import checkpoint, progress


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
