"""The 72 hours of Art. 33(1): elapsed time from awareness, through a weekend and a change of
daylight-saving time; the reminders at 24 and 48 hours, each sent once."""

import datetime

import time_machine
from django.core import mail
from django.utils import formats, translation

from tests.breaches.conftest import AMSTERDAM, FRIDAY_FIVE, record
from waarborg.audit.models import AuditEntry
from waarborg.breaches import actions, clock
from waarborg.breaches.models import Breach, Notification


def test_the_clock_runs_through_the_weekend_and_the_dst_change(breach):
    # 72 hours after Friday 17:00 summer time is Monday 16:00 winter time: the clock on the
    # wall lost an hour on Sunday night; the law counts hours.
    assert breach.deadline == datetime.datetime(2026, 10, 26, 16, 0, tzinfo=AMSTERDAM)
    assert (breach.deadline - breach.aware_at).total_seconds() == 72 * 3600
    saturday = datetime.datetime(2026, 10, 24, 11, 0, tzinfo=AMSTERDAM)
    assert clock.hours_left(breach, saturday) == 54
    assert clock.state(breach, saturday) == clock.RUNNING
    after_switch = datetime.datetime(2026, 10, 25, 11, 0, tzinfo=AMSTERDAM)  # winter time
    assert clock.hours_left(breach, after_switch) == 29  # 24 wall hours, 25 real ones later
    monday = datetime.datetime(2026, 10, 26, 15, 30, tzinfo=AMSTERDAM)
    assert clock.hours_left(breach, monday) == 0
    assert clock.state(breach, breach.deadline) == clock.OVERDUE


def test_the_clock_in_spring_counts_an_hour_less_on_the_wall(organisation, handler):
    aware = datetime.datetime(2027, 3, 26, 17, 0, tzinfo=AMSTERDAM)  # Friday, winter time
    with time_machine.travel(aware + datetime.timedelta(hours=1), tick=False):
        breach = record(organisation, handler, aware_at=aware)
    assert breach.deadline == datetime.datetime(2027, 3, 29, 18, 0, tzinfo=AMSTERDAM)


def test_the_deadline_is_written_as_people_write_it(breach):
    with translation.override("nl"):
        local = breach.deadline.astimezone(AMSTERDAM)
        assert formats.date_format(local, "j F Y, H:i") == "26 oktober 2026, 16:00"


def test_notified_and_not_required_stop_the_clock(breach, privacy_officer):
    breach = actions.decide_breach(
        breach,
        actor=privacy_officer,
        risk_decision="unlikely",
        risk_reason="Alleen namen van collega's, al bekend bij elkaar.",
    )
    assert clock.state(breach, breach.deadline) == clock.NOT_REQUIRED
    breach.risk_decision = "risk"
    notification = Notification.objects.create(
        breach=breach, version=1, kind="initial", form="f", created_by="x",
        submitted_at=FRIDAY_FIVE + datetime.timedelta(hours=20),
    )  # fmt: skip
    assert clock.state(breach, breach.deadline) == clock.NOTIFIED
    assert breach.notification() == notification


def test_reminders_at_24_and_48_hours_once_each(
    breach, privacy_officer, owner, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with time_machine.travel(FRIDAY_FIVE + datetime.timedelta(hours=23), tick=False):
        assert actions.send_reminders() == 0
    day = FRIDAY_FIVE + datetime.timedelta(hours=24, minutes=5)
    with time_machine.travel(day, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert actions.send_reminders() == 1
        assert actions.send_reminders() == 0  # not twice
    assert [m.to for m in mail.outbox] == [["po@firma.example"]]
    assert "DL-2026-001" in mail.outbox[0].subject and "24" in mail.outbox[0].subject
    later = FRIDAY_FIVE + datetime.timedelta(hours=49)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert actions.send_reminders() == 1
        assert actions.send_reminders() == 0
    assert len(mail.outbox) == 2 and "48" in mail.outbox[1].subject
    with time_machine.travel(FRIDAY_FIVE + datetime.timedelta(hours=80), tick=False):
        assert actions.send_reminders() == 0  # past the deadline: the dashboard shows it
    entries = AuditEntry.objects.filter(action="breach.reminder")
    assert [e.new["hours"] for e in entries.order_by("seq")] == [24, 48]


def test_no_reminder_for_a_notified_or_unlikely_breach(organisation, handler, privacy_officer):
    unlikely = record(organisation, handler)
    actions.decide_breach(
        unlikely, actor=privacy_officer, risk_decision="unlikely", risk_reason="Versleuteld."
    )
    notified = record(organisation, handler)
    Notification.objects.create(
        breach=notified, version=1, kind="initial", form="f", created_by="x",
        submitted_at=FRIDAY_FIVE + datetime.timedelta(hours=2),
    )  # fmt: skip
    mail.outbox.clear()
    with time_machine.travel(FRIDAY_FIVE + datetime.timedelta(hours=30), tick=False):
        assert actions.send_reminders() == 0
    assert mail.outbox == []
    assert Breach.objects.filter(reminded_24_at__isnull=False).count() == 0


def test_a_late_reminder_run_sends_only_the_48_hour_one(
    breach, privacy_officer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    late = FRIDAY_FIVE + datetime.timedelta(hours=50)
    with time_machine.travel(late, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert actions.send_reminders() == 1
        assert actions.send_reminders() == 0
    assert len(mail.outbox) == 1 and "48" in mail.outbox[0].subject


def test_the_worker_schedules_the_reminders_once(db):
    from django_tasks_db.models import DBTaskResult

    from waarborg.breaches.tasks import REMINDERS_PATH, schedule_reminders

    schedule_reminders()
    schedule_reminders()
    assert DBTaskResult.objects.filter(task_path=REMINDERS_PATH, status="READY").count() == 1
