"""GET/POST /api/v1/breaches/: scoped to the key's organisation, roles, 422 on bad input."""

import pytest

from waarborg.api.actions import create_key
from waarborg.audit.models import AuditEntry
from waarborg.breaches.models import Breach
from waarborg.core.models import Term, TermKind
from waarborg.register.models import ProcessingActivity

ALERT = {
    "title": "Ongebruikelijke export uit het CRM",
    "description": "De monitoring zag 12.000 klantrecords naar een onbekend adres gaan.",
    "aware_at": "2026-10-23T17:00:00+02:00",
    "cause": "hacking",
    "confidentiality": True,
    "people_count": 12000,
}


@pytest.fixture
def key_for(organisation, owner):
    def make(role, org=None):
        return create_key(org or organisation, actor=owner, name=f"monitor {role}", role=role)[1]

    return make


def call(client, method, key, data=None):
    return getattr(client, method)(
        "/api/v1/breaches/",
        data,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def test_a_monitoring_system_opens_a_breach(client, key_for, organisation):
    ProcessingActivity.objects.create(
        organisation=organisation, key="crm", role="controller", name={"nl": "CRM"},
        purpose={"nl": "Klanten"},
    )  # fmt: skip
    code = Term.objects.filter(kind=TermKind.DATA_CATEGORY, organisation=None).first().code
    response = call(
        client,
        "post",
        key_for("handler"),
        {**ALERT, "activities": ["crm"], "data_categories": [code]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "DL-2026-001"
    assert body["deadline"].startswith("2026-10-26T15:00:00")  # 72 hours, in UTC
    breach = Breach.objects.get()
    assert [a.key for a in breach.activities.all()] == ["crm"]
    entry = AuditEntry.objects.get(action="breach.record", object_id=str(breach.pk))
    assert entry.actor_label.startswith("API: ")  # the key that opened it, not "system"
    assert breach.recorded_by.startswith("API: ")
    listed = call(client, "get", key_for("viewer"))
    assert [b["reference"] for b in listed.json()] == ["DL-2026-001"]


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"cause": "aliens"},
        {"aware_at": "2026-10-23T17:00:00"},  # no time zone
        {"aware_at": "0001-01-01T00:00:00Z"},
        {"people_count": -1},
        {"records_count": 10**12},
        {"confidentiality": False},
        {"activities": ["nope"]},
        {"data_categories": ["no.such.code"]},
    ],
)
def test_bad_input_is_422_and_changes_nothing(client, key_for, bad):
    response = call(client, "post", key_for("handler"), {**ALERT, **bad})
    assert response.status_code == 422, response.content
    assert response.json()["detail"]
    assert not Breach.objects.exists()


def test_roles_and_organisations(client, key_for, organisation, other_organisation, other_owner):
    assert call(client, "post", key_for("viewer"), ALERT).status_code == 403
    assert call(client, "get", "wb_forged").status_code == 401
    ProcessingActivity.objects.create(
        organisation=other_organisation, key="theirs", role="controller", name={"nl": "X"},
        purpose={"nl": "X"},
    )  # fmt: skip
    # Another organisation's activity key is unknown here.
    response = call(client, "post", key_for("handler"), {**ALERT, "activities": ["theirs"]})
    assert response.status_code == 422
    assert call(client, "post", key_for("handler"), ALERT).status_code == 201
    theirs = create_key(other_organisation, actor=other_owner, name="m", role="viewer")[1]
    assert call(client, "get", theirs).json() == []
