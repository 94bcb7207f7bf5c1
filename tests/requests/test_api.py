"""The requests API: create, list, read, verify, update tasks; roles and 4xx with reasons."""

import pytest

from waarborg.api.actions import create_key
from waarborg.audit.models import AuditEntry
from waarborg.requests.models import SubjectRequest


@pytest.fixture
def key_for(firm, owner):
    def make(role, organisation=None):
        return create_key(organisation or firm, actor=owner, name=f"tool {role}", role=role)[1]

    return make


def call(client, method, path, key, data=None):
    return getattr(client, method)(
        f"/api/v1/requests/{path}",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_create_list_read_verify_and_update(client, key_for, committed, outbox):
    key = key_for("handler")
    with committed():
        created = call(
            client,
            "post",
            "",
            key,
            {"kind": "erasure", "name": "Api Persoon", "email": "api@example.nl", "language": "en"},
        )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"].endswith("-0001") and body["status"] == "awaiting_identity"
    assert body["due_on"] and body["tasks"] == []
    assert outbox[0].to == ["api@example.nl"] and "Your request" in outbox[0].subject
    created_entry = AuditEntry.objects.get(action="request.create")
    assert created_entry.actor is None and created_entry.actor_label.startswith("API: ")
    listed = call(client, "get", "", key).json()
    assert [r["reference"] for r in listed] == [body["reference"]]
    verified = call(
        client,
        "post",
        f"{body['reference']}/verify",
        key,
        {"note": "logged-in customer in the shop"},
    )
    assert verified.status_code == 200
    tasks = verified.json()["tasks"]
    assert tasks and verified.json()["verified"]
    updated = call(
        client,
        "patch",
        f"{body['reference']}/tasks/{tasks[0]['id']}",
        key,
        {"status": "done", "notes": "removed by hand"},
    )
    assert updated.status_code == 200 and updated.json()["status"] == "done"
    read = call(client, "get", body["reference"], key).json()
    assert read["tasks"][0]["notes"] == "removed by hand"
    assert AuditEntry.objects.filter(action="request.task_update").exists()


def test_errors_are_4xx_with_reasons(client, key_for, firm, other_organisation, owner):
    viewer, handler = key_for("viewer"), key_for("handler")
    assert (
        call(
            client, "post", "", viewer, {"kind": "access", "name": "X", "email": "x@example.nl"}
        ).status_code
        == 403
    )
    bad = call(client, "post", "", handler, {"kind": "access", "name": "X", "email": "nope"})
    assert bad.status_code == 400 and "e-mail" in bad.json()["detail"]
    wrong_kind = call(
        client, "post", "", handler, {"kind": "gossip", "name": "X", "email": "x@example.nl"}
    )
    assert wrong_kind.status_code == 422
    assert call(client, "get", "2026-9999", viewer).status_code == 404
    assert not SubjectRequest.objects.exists()
    assert call(client, "get", "", "wb_nonsense_key").status_code == 401
    # another organisation's key does not see this organisation's requests
    from waarborg.requests import actions

    subject_request = actions.create_request(
        firm, actor=None, kind="access", channel="email", name="Y", email="y@example.nl"
    )
    other = create_key(
        other_organisation,
        actor=other_organisation.memberships.get().user,
        name="other",
        role="owner",
    )[1]
    assert call(client, "get", subject_request.reference, other).status_code == 404
    assert call(client, "get", "", other).json() == []


def test_openapi_lists_the_routes(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/requests/" in schema["paths"]
    assert "/api/v1/requests/{reference}/tasks/{task_id}" in schema["paths"]


def test_create_with_a_postal_address_and_a_business_requester(client, key_for, committed):
    key = key_for("handler")
    data = {
        "kind": "access",
        "name": "Kees Bakker",
        "email": "kees@example.nl",
        "postal_address": "Kanaalweg 8\n3526 KL Utrecht",
        "company_name": "Bakker Installaties",
        "kvk_number": "12.34.56.78",
        "company_address": "Industrieweg 2\n3542 AD Utrecht",
    }
    with committed():
        created = call(client, "post", "", key, data)
    assert created.status_code == 201, created.content
    stored = SubjectRequest.objects.get()
    assert (stored.kvk_number, stored.company_name) == ("12345678", "Bakker Installaties")
    assert stored.postal_address.startswith("Kanaalweg 8")
    bad = call(client, "post", "", key, {**data, "kvk_number": "1234"})
    assert bad.status_code == 400 and "8" in bad.json()["detail"]
    assert SubjectRequest.objects.count() == 1


def test_create_an_objection_to_named_activities_and_a_restriction_with_its_ground(
    client, key_for, committed, firm, other_organisation, other_owner
):
    from waarborg.register.yamlio import import_register

    key = key_for("handler")
    base = {"name": "Jan de Jong", "email": "jan.dejong@example.nl"}
    with committed():
        created = call(
            client, "post", "", key, {**base, "kind": "objection", "activities": ["service-offers"]}
        )
    assert created.status_code == 201, created.content
    objection = SubjectRequest.objects.get(reference=created.json()["reference"])
    assert [a.key for a in objection.activities.all()] == ["service-offers"]
    assert objection.direct_marketing  # recognised from the register's mark
    # an activity of another organisation is unknown here
    import_register(
        other_organisation,
        "waarborg: 1\nactivities:\n- key: alleen-elders\n  name: {nl: Elders}\n  role: controller\n"
        "  purpose: {nl: Iets}\n  legal_basis: legitimate_interests\n",
        actor=other_owner,
        merge=True,
    )
    before = SubjectRequest.objects.count()
    for wrong in ("nope", "alleen-elders"):
        payload = {**base, "kind": "objection", "activities": [wrong]}
        unknown = call(client, "post", "", key, payload)
        assert unknown.status_code == 400 and wrong in unknown.json()["detail"]
    bad = call(client, "post", "", key, {**base, "kind": "restriction", "restriction_ground": "x"})
    assert bad.status_code == 422
    assert SubjectRequest.objects.count() == before
    with committed():
        restriction = call(
            client,
            "post",
            "",
            key,
            {**base, "kind": "restriction", "restriction_ground": "accuracy"},
        )
    assert restriction.status_code == 201
    stored = SubjectRequest.objects.get(reference=restriction.json()["reference"])
    assert stored.restriction_ground == "accuracy"
    with committed():
        portability = call(
            client,
            "post",
            "",
            key,
            {
                **base,
                "kind": "portability",
                "transmit_to": "Nieuwe B.V.",
                "transmit_email": "data@nieuwe.example",
            },
        )
    assert portability.status_code == 201
    assert SubjectRequest.objects.get(kind="portability").transmit_email == "data@nieuwe.example"
