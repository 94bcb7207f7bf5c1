"""The notification to the supervisory authority: the answers in the sections of the AP's form
(a dated data file), the page and the PDF, the submission with its reference, a late one only
with the reason for the delay (Art. 33(1)), follow-ups (Art. 33(4)) and a withdrawal."""

import datetime

import pytest
import time_machine

from tests.breaches.conftest import FRIDAY_FIVE
from waarborg.audit.models import AuditEntry
from waarborg.breaches import actions, ap_form
from waarborg.breaches.models import Notification


def test_the_form_file_is_dated_and_every_answer_is_known():
    form = ap_form.load_form()
    assert form["form"].startswith("ap_form_20")
    titles = [s["title"]["nl"] for s in form["sections"]]
    assert titles[0] == "Over de melding" and "Vervolgacties" in titles
    assert len(titles) == 9


def test_answers_state_only_recorded_facts(breach, privacy_officer):
    notification = actions.prepare_notification(breach, actor=privacy_officer)
    answers = {q["label"]: q["answer"] for s in notification.answers for q in s["questions"]}
    assert answers["Samenvatting"] == breach.description["nl"]
    assert answers["Aantal betrokkenen (ongeveer)"] == "1200"
    assert answers["Hoe is het ontdekt?"] == "niet vastgelegd"
    assert answers["Begin van het datalek"] == "niet vastgelegd"
    assert "23 oktober 2026, 17:00" in answers["Ontdekt op"]
    assert notification.form == ap_form.load_form()["form"]
    assert AuditEntry.objects.filter(action="breach.notification_prepared").count() == 1


def test_page_and_pdf(breach, privacy_officer, client_for, viewer):
    notification = actions.prepare_notification(breach, actor=privacy_officer)
    page = client_for(viewer).get(f"/breaches/{breach.pk}/notifications/1/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Over de melding" in text and "Vervolgacties" in text
    assert "Gemaakt met het formulier van de AP van 1 januari 2026 door" in text
    assert "ap_form_" not in text  # the data file's name is no words for a person
    assert "Record the submission" not in text and "submission_form" not in text
    pdf = client_for(viewer).get(f"/breaches/{breach.pk}/notifications/1/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    from django.template.loader import render_to_string

    html = render_to_string(
        "breaches/notification_pdf.html", {"notification": notification, "breach": breach}
    )
    assert "Over de melding" in html and breach.reference in html
    assert notification.version == 1


def test_a_late_notification_needs_the_reason_for_the_delay(breach, privacy_officer):
    notification = actions.prepare_notification(breach, actor=privacy_officer)
    late = FRIDAY_FIVE + datetime.timedelta(hours=80)
    with time_machine.travel(late + datetime.timedelta(hours=1), tick=False):
        with pytest.raises(actions.BreachError, match="72"):
            actions.record_submission(notification, actor=privacy_officer, submitted_at=late)
        notification.refresh_from_db()
        assert notification.submitted_at is None
        actions.record_submission(
            notification, actor=privacy_officer, submitted_at=late,
            authority_reference="AP-2026-1234", delay_reason="De dief meldde zich pas maandag.",
        )  # fmt: skip
    entry = AuditEntry.objects.get(action="breach.notified")
    assert entry.new["late"] is True and entry.new["reference"] == "AP-2026-1234"
    breach.refresh_from_db()
    assert breach.delay_reason == "De dief meldde zich pas maandag."


def test_in_time_no_reason_needed_then_reference_follow_up_and_withdrawal(
    breach, privacy_officer, client_for
):
    client = client_for(privacy_officer)
    first = actions.prepare_notification(breach, actor=privacy_officer)
    saturday = datetime.datetime(2026, 10, 24, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(saturday, tick=False):
        response = client.post(
            f"/breaches/{breach.pk}/notifications/1/submitted/",
            {"submitted_at": "2026-10-24T11:30", "authority_reference": ""},
        )
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.submitted_at is not None and first.authority_reference == ""
        # The AP's number arrives later on Saturday.
        client.post(
            f"/breaches/{breach.pk}/notifications/1/reference/",
            {"authority_reference": "AP-2026-0042"},
        )
        first.refresh_from_db()
        assert first.authority_reference == "AP-2026-0042"
        with pytest.raises(actions.BreachError):  # the first one is submitted already
            actions.prepare_notification(breach, actor=privacy_officer)
        follow = actions.prepare_notification(
            breach, actor=privacy_officer, kind=Notification.Kind.FOLLOW_UP,
            note="Aantal betrokkenen bijgesteld.",
        )  # fmt: skip
        answers = {q["label"]: q["answer"] for s in follow.answers for q in s["questions"]}
        assert answers["Nummer van de eerdere melding"] == "AP-2026-0042"
        with pytest.raises(actions.BreachError):  # a withdrawal says why
            actions.prepare_notification(breach, actor=privacy_officer, kind="withdrawal")
        withdrawal = actions.prepare_notification(
            breach, actor=privacy_officer, kind="withdrawal", note="Laptop teruggevonden, dicht."
        )
    assert [n.version for n in breach.notifications.all()] == [1, 2, 3]
    assert withdrawal.kind == "withdrawal"
    first.refresh_from_db()
    assert first.answers[0]["questions"][0]["answer"] == "Melding"  # kept as it was


def test_a_submission_in_the_future_or_before_awareness_is_refused(breach, privacy_officer):
    notification = actions.prepare_notification(breach, actor=privacy_officer)
    with time_machine.travel(FRIDAY_FIVE + datetime.timedelta(hours=1), tick=False):
        for moment in (
            FRIDAY_FIVE + datetime.timedelta(days=2),
            FRIDAY_FIVE - datetime.timedelta(hours=1),
        ):
            with pytest.raises(actions.BreachError):
                actions.record_submission(notification, actor=privacy_officer, submitted_at=moment)
    assert not AuditEntry.objects.filter(action="breach.notified").exists()
