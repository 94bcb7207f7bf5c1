from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class Lease(models.Model):
    """Which worker runs a task, until when, and how far it got.

    django-tasks-db marks a task RUNNING and forgets it: a worker that dies leaves it so for
    ever. A lease ends unless its worker renews it; a task whose lease ended is taken up again
    by the next worker (see `jobs.worker`). It also keeps the job's progress for its page.
    """

    task = models.OneToOneField(
        DBTaskResult, primary_key=True, on_delete=models.CASCADE, related_name="lease"
    )
    worker_id = models.CharField(max_length=64)
    expires_at = models.DateTimeField(db_index=True)
    takeovers = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    def __str__(self):
        return f"{self.task_id} by {self.worker_id} until {self.expires_at:%H:%M:%S}"
