from django.conf import settings
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


class ImportRun(models.Model):
    """A long import (a list of thousands of rows) carried out by the worker in batches:
    each batch is committed with the count of rows done, so a run cut off continues after
    the last committed batch and no batch is imported twice. The rows are kept encrypted
    until the run is done."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        "core.Organisation", on_delete=models.CASCADE, related_name="import_runs"
    )
    kind = models.CharField(max_length=20)
    target = models.CharField(max_length=100)  # what it imports into, e.g. a purpose key
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    rows = models.TextField(blank=True)  # encrypted JSON, emptied when the run ends
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} import {self.pk} into {self.target}"
