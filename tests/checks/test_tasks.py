"""The nightly check schedules itself once, after the retention sweep."""

from django_tasks_db.models import DBTaskResult

from waarborg.checks import tasks


def test_schedule_nightly_waits_once_at_three(db):
    first = tasks.schedule_nightly()
    assert tasks.schedule_nightly() is None  # one is waiting already
    waiting = DBTaskResult.objects.filter(task_path=tasks.NIGHTLY_PATH, status="READY")
    assert waiting.count() == 1
    assert first is not None
    from django.utils import timezone

    assert timezone.localtime(waiting.get().run_after).hour == 3
