"""The retention chart: per system the rows due at the next sweep out of the rows held, the
same numbers as the plan, in words; systems without a connection say they are reviewed by
hand; another organisation's systems stay off it."""

import re

import pytest
from django.urls import reverse

from tests.retention.test_views import phone_system, shop  # noqa: F401 (fixtures)
from waarborg.retention import actions


def _chart(client):
    page = client.get(reverse("retention:overview")).content.decode()
    found = re.search(r'<figure class="retention-chart">.*?</figure>', page, re.S)
    assert found, "the overview shows the chart"
    return found.group(0)


@pytest.mark.usefixtures("shop", "phone_system")
def test_each_system_shows_its_due_rows_in_words(client_for, privacy_officer, organisation):
    items = actions.build_plan(organisation)
    source_items = [i for i in items if i.kind == "source"]
    due = sum(i.count or 0 for i in source_items)
    tables = {}
    for item in source_items:
        tables[item.collection] = max(tables.get(item.collection, 0), item.total or 0)
    assert due > 0
    chart = _chart(client_for(privacy_officer))
    held = f"{sum(tables.values()):,}".replace(",", ".")
    assert f"{due} van {held} rijen" in chart
    assert "Shop" in chart
    assert "Telefooncentrale" in chart and "geen koppeling: met de hand nagelopen" in chart


@pytest.mark.usefixtures("shop")
def test_another_organisations_systems_stay_off(
    client_for, other_owner, other_organisation, privacy_officer
):
    page = client_for(other_owner).get(reverse("retention:overview")).content.decode()
    assert 'class="retention-chart"' not in page
    assert "Shop" not in page
