"""The worker: runs django-tasks-db tasks under a lease that it renews while the task runs.

A task whose worker died (its lease was not renewed) is taken up again by the next worker;
tasks are written to continue where they stopped (see `jobs.mailing` for mail, at most once).
A locked database makes the worker wait and retry, with back-off, never stop. SIGTERM and
SIGINT stop it between two items of the current task (`checkpoint`), which is then handed
back to the queue; a second signal stops it at once.
"""

import logging
import os
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.db import close_old_connections, connections, transaction
from django.db.models import Q
from django.db.utils import OperationalError
from django.utils import timezone
from django_tasks_db.compat import TaskContext, TaskResultStatus, task_finished, task_started
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from waarborg.config import ConfigError
from waarborg.jobs.models import Lease

logger = logging.getLogger("waarborg.jobs")

DEFAULT_LEASE = 120.0  # seconds; the worker renews it every quarter of that
MAX_TAKEOVERS = 5  # a task that killed this many workers is marked failed
MAX_BACK_OFF = 30.0


class Interrupted(BaseException):  # noqa: N818 (not an error: the worker was asked to stop)
    """The worker was asked to stop: the task stops between two items and runs on later."""


class LeaseLost(BaseException):  # noqa: N818
    """Another worker took the task over (this one did not renew its lease in time)."""


class Abandoned(Exception):  # noqa: N818
    """The task's workers kept dying; it is not taken up again."""


def lease_seconds(environ=os.environ):
    raw = environ.get("WAARBORG_JOB_LEASE", "")
    if not raw:
        return DEFAULT_LEASE
    try:
        value = float(raw)
    except ValueError:
        value = 0
    if not 0.5 <= value <= 86400:
        raise ConfigError(
            f"WAARBORG_JOB_LEASE={raw!r} is not valid: give seconds between 0.5 and 86400"
        )
    return value


class RunningJob:
    def __init__(self, task_id, stop):
        self.task_id = task_id
        self.stop = stop
        self.lost = threading.Event()
        self.finished = threading.Event()


_job = None  # the job this process's worker is running, if any


def checkpoint():
    """A place where the current job may stop: call it between two items of work, after the
    previous one is committed. Outside a worker it does nothing."""
    job = _job
    if job is None:
        return
    if job.lost.is_set():
        raise LeaseLost(job.task_id)
    if job.stop.is_set():
        raise Interrupted(job.task_id)


def pause(seconds):
    """Wait between two items (throttling); a stop request ends the wait at once."""
    job = _job
    if job is None:
        if seconds > 0:
            time.sleep(seconds)
        return
    job.stop.wait(seconds)
    checkpoint()


def progress(done, total=None, note=None):
    """Record how far the current job is, for its page; inside the caller's transaction, so
    the count and the work it counts are committed together."""
    job = _job
    if job is None:
        return
    fields = {"done": done}
    if total is not None:
        fields["total"] = total
    if note is not None:
        fields["note"] = str(note)[:300]
    Lease.objects.filter(pk=job.task_id).update(**fields)


@contextmanager
def rescheduling(schedule):
    """The body of a periodic task, after which `schedule(force=True)` queues its next run,
    also when the body failed; not when it was stopped half-way: then this same task is
    handed back and runs on, and a second copy must not be queued."""
    stopped = False
    try:
        yield
    except (Interrupted, LeaseLost):
        stopped = True
        raise
    finally:
        if not stopped:
            schedule(force=True)


def current_task_id():
    return _job.task_id if _job is not None else None


