"""The register through the API: read and write each kind with the YAML import's checks,
scoped to the key's organisation, roles checked; the statement versions; the docs page."""

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.test_headers import assert_strict
from tests.notices.test_publish import ready  # noqa: F401 (fixture)
from waarborg.api.actions import create_key
from waarborg.audit.models import AuditEntry
from waarborg.core.taxonomy import TermIndex
from waarborg.notices.actions import publish_statement
from waarborg.register.models import Party, ProcessingActivity, Status
from waarborg.register.schema import KINDS, check_item
from waarborg.register.yamlio import apply_starter

BASE = "/api/v1/register"


@pytest.fixture
def key_for(organisation, owner):
    def make(role, org=None):
        return create_key(org or organisation, actor=owner, name=f"tool {role}", role=role)[1]

    return make


def call(client, method, path, key, data=None):
    return getattr(client, method)(
        path,
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


PARTY = {
    "key": "mailer",
    "name": {"nl": "Mailer BV", "en": "Mailer Ltd"},
    "kind": "processor",
    "country": "NL",
    "agreement_signed_on": "2025-01-01",
}


def test_create_read_update_and_retire_a_party(client, key_for, organisation):
    key = key_for("privacy_officer")
    created = call(client, "post", f"{BASE}/parties", key, PARTY)
    assert created.status_code == 201, created.content
    assert created.json() == PARTY
    party = Party.objects.get(organisation=organisation, key="mailer")
    assert party.agreement_signed_on.isoformat() == "2025-01-01"
    entry = AuditEntry.objects.filter(organisation=organisation).order_by("-seq").first()
    assert entry.action == "register.party.created"
    assert entry.actor is None and entry.actor_label.startswith("API: tool privacy_officer (wb_")

    changed = call(client, "patch", f"{BASE}/parties/mailer", key, {"locations": ["NL", "DE"]})
    assert changed.status_code == 200, changed.content
    assert changed.json()["locations"] == ["NL", "DE"] and changed.json()["kind"] == "processor"

    replaced = call(
        client, "put", f"{BASE}/parties/mailer", key, {**PARTY, "contact": "info@mailer.example"}
    )
    assert replaced.status_code == 200
    assert "locations" not in replaced.json()  # a whole item: left out is the default
    assert call(client, "get", f"{BASE}/parties/mailer", key).json()["contact"] == (
        "info@mailer.example"
    )

    assert call(client, "delete", f"{BASE}/parties/mailer", key).status_code == 204
    party.refresh_from_db()
    assert party.status == Status.RETIRED  # the register keeps its history
    listed = call(client, "get", f"{BASE}/parties?status=active", key).json()
    assert listed == []
    assert [p["key"] for p in call(client, "get", f"{BASE}/parties", key).json()] == ["mailer"]


def test_an_activity_refers_to_items_and_keeps_versions(client, key_for, organisation, owner):
    apply_starter(organisation, actor=owner)
    key = key_for("owner")
    call(client, "post", f"{BASE}/parties", key, PARTY)
    activity = call(client, "get", f"{BASE}/activities/newsletter", key).json()
    assert activity["version"] == 1
    answer = call(client, "patch", f"{BASE}/activities/newsletter", key, {"recipients": ["mailer"]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["recipients"] == ["mailer"] and answer.json()["version"] == 2
    row = ProcessingActivity.objects.get(organisation=organisation, key="newsletter")
    assert row.versions.get().snapshot.get("recipients") is None
    assert row.versions.get().changed_by.startswith("API: tool owner")


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"kind": "friend"}, "kind", "is niet toegestaan"),
        ({"country": "XX"}, "country", "is niet toegestaan"),
        ({"sub_processors": ["nobody"]}, "sub_processors", "is niet de sleutel van een onderdeel"),
        ({"key": "Not A Key"}, "key", "Kleine letters"),
        ({"name": {"fr": "Mailer"}}, "name", "een tekst per taal"),
    ],
)
def test_an_invalid_body_is_refused_with_the_reason_and_changes_nothing(
    client, key_for, organisation, change, field, reason
):
    key = key_for("privacy_officer")
    before = AuditEntry.objects.filter(organisation=organisation).count()
    answer = call(client, "post", f"{BASE}/parties", key, {**PARTY, **change})
    assert answer.status_code == 422, answer.content
    [problem] = answer.json()["detail"]
    assert problem["loc"][-1] == field and reason in problem["msg"]
    assert not Party.objects.filter(organisation=organisation).exists()
    assert AuditEntry.objects.filter(organisation=organisation).count() == before


