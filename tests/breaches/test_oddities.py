"""Small things a person would stumble on: a count too large for the register, a score written
the way Dutch writes numbers, and a breach decided unlikely to result in a risk that no longer
speaks of its 72 hours."""

import datetime
from decimal import Decimal as D

import time_machine

from tests.breaches.conftest import record
from tests.breaches.test_register import form_data
from waarborg.breaches import actions, ap_form, export, risk
from waarborg.breaches.models import Breach
from waarborg.core.spreadsheets import read_csv


def test_a_huge_count_gets_a_clear_message_not_a_crash(client_for, handler, breach):
    client = client_for(handler)
    for name in ("people_count", "records_count"):
        for url in ("/breaches/add/", f"/breaches/{breach.pk}/edit/"):
            response = client.post(url, form_data(**{name: "99999999999999999999"}))
            assert response.status_code == 200, (name, url)
            html = response.content.decode()
            assert "Geef een aantal van hoogstens 2.000.000.000" in html, (name, url)
            assert "2147483647" not in html and "Ensure this value" not in html
    assert Breach.objects.count() == 1
    breach.refresh_from_db()
    assert breach.people_count == 1200
    # The limit itself is accepted.
    response = client.post(f"/breaches/{breach.pk}/edit/", form_data(people_count="2000000000"))
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.people_count == 2_000_000_000


