"""Background work of the notices app (run by `waarborg worker`)."""

from django_tasks import task

from waarborg.notices import actions


@task()
def send_change_notice(notice_id):
    """Send the change notice's messages; a run cut off is taken up again and continues."""
    actions.deliver_change_notice(notice_id, actor=None)
