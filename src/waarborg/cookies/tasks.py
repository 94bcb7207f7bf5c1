"""Background work of the cookie scan: a scan asked for ("scan now"), and every night the
websites whose monthly scan is due; the nightly task schedules its next run itself."""

from django_tasks import task

from waarborg.cookies import actions

MONTHLY_PATH = "waarborg.cookies.tasks.monthly_scans"


@task()
def run_scan(scan_id):
    actions.carry_out_scan(scan_id)


@task()
def monthly_scans():
    """Queue a scan of each website whose last one is a month old (they run one by one)."""
    try:
        for website in actions.due_for_monthly():
            try:
                actions.request_scan(website, actor=None)
            except actions.CookieError:
                continue  # the address is refused now: the website's page says why
    finally:
        schedule_monthly(force=True)


def schedule_monthly(force=False):
    """Make sure one nightly look for due scans waits in the queue (called when the worker
    starts), at 04:00, after the checks."""
    from django_tasks_db.models import DBTaskResult

    from waarborg.retention.actions import next_nightly

    waiting = DBTaskResult.objects.filter(task_path=MONTHLY_PATH, status="READY")
    if waiting.exists() and not force:
        return None
    return monthly_scans.using(run_after=next_nightly(hour=4)).enqueue()