def test_a_refused_change_leaves_the_item_as_it_was(client, key_for, organisation):
    key = key_for("privacy_officer")
    call(client, "post", f"{BASE}/parties", key, PARTY)
    for method, body in [("patch", {"kind": "friend"}), ("put", {"key": "mailer"})]:
        answer = call(client, method, f"{BASE}/parties/mailer", key, body)
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["msg"]
    assert call(client, "get", f"{BASE}/parties/mailer", key).json() == PARTY
    duplicate = call(client, "post", f"{BASE}/parties", key, PARTY)
    assert duplicate.status_code == 422 and "gebruikt deze sleutel al" in str(duplicate.json())


def test_a_body_in_the_wrong_shape_is_422(client, key_for):
    key = key_for("privacy_officer")
    for body in [{**PARTY, "surprise": 1}, {**PARTY, "agreement_signed_on": "gisteren"}]:
        assert call(client, "post", f"{BASE}/parties", key, body).status_code == 422


def test_roles(client, key_for):
    assert call(client, "post", f"{BASE}/parties", key_for("handler"), PARTY).status_code == 403
    call(client, "post", f"{BASE}/parties", key_for("privacy_officer"), PARTY)
    viewer = key_for("viewer")
    assert call(client, "get", f"{BASE}/parties/mailer", viewer).status_code == 200
    for method in ("patch", "put", "delete"):
        assert call(client, method, f"{BASE}/parties/mailer", viewer, {}).status_code == 403
    assert call(client, "get", f"{BASE}/parties", "wb_forged_key").status_code == 401


def test_another_organisations_items_are_not_found(
    client, key_for, organisation, other_organisation
):
    call(client, "post", f"{BASE}/parties", key_for("owner"), PARTY)
    other = key_for("owner", org=other_organisation)
    for method in ("get", "patch", "put", "delete"):
        answer = call(client, method, f"{BASE}/parties/mailer", other, {"contact": "x"})
        assert answer.status_code == 404, method
    assert call(client, "get", f"{BASE}/parties", other).json() == []
    # Its own item of the same key is its own; ours stays as it was.
    assert call(client, "post", f"{BASE}/parties", other, PARTY).status_code == 201
    call(client, "delete", f"{BASE}/parties/mailer", other)
    assert Party.objects.get(organisation=organisation).status == Status.ACTIVE


@given(
    kind=st.sampled_from(["processor", "recipient", "friend", ""])
    | st.text("a_bcorsp", max_size=9),
    country=st.sampled_from(["NL", "DE", "US", "XX", "nl", ""]) | st.text("ABDELNSU", max_size=3),
)
def test_the_api_accepts_what_the_import_accepts(client, key_for, organisation, kind, country):
    """The rule stated once: a party is stored exactly when the importer's check passes."""
    key = key_for("owner")
    body = {**PARTY, "kind": kind, "country": country}
    expected = not check_item(
        KINDS["parties"],
        {**body, "agreement_signed_on": datetime.date(2025, 1, 1)},
        terms=TermIndex(organisation),
        keys={name: set() for name in KINDS},
    )
    answer = call(client, "post", f"{BASE}/parties", key, body)
    assert answer.status_code == (201 if expected else 422)
    assert Party.objects.filter(organisation=organisation).exists() is expected
    Party.objects.filter(organisation=organisation).delete()


def test_statement_versions(client, key_for, ready, owner, other_organisation):  # noqa: F811
    import datetime

    publish_statement(ready, actor=owner, own_label="3.1", effective_on=datetime.date(2018, 5, 25))
    key = key_for("viewer")
    versions = call(client, "get", "/api/v1/statement/versions", key).json()
    assert sorted((v["number"], v["language"]) for v in versions) == [(1, "en"), (1, "nl")]
    assert {(v["own_label"], v["effective_on"]) for v in versions} == {("3.1", "2018-05-25")}
    one = call(client, "get", "/api/v1/statement/versions/nl/1", key)
    assert one.status_code == 200 and one.json()["text"] and one.json()["snapshot"]
    assert call(client, "get", "/api/v1/statement/versions/nl/2", key).status_code == 404
    other = key_for("viewer", org=other_organisation)
    assert call(client, "get", "/api/v1/statement/versions/nl/1", other).status_code == 404
    assert call(client, "get", "/api/v1/statement/versions", other).json() == []


@pytest.mark.django_db
def test_the_documentation_page_is_served_here_without_scripts(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict(response)
    html = response.content.decode()
    assert "/api/v1/register/activities/{key}" in html and "PartiesIn" in html
    assert "<script" not in html and " style=" not in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing from elsewhere
