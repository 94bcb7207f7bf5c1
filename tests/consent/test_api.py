"""The consent API: keys and roles, events, the batch check, history; 4xx with reasons."""

import pytest

from waarborg.api.actions import create_key, revoke_key
from waarborg.consent.models import ConsentEvent


@pytest.fixture
def key_for(organisation, owner):
    def make(role):
        return create_key(organisation, actor=owner, name=f"shop {role}", role=role)[1]

    return make


def post(client, path, key, data):
    return client.post(
        f"/api/v1/consent/{path}",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_record_check_and_history(client, key_for, newsletter):
    key = key_for("handler")
    response = post(
        client,
        "events",
        key,
        {
            "purpose": "newsletter",
            "key": "Jan@Example.nl",
            "action": "granted",
            "ip": "203.0.113.9",
            "page": "https://shop.example/aanmelden",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "granted"
    assert ConsentEvent.objects.get().ip == "203.0.113.0/24"
    answer = post(
        client,
        "check",
        key_for("viewer"),
        {"purpose": "newsletter", "entries": ["jan@example.nl", "piet@example.nl", "x"]},
    )
    assert answer.status_code == 200
    assert [(a["may_contact"], a["reason"]) for a in answer.json()["answers"]] == [
        (True, "consent"),
        (False, "no_consent"),
        (False, "invalid"),
    ]
    history = client.get(
        "/api/v1/consent/people/jan@example.nl/events", headers={"Authorization": f"Bearer {key}"}
    )
    assert history.json()[0]["wording"]["nl"] == "Ja, stuur mij de nieuwsbrief."


def test_refusals_have_reasons(client, key_for, organisation, owner, newsletter):
    viewer = key_for("viewer")
    assert (
        post(
            client,
            "events",
            viewer,
            {"purpose": "newsletter", "key": "a@example.nl", "action": "granted"},
        ).status_code
        == 403
    )
    handler = key_for("handler")
    missing = post(
        client, "events", handler, {"purpose": "nope", "key": "a@example.nl", "action": "granted"}
    )
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
    bad = post(
        client, "events", handler, {"purpose": "newsletter", "key": "geen", "action": "granted"}
    )
    assert bad.status_code == 400 and bad.json()["detail"]
    invalid = post(
        client,
        "events",
        handler,
        {"purpose": "newsletter", "key": "a@example.nl", "action": "maybe"},
    )
    assert invalid.status_code == 422
    assert (
        post(client, "check", "wb_nonsense", {"purpose": "newsletter", "entries": []}).status_code
        == 401
    )
    key, full = create_key(organisation, actor=owner, name="old", role="owner")
    revoke_key(key, actor=owner)
    assert post(client, "check", full, {"purpose": "newsletter", "entries": []}).status_code == 401
    assert not ConsentEvent.objects.exists()


def test_the_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/consent/check" in schema["paths"]


def test_subscribe_sends_the_confirmation_and_links_are_handed_out(
    client, key_for, newsletter, django_capture_on_commit_callbacks, settings
):
    from django.core import mail

    key = key_for("handler")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            "subscribe",
            key,
            {"purpose": "newsletter", "email": "nieuw@example.nl", "language": "en"},
        )
    assert response.status_code == 202
    assert "Yes, send me the newsletter." in mail.outbox[0].body
    link = client.get(
        "/api/v1/consent/unsubscribe-link",
        {"purpose": "newsletter", "key": "Nieuw@example.nl"},
        headers={"Authorization": f"Bearer {key}"},
    ).json()
    assert link["url"].startswith(settings.BASE_URL + "/c/firma-een-bv/unsubscribe/")
    assert link["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_api_sign_ups_are_limited_per_address(
    client, key_for, newsletter, other_organisation, other_owner, django_capture_on_commit_callbacks
):
    from django.core import mail

    from waarborg.consent import actions as consent_actions

    key = key_for("handler")
    body = {"purpose": "newsletter", "email": "Lisa@example.nl"}
    with django_capture_on_commit_callbacks(execute=True):
        answers = [post(client, "subscribe", key, body).status_code for _ in range(4)]
    assert answers == [202, 202, 202, 429]
    assert len(mail.outbox) == 3
    refused = post(client, "subscribe", key, {**body, "email": "lisa@EXAMPLE.nl"})
    assert refused.status_code == 429 and "over een uur" in refused.json()["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            post(client, "subscribe", key, {**body, "email": "piet@example.nl"}).status_code == 202
        )
    # another organisation's sign-ups of the same address are counted apart
    consent_actions.save_purpose(
        other_organisation,
        actor=other_owner,
        key="newsletter",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism="opt_in",
        wording={"nl": "Ja."},
    )
    other_key = create_key(other_organisation, actor=other_owner, name="b", role="handler")[1]
    assert post(client, "subscribe", other_key, body).status_code == 202
    schema = client.get("/api/v1/openapi.json").json()
    assert "429" in schema["paths"]["/api/v1/consent/subscribe"]["post"]["responses"]