class Worker:
    def __init__(
        self,
        *,
        worker_id,
        queues=("default",),
        backend="default",
        interval=1.0,
        batch=False,
        max_tasks=None,
        lease=None,
        stop=None,
    ):
        self.worker_id = worker_id
        self.queues = list(queues)
        self.backend = backend
        self.interval = interval
        self.batch = batch
        self.max_tasks = max_tasks
        self.lease = lease or lease_seconds()
        self.stop = stop or threading.Event()
        self.locked_in_a_row = 0

    # The loop ---------------------------------------------------------------------------

    def run(self):
        """Run tasks until stopped (or, with batch, until none is due); return how many."""
        logger.info("worker %s started (lease %s s)", self.worker_id, self.lease)
        ran = 0
        while not self.stop.is_set():
            close_old_connections()
            try:
                task = self.claim()
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                self.back_off("claiming a task", error)
                continue
            self.locked_in_a_row = 0
            if task is None:
                if self.batch:
                    break
                self.stop.wait(self.interval)
                continue
            self.run_task(task)
            ran += 1
            if self.max_tasks is not None and ran >= self.max_tasks:
                break
        logger.info("worker %s stopped after %d task(s)", self.worker_id, ran)
        return ran

    def back_off(self, doing, error):
        delay = min(MAX_BACK_OFF, 0.5 * 2**self.locked_in_a_row)
        self.locked_in_a_row += 1
        logger.warning(
            "worker %s: the database is locked while %s (%s); trying again in %.1f s",
            self.worker_id,
            doing,
            error,
            delay,
        )
        connections.close_all()
        self.stop.wait(delay)
        return delay

    # Claiming ---------------------------------------------------------------------------

    def _tasks(self):
        return DBTaskResult.objects.filter(backend_name=self.backend, queue_name__in=self.queues)

    def claim(self):
        """The next task to run, leased to this worker: first one whose worker died (lease
        expired), then the next one due."""
        while True:
            now = timezone.now()
            with exclusive_transaction(DBTaskResult.objects.db):
                stale = (
                    self._tasks()
                    .filter(status=TaskResultStatus.RUNNING)
                    .filter(
                        Q(lease__expires_at__lt=now)
                        | Q(lease__isnull=True, started_at__lt=now - timedelta(seconds=self.lease))
                    )
                    .order_by("started_at")
                    .select_for_update(skip_locked=True, of=("self",))
                    .first()
                )
                if stale is not None:
                    if self._take_over(stale, now):
                        return stale
                    continue  # that one was given up; look again
                task = (
                    self._tasks().ready().select_for_update(skip_locked=True, of=("self",)).first()
                )
                if task is None:
                    return None
                task.claim(self.worker_id)
                Lease.objects.update_or_create(
                    task=task,
                    defaults={"worker_id": self.worker_id, "expires_at": self._expiry(now)},
                )
                return task

    def _expiry(self, now=None):
        return (now or timezone.now()) + timedelta(seconds=self.lease)

    def _take_over(self, task, now):
        lease = Lease.objects.filter(task=task).first()
        previous = lease.worker_id if lease else (task.worker_ids or ["?"])[-1]
        takeovers = (lease.takeovers if lease else 0) + 1
        if takeovers > MAX_TAKEOVERS:
            logger.error(
                "task %s (%s): its worker died %d times; marked failed",
                task.pk,
                task.task_path,
                takeovers - 1,
            )
            task.set_failed(Abandoned(f"its worker died {takeovers - 1} times"))
            return False
        logger.warning(
            "worker %s takes over task %s (%s) from worker %s, whose lease ran out",
            self.worker_id,
            task.pk,
            task.task_path,
            previous,
        )
        task.worker_ids = [*task.worker_ids, self.worker_id]
        task.save(update_fields=["worker_ids"])
        Lease.objects.update_or_create(
            task=task,
            defaults={
                "worker_id": self.worker_id,
                "expires_at": self._expiry(now),
                "takeovers": takeovers,
            },
        )
        return True

    # Running ----------------------------------------------------------------------------

    def run_task(self, db_result):
        global _job
        job = RunningJob(db_result.pk, self.stop)
        beat = threading.Thread(target=self._renew, args=(job,), daemon=True)
        _job = job
        beat.start()
        try:
            self._call(db_result)
        finally:
            _job = None
            job.finished.set()
            beat.join()

    def _call(self, db_result):
        try:
            task = db_result.task
            result = db_result.task_result
            backend = type(task.get_backend())
            task_started.send(sender=backend, task_result=result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            db_result.set_successful(value)
            task_finished.send(sender=backend, task_result=db_result.task_result)
        except Interrupted:
            logger.warning(
                "worker %s stopped task %s between two items; it continues later",
                self.worker_id,
                db_result.pk,
            )
            self._hand_back(db_result)
        except LeaseLost:
            logger.warning(
                "worker %s lost task %s to another worker; stopped it", self.worker_id, db_result.pk
            )
        except OperationalError as error:
            if not is_locked_database_exception(error):
                self._fail(db_result, error)
                return
            delay = self.back_off(f"running task {db_result.pk}", error)
            self._hand_back(db_result, run_after=timezone.now() + timedelta(seconds=delay))
        except Exception as error:
            self._fail(db_result, error)

    def _fail(self, db_result, error):
        logger.error("task %s (%s) failed: %r", db_result.pk, db_result.task_path, error)
        db_result.set_failed(error)
        try:
            task_finished.send(
                sender=type(db_result.task.get_backend()), task_result=db_result.task_result
            )
        except Exception:  # a task that cannot even be imported, or a receiver that fails
            logger.exception("task %s: after it failed", db_result.pk)

    def _hand_back(self, db_result, run_after=None):
        """Put a task that stopped half-way back in the queue, for this or another worker."""
        for attempt in range(5):
            try:
                with transaction.atomic():
                    update = {"status": TaskResultStatus.READY}
                    if run_after is not None:
                        update["run_after"] = run_after
                    DBTaskResult.objects.filter(
                        pk=db_result.pk, status=TaskResultStatus.RUNNING
                    ).update(**update)
                    Lease.objects.filter(pk=db_result.pk, worker_id=self.worker_id).update(
                        expires_at=timezone.now()
                    )
                return
            except OperationalError as error:
                if not is_locked_database_exception(error) or attempt == 4:
                    # The lease runs out by itself; the next worker takes the task up then.
                    logger.warning("could not hand back task %s: %s", db_result.pk, error)
                    return
                time.sleep(0.5 * 2**attempt)

    def _renew(self, job):
        """Renew the lease while the task runs (its own thread and database connection)."""
        every = max(self.lease / 4, 0.1)
        try:
            while not job.finished.wait(every):
                try:
                    renewed = Lease.objects.filter(pk=job.task_id, worker_id=self.worker_id).update(
                        expires_at=self._expiry()
                    )
                except OperationalError as error:
                    logger.warning("could not renew the lease of task %s: %s", job.task_id, error)
                    continue
                if not renewed:
                    job.lost.set()
                    return
        finally:
            connections.close_all()


class _ToldFailures(logging.Filter):
    """Leaves out django-tasks' traceback of a task that failed for a reason staff are told
    where it matters (an error with `told = True`, such as a source that cannot be reached,
    shown on the source's page): the worker's own line says it."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        return not getattr(error, "told", False)


def configure_logging(verbose=True):
    """The worker's lines (starts, take-overs, back-offs, restarts) on standard error."""
    import sys

    tasks_log = logging.getLogger("django_tasks")
    if not any(isinstance(f, _ToldFailures) for f in tasks_log.filters):
        tasks_log.addFilter(_ToldFailures())

    log = logging.getLogger("waarborg.jobs")
    log.setLevel(logging.INFO if verbose else logging.ERROR)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.propagate = False


def retry_locked(function, doing, attempts=8):
    """Call `function`; while the database is locked, wait with back-off and try again."""
    for attempt in range(attempts):
        try:
            return function()
        except OperationalError as error:
            if not is_locked_database_exception(error) or attempt == attempts - 1:
                raise
            delay = min(MAX_BACK_OFF, 0.5 * 2**attempt)
            logger.warning("the database is locked while %s; trying again in %.1f s", doing, delay)
            connections.close_all()
            time.sleep(delay)


def release_leases(worker_id):
    """End the leases of a worker known to be dead, so its tasks are taken up at once;
    returns how many. Used by the supervisor after its worker process died."""
    for attempt in range(5):
        try:
            return Lease.objects.filter(
                worker_id=worker_id, task__status=TaskResultStatus.RUNNING
            ).update(expires_at=timezone.now() - timedelta(seconds=1))
        except OperationalError as error:
            if not is_locked_database_exception(error) or attempt == 4:
                logger.warning("could not release the leases of worker %s: %s", worker_id, error)
                return 0
            time.sleep(0.5 * 2**attempt)
    return 0
