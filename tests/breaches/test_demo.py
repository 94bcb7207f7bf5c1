"""Acceptance, as a new user would try it: in the demo a handler has recorded the stolen,
unencrypted laptop on Friday 17:00; the dashboard shows the hours left; the owner (privacy
officer) has assessed it as high risk, gets the AP PDF, records the AP's reference on Saturday
and sends the people a letter in their language. A breach decided "unlikely to result in a
risk" is recorded with its reason, not notified, and in the export."""

import datetime

import pytest
import time_machine
from django.core import mail

from tests.breaches.conftest import AMSTERDAM
from waarborg import demo
from waarborg.breaches import actions
from waarborg.breaches.models import Breach, Letter
from waarborg.core.models import Organisation, User
from waarborg.core.spreadsheets import read_csv

SATURDAY = datetime.datetime(2026, 10, 24, 10, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def demo_firm(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with time_machine.travel(SATURDAY, tick=False):
        demo.build()
    return Organisation.objects.get(slug="van-dijk")


def test_the_demo_breach_from_dashboard_to_letters(
    demo_firm, client_for, django_capture_on_commit_callbacks
):
    breach = Breach.objects.get(organisation=demo_firm)
    assert breach.aware_at == datetime.datetime(2026, 10, 23, 17, 0, tzinfo=AMSTERDAM)
    assert breach.recorded_by.startswith("bram@")
    assert breach.high_risk_decision == "high"
    assert (breach.dpc, breach.ei) == (2, 1)  # the score survives the later decisions
    owner = User.objects.get(email="anna@vandijk-installatie.example")
    client = client_for(owner)
    with time_machine.travel(SATURDAY, tick=False):
        dashboard = client.get("/").content.decode()
        assert "Laptop met de klantenadministratie" in dashboard
        assert "nog 55 uur" in dashboard  # until Monday 16:00, with the hour of the DST change
        pdf = client.get(f"/breaches/{breach.pk}/notifications/1/pdf/")
        assert pdf.content.startswith(b"%PDF")
        response = client.post(
            f"/breaches/{breach.pk}/notifications/1/submitted/",
            {"submitted_at": "2026-10-24T10:00", "authority_reference": "AP-2026-98765"},
        )
        assert response.status_code == 302
        detail = client.get(f"/breaches/{breach.pk}/").content.decode()
        assert "AP-2026-98765" in detail and 'data-clock="notified"' in detail
        with django_capture_on_commit_callbacks(execute=False):
            response = client.post(
                f"/breaches/{breach.pk}/letters/",
                {"addresses": "jan@voorbeeld.nl,nl\nann@example.com,en", "per_minute": 600},
            )
    assert response.status_code == 302
    Letter.objects.update(per_minute=0)
    mail.outbox.clear()
    actions.deliver_letter(Letter.objects.get().pk, actor=None)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "jan@voorbeeld.nl": "Van Dijk Installatietechniek B.V.: een datalek dat u betreft",
        "ann@example.com": "Van Dijk Installatietechniek B.V.: a data breach that concerns you",
    }


def test_an_unlikely_breach_is_recorded_not_notified_and_exported(demo_firm, client_for):
    owner = User.objects.get(email="anna@vandijk-installatie.example")
    handler = User.objects.get(email="bram@vandijk-installatie.example")
    breach = actions.record_breach(
        demo_firm, actor=handler, title="Offerte naar verkeerde collega",
        aware_at=SATURDAY, description="Een offerte met naam en adres ging naar een collega.",
        confidentiality=True, integrity=False, availability=False, cause="wrong_recipient",
        consequences="Geen: de collega heeft de mail direct verwijderd.",
        measures_taken="Mail verwijderd en bevestigd.",
    )  # fmt: skip
    actions.decide_breach(
        breach, actor=owner, risk_decision="unlikely",
        risk_reason="Eén interne ontvanger met geheimhoudingsplicht; direct verwijderd.",
    )  # fmt: skip
    assert breach.notification() is None
    rows = read_csv(client_for(owner).get("/breaches/export.csv").content.decode())
    row = next(r for r in rows if r["Korte omschrijving"] == "Offerte naar verkeerde collega")
    assert row["Reden"].startswith("Eén interne ontvanger")
    assert row["Besluit over melden"] == "Waarschijnlijk geen risico: niet gemeld"
    assert row["Gemeld op"] == ""
