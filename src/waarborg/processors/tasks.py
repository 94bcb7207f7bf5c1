"""Background work of the processors app (run by `waarborg worker`)."""

from django_tasks import task

from waarborg.processors import actions


@task()
def send_change(change_id):
    """Send a sub-processor change's announcements; a run cut off continues."""
    actions.deliver_change(change_id, actor=None)
