"""An activity's earlier versions: each can be opened, and two compared field by field."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from waarborg.register.actions import save_item
from waarborg.register.models import ProcessingActivity
from waarborg.register.schema import current_data
from waarborg.register.yamlio import apply_starter


@pytest.fixture
def changed(started, owner):
    """The newsletter, changed in two editing sessions a day apart: version 3 is current, 1
    and 2 are kept."""
    activity = ProcessingActivity.objects.get(organisation=started, key="newsletter")
    data = current_data("activities", activity)
    save_item(
        "activities",
        started,
        {**data, "purpose": {"nl": "Een ander doel.", "en": "Another purpose."}},
        actor=owner,
        instance=activity,
    )
    activity.refresh_from_db()
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        save_item(
            "activities",
            started,
            {
                **current_data("activities", activity),
                "data_categories": [*data["data_categories"], "user.financial"],
            },
            actor=owner,
            instance=activity,
        )
    activity.refresh_from_db()
    assert activity.version == 3
    return activity


def _url(name, *args):
    return reverse(f"register:{name}", args=["newsletter", *args])


def test_the_activity_page_links_each_earlier_version(client_for, viewer, changed):
    page = (
        client_for(viewer)
        .get(reverse("register:detail", args=["activities", "newsletter"]))
        .content.decode()
    )
    assert _url("version", 1) in page and _url("version", 2) in page
    assert f"{_url('compare')}?from=1&amp;to=current" in page


def test_an_earlier_version_shows_as_it_was(client_for, viewer, changed):
    original = changed.versions.get(version=1).snapshot["purpose"]["nl"]
    page = client_for(viewer).get(_url("version", 1)).content.decode()
    assert original in page and "Een ander doel." not in page
    assert "Doel" in page  # the field's label, in Dutch
    assert client_for(viewer).get(_url("version", 3)).status_code == 404  # current: no snapshot


def test_compare_shows_what_changed_side_by_side(client_for, viewer, changed):
    original = changed.versions.get(version=1).snapshot["purpose"]["nl"]
    page = client_for(viewer).get(_url("compare"), {"from": "1", "to": "2"}).content.decode()
    assert original in page and "Een ander doel." in page
    assert "Financiële gegevens" not in page  # only version 3 added it
    assert page.index(original) < page.index("Een ander doel.")  # old left, new right
    page = client_for(viewer).get(_url("compare"), {"from": "2", "to": "current"}).content.decode()
    assert "<ins>Financiële gegevens</ins>" in page and "Een ander doel." not in page
    assert "Naam" in page  # an unchanged item of the changed list, not marked


def test_compare_in_english(client_for, viewer, changed, settings):
    client = client_for(viewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(_url("compare"), {"from": "1", "to": "current"}).content.decode()
    assert "Another purpose." in page and "<ins>Financial data</ins>" in page
    assert "Compare versions" in page and "Financiële" not in page


def test_comparing_a_version_with_itself_says_so(client_for, viewer, changed):
    page = client_for(viewer).get(_url("compare"), {"from": "3", "to": "current"})
    assert "Geen verschillen" in page.content.decode()


@pytest.mark.parametrize("version", ["9", "x", "-1"])
def test_an_unknown_version_is_404(client_for, viewer, changed, version):
    response = client_for(viewer).get(_url("compare"), {"from": version, "to": "current"})
    assert response.status_code == 404


def test_another_organisations_versions_are_404(
    client_for, other_owner, other_organisation, changed
):
    client = client_for(other_owner)
    assert client.get(_url("version", 1)).status_code == 404
    assert client.get(_url("compare"), {"from": "1", "to": "2"}).status_code == 404


def test_the_same_key_elsewhere_shows_only_its_own_versions(
    client_for, other_owner, other_organisation, changed
):
    """Another organisation with its own "newsletter" sees its own, never ours."""
    apply_starter(other_organisation, actor=other_owner)
    theirs = ProcessingActivity.objects.get(organisation=other_organisation, key="newsletter")
    save_item(
        "activities",
        other_organisation,
        {**current_data("activities", theirs), "retention_note": {"nl": "Eigen notitie"}},
        actor=other_owner,
        instance=theirs,
    )
    client = client_for(other_owner)
    page = client.get(_url("version", 1)).content.decode()
    assert "Een ander doel." not in page
    assert client.get(_url("version", 2)).status_code == 404
    compare = client.get(_url("compare"), {"from": "1", "to": "current"}).content.decode()
    assert "Eigen notitie" in compare and "Een ander doel." not in compare
    assert "Financiële gegevens" not in compare
