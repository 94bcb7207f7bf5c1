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


def test_a_breach_still_to_decide_shows_its_deadline(client_for, breach, viewer):
    with time_machine.travel(breach.aware_at + datetime.timedelta(hours=10), tick=False):
        page = client_for(viewer).get(f"/breaches/{breach.pk}/").content.decode()
    clock_card = page.split('id="clock"', 1)[1].split("</section>", 1)[0]
    assert "data-no-notification" not in clock_card
    assert 'data-clock="running"' in clock_card
