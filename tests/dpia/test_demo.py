"""Acceptance, as a new user would try it: in the demo the showroom cameras are screened as
needing a DPIA, with the AP's camera category and WP248's systematic monitoring as the reason;
the DPIA has two risks and a measure, is signed, and downloads as PDF; the newsletter is
screened "not needed" with the reason shown."""

import pytest
from django.test import Client
from django.urls import reverse

from waarborg import demo
from waarborg.core.models import Organisation, User
from waarborg.dpia.models import Assessment
from waarborg.register.models import ProcessingActivity


@pytest.fixture
def demo_firm(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    demo.build()
    return Organisation.objects.get(slug="van-dijk")


@pytest.fixture
def anna(demo_firm):
    client = Client()
    client.force_login(User.objects.get(email="anna@vandijk-installatie.example"))
    return client


def test_camera_screened_needed_and_signed_with_two_risks_and_a_measure(demo_firm, anna):
    camera = ProcessingActivity.objects.get(organisation=demo_firm, key="camera-showroom")
    screening = camera.screenings.first()
    assert screening.outcome == "needed"
    page = anna.get(reverse("dpia:screen", args=[camera.key])).content.decode()
    assert "Cameratoezicht" in page and "Stelselmatige monitoring" in page
    assert 'data-screening="needed">Nodig<' in page  # the screening's own outcome
    assert 'data-outcome="done"' in page  # and the register's: the DPIA is done
    assert "screen hem opnieuw" not in page  # adding the DPIA's measure is no reason to
    assert "lijst van de AP" in camera.dpia_reason["nl"]
    assert "camera surveillance" in camera.dpia_reason["en"].lower()
    (assessment,) = Assessment.objects.filter(organisation=demo_firm)
    assert assessment.is_signed and assessment.risks.count() == 2
    assert sum(r.measures.count() for r in assessment.risks.all()) >= 1
    assert camera.security_measures.filter(key="camera-recorder").exists()
    assert camera.dpia == "done"  # signing set it; the register reads "Done"
    response = anna.get(reverse("dpia:export", args=[assessment.pk, "pdf"]) + "?language=nl")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_newsletter_screened_not_needed_with_the_reason_shown(demo_firm, anna):
    newsletter = ProcessingActivity.objects.get(organisation=demo_firm, key="newsletter")
    assert newsletter.dpia == "not_needed"
    page = anna.get(reverse("dpia:screen", args=["newsletter"])).content.decode()
    assert "Niet nodig" in page
    assert "Geen van de negen WP248-criteria" in page
    assert "afmelden kan altijd" in page
    overview = anna.get(reverse("dpia:overview")).content.decode()
    assert "<svg" in overview and "Niet gescreend" in overview
