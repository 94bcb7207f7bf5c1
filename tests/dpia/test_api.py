"""The DPIA routes of the API: roles, another organisation's activity, 4xx with reasons."""

import pytest

from tests.dpia.conftest import make_activity
from waarborg.api.actions import create_key
from waarborg.dpia.models import Screening


@pytest.fixture
def key_for(organisation, owner):
    def make(role, organisation=organisation, owner=owner):
        return create_key(organisation, actor=owner, name=f"tool {role}", role=role)[1]

    return make


def call(client, method, path, key, data=None):
    return getattr(client, method)(
        f"/api/v1/dpia/{path}",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_screen_through_the_api(client, key_for, camera):
    key = key_for("privacy_officer")
    answers = {"ap.camera_surveillance": True, "wp248.systematic_monitoring": True}
    response = call(client, "post", "screenings/camera", key, {"answers": answers})
    assert response.status_code == 201
    body = response.json()
    assert body["outcome"] == "needed" and body["answers"]["ap.camera_surveillance"] is True
    assert "Cameratoezicht" in body["reason"]["nl"]
    listed = call(client, "get", "screenings", key_for("viewer")).json()
    assert [(s["activity"], s["outcome"]) for s in listed] == [("camera", "needed")]
    lists = call(client, "get", "criteria", key_for("viewer")).json()
    assert len(lists["criteria"]) == 26 and lists["checked_on"]


def test_refusals_have_reasons_and_change_nothing(
    client, key_for, camera, other_organisation, other_owner
):
    viewer = key_for("viewer")
    assert call(client, "post", "screenings/camera", viewer, {"answers": {}}).status_code == 403
    officer = key_for("privacy_officer")
    response = call(client, "post", "screenings/camera", officer, {"answers": {"ap.nope": True}})
    assert response.status_code == 400 and "ap.nope" in response.json()["detail"]
    make_activity(other_organisation, other_owner, key="theirs")
    response = call(client, "post", "screenings/theirs", officer, {"answers": {}})
    assert response.status_code == 404
    theirs = key_for("owner", organisation=other_organisation, owner=other_owner)
    assert call(client, "get", "screenings", theirs).json() == [
        {
            "activity": "theirs",
            "outcome": "not_screened",
            "screened_on": None,
            "reason": {},
            "answers": {},
        }
    ]
    assert call(client, "post", "screenings/camera", officer, {"answers": "yes"}).status_code == 422
    assert not Screening.objects.exists()
    assert call(client, "get", "assessments", viewer).json() == []