def test_a_huge_count_in_english_is_told_in_english(client_for, handler):
    client = client_for(handler)
    client.cookies["waarborg_language"] = "en"
    response = client.post("/breaches/add/", form_data(people_count="99999999999999999999"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give a number of at most 2,000,000,000; an estimate will do." in html


def test_the_score_is_written_as_dutch_writes_numbers(organisation, handler, client_for):
    assert risk.score_text(D("4.00")) == "4"
    assert risk.score_text(D("4.50")) == "4,5"
    assert risk.score_text(D("10.00")) == "10"
    assert risk.score_text(D("0.25")) == "0,25"
    assert risk.score_text(None) == ""
    from django.utils import translation

    with translation.override("en"):
        assert risk.score_text(D("4.50")) == "4.5"

    whole = record(organisation, handler, title="Heel")
    actions.assess_breach(whole, actor=handler, dpc=4, ei=D("1"))
    half = record(organisation, handler, title="Half")
    actions.assess_breach(half, actor=handler, dpc=4, ei=D("1"), cb_malicious=D("0.5"))
    rows = {row["Korte omschrijving"]: row for row in read_csv(export.to_csv(organisation))}
    assert rows["Heel"]["Ernst (ENISA)"].startswith("4 (")
    assert rows["Half"]["Ernst (ENISA)"].startswith("4,5 (")
    assert "4.00" not in export.to_csv(organisation)

    page = client_for(handler).get(f"/breaches/{half.pk}/").content.decode()
    assert "<strong" in page and ">4,5 ·" in page
    assert "4,50" not in page and "4.50 ·" not in page

    half.refresh_from_db()
    answers = ap_form.answer_sections(half, "initial")
    severity = [q["answer"] for s in answers for q in s["questions"] if "ENISA" in q["label"]]
    assert severity and severity[0].startswith("4,5 (")


def test_an_unlikely_breach_says_no_notification_is_needed_and_why(
    client_for, breach, privacy_officer, viewer
):
    actions.decide_breach(
        breach, actor=privacy_officer, risk_decision="unlikely",
        risk_reason="De laptop was versleuteld en is op afstand gewist.",
    )  # fmt: skip
    with time_machine.travel(breach.aware_at + datetime.timedelta(hours=10), tick=False):
        page = client_for(viewer).get(f"/breaches/{breach.pk}/").content.decode()
        dashboard = client_for(viewer).get("/").content.decode()
    clock_card = page.split('id="clock"', 1)[1].split("</section>", 1)[0]
    assert "data-no-notification" in clock_card
    assert "Geen melding nodig" in clock_card
    assert "De laptop was versleuteld en is op afstand gewist." in clock_card
    assert "72 uur" not in clock_card and "moet binnen" not in clock_card
    assert breach.deadline.strftime("%H:%M") not in clock_card
    assert 'data-clock="running"' not in page
    assert breach.reference not in dashboard
    assert clock_card.lower().count("geen melding nodig") == 1  # said once, not twice
    # letters are not asked for: they are offered folded away
    officer = client_for(privacy_officer).get(f"/breaches/{breach.pk}/").content.decode()
    people = officer.split('id="people"', 1)[1].split("</section>", 1)[0]
    assert "<details><summary>Betrokkenen toch informeren</summary>" in people
    assert "1.200 / 1.200" in page  # counts as Dutch writes them


def test_a_breach_still_to_decide_shows_its_deadline(client_for, breach, viewer):
    with time_machine.travel(breach.aware_at + datetime.timedelta(hours=10), tick=False):
        page = client_for(viewer).get(f"/breaches/{breach.pk}/").content.decode()
    clock_card = page.split('id="clock"', 1)[1].split("</section>", 1)[0]
    assert "data-no-notification" not in clock_card
    assert 'data-clock="running"' in clock_card


def _delay_answer(notification):
    for section in notification.answers:
        for question in section["questions"]:
            if "vertraging" in question["label"].lower():
                return question["answer"]
    raise AssertionError("no question on the delay")


def test_the_delay_answer_says_yes_when_the_72_hours_are_over(breach, privacy_officer):
    from tests.breaches.conftest import FRIDAY_FIVE

    in_time = FRIDAY_FIVE + datetime.timedelta(hours=10)
    with time_machine.travel(in_time, tick=False):
        early = actions.prepare_notification(breach, actor=privacy_officer)
    assert _delay_answer(early).startswith("nee")
    early.delete()
    late = FRIDAY_FIVE + datetime.timedelta(hours=80)
    with time_machine.travel(late, tick=False):
        notification = actions.prepare_notification(breach, actor=privacy_officer)
        assert _delay_answer(notification).startswith("ja; de reden van de vertraging is nog niet")
        actions.record_submission(
            notification, actor=privacy_officer, submitted_at=late,
            delay_reason="De dief meldde zich pas maandag.",
        )  # fmt: skip
    notification.refresh_from_db()
    assert _delay_answer(notification) == "ja: De dief meldde zich pas maandag."


def test_a_moment_in_the_future_is_refused(client_for, handler, organisation):
    client = client_for(handler)
    future = (datetime.datetime.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for name in ("aware_at", "started_at", "ended_at"):
        response = client.post("/breaches/add/", form_data(**{name: future}))
        assert Breach.objects.count() == 0, name
        assert response.status_code in (200, 302)
    with __import__("pytest").raises(actions.BreachError, match="toekomst"):
        record(
            organisation,
            handler,
            aware_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=3),
        )


def test_a_dutch_excel_address_list_is_read(breach, privacy_officer, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from waarborg.breaches.models import LetterRecipient

    csv = (
        "\ufeffE-mailadres;Taal;Naam\r\n"
        "sanne@example.nl;nl;Sanne Visser\r\nann@example.com;en;Ann\r\n"
    )
    upload = SimpleUploadedFile("adressen.csv", csv.encode("utf-8"), content_type="text/csv")
    type(breach.organisation).objects.filter(pk=breach.organisation_id).update(
        privacy_email="privacy@firma.example"
    )
    client = client_for(privacy_officer)
    response = client.post(
        f"/breaches/{breach.pk}/letters/",
        {"addresses": "", "upload": upload, "per_minute": 60},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert dict(LetterRecipient.objects.values_list("email", "language")) == {
        "sanne@example.nl": "nl", "ann@example.com": "en",
    }, messages  # fmt: skip


def test_a_refused_typed_list_is_offered_again(breach, privacy_officer, client_for):
    client = client_for(privacy_officer)
    typed = "jan@example.nl\nniet-een-adres\n"
    response = client.post(
        f"/breaches/{breach.pk}/letters/", {"addresses": typed, "per_minute": 60}, follow=True
    )
    page = response.content.decode()
    assert "niet-een-adres" in page and "jan@example.nl" in page  # in the textarea again
