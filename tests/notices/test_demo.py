"""The demo ships a published statement and a register change after it."""

import pytest
from django.test import Client
from django.urls import reverse

from waarborg import demo
from waarborg.core.models import Organisation, User
from waarborg.notices.models import NoticeVersion


@pytest.fixture
def demo_firm(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    demo.build()
    return Organisation.objects.get(slug="van-dijk")


@pytest.fixture
def staff(demo_firm, db):
    client = Client()
    client.force_login(User.objects.get(email="anna@vandijk-installatie.example"))
    return client


def test_public_statement_is_there_at_once(demo_firm):
    versions = NoticeVersion.objects.filter(organisation=demo_firm)
    assert sorted(versions.values_list("number", "language")) == [(1, "en"), (1, "nl")]
    for language, words in [("nl", "Versie 1, gepubliceerd op"), ("en", "Version 1, published on")]:
        response = Client().get(f"/c/{demo_firm.slug}/privacy/{language}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert words in page
        assert "Van Dijk Installatietechniek B.V." in page
        assert "DHL Parcel" not in page  # the pending change is not public yet


def test_comparison_with_the_draft_shows_the_pending_change(demo_firm, staff):
    overview = staff.get(reverse("notices:overview")).content.decode()
    assert reverse("notices:compare") in overview
    page = staff.get(reverse("notices:compare")).content.decode()
    assert "DHL Parcel" in page
    assert "wezenlijke wijziging" in page  # a new recipient is a material change
    assert "Klanten" in page  # the people to tell
    assert "Publiceer eerst de nieuwe versie" in page
