"""Acceptance, as a new user would try it: in the demo the dashboard opens on what to do next;
a processor moved to Singapore under the DPF raises an error linking to the party, and moving
it back clears it."""

import pytest
from django.test import Client
from django.urls import reverse

from waarborg import demo
from waarborg.core.models import Organisation, User
from waarborg.register import actions as register_actions
from waarborg.register.models import Party
from waarborg.register.schema import current_data


@pytest.fixture
def demo_firm(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    demo.build()
    return Organisation.objects.get(slug="van-dijk")


def test_dashboard_opens_on_what_to_do_and_follows_a_dpf_move(demo_firm):
    owner = User.objects.get(email="anna@vandijk-installatie.example")
    client = Client()
    client.force_login(owner)
    page = client.get(reverse("core:dashboard")).content.decode()
    main = page.split("<main>")[1]
    assert "Wat nu:" in main or "What to do next" in main
    # Not the organisation's KvK number nor raw audit codes (register.activity.created ...).
    assert "KvK" not in main and ".created" not in main and "<code>" not in main
    party = Party.objects.filter(organisation=demo_firm, transfer_mechanism="eu_us_dpf").first()
    link = reverse("register:detail", args=["parties", party.key])
    before = current_data("parties", party)
    data = {**before, "locations": ["US", "SG"]}
    register_actions.save_item("parties", demo_firm, data, actor=owner, instance=party)
    page = client.get(reverse("checks:findings") + "?area=transfers").content.decode()
    assert "DPF voor locaties buiten de VS" in page and "Singapore" in page
    assert f'href="{link}"' in page
    party.refresh_from_db()
    register_actions.save_item(
        "parties", demo_firm, {**before, "locations": ["US"]}, actor=owner, instance=party
    )
    page = client.get(reverse("checks:findings") + "?area=transfers").content.decode()
    assert "DPF voor locaties buiten de VS" not in page
