"""The Art. 30(2) register per client (XLSX, PDF), the public Data Pro Statement and the API's
read routes, scoped to the key's organisation."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.processors.test_changes import _firm, _party
from waarborg.api.actions import create_key
from waarborg.processors import actions, exports
from waarborg.register.models import Party


def _get(client, key, path):
    return client.get(f"/api/v1/processors{path}", headers={"Authorization": f"Bearer {key}"})


@pytest.mark.django_db
def test_register_per_client_lists_its_processing_and_transfers(organisation, owner, client_for):
    service, parties = _firm(organisation, owner, clients=2)
    mailer = _party(
        organisation,
        "mailer",
        Party.Kind.SUB_PROCESSOR,
        country="US",
        locations=["US"],
        transfer_mechanism="scc_2021",
    )
    service.sub_processors.add(mailer)
    response = client_for(owner).get(f"/processors/clients/{parties[0].pk}/register.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][3] == "Verwerking" and rows[1][3] == "Hosting"
    assert "Mailer: Verenigde Staten" in rows[1][4]
    html = exports.register_html(organisation, parties[0], "en")
    assert "Client-000" in html and "Hosting" in html
    pdf = client_for(owner).get(f"/processors/clients/{parties[0].pk}/register.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_public_statement_page_and_pdf(organisation, owner, client):
    service, _parties = _firm(organisation, owner, clients=1)
    base = f"/c/{organisation.slug}/data-pro/{service.key}"
    assert client.get(f"{base}/nl/").status_code == 404  # nothing published yet
    actions.publish_statement(service, actor=owner)
    page = client.get(f"{base}/en/")
    assert page.status_code == 200 and b"Managed hosting" in page.content
    assert b"Datacenter" in page.content
    pdf = client.get(f"{base}/nl.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"{base}/fr/").status_code == 404


@pytest.mark.django_db
def test_api_reads_only_the_keys_organisation(
    organisation, owner, other_organisation, other_owner, client
):
    service, parties = _firm(organisation, owner, clients=2)
    key = create_key(organisation, actor=owner, name="tool", role="viewer")[1]
    other_key = create_key(other_organisation, actor=other_owner, name="tool", role="viewer")[1]
    services = _get(client, key, "/services").json()
    assert [s["key"] for s in services] == ["managed-hosting"]
    assert services[0]["sub_processors"][0]["locations"] == ["NL"]
    assert len(services[0]["clients"]) == 2
    assert _get(client, other_key, "/services").json() == []
    assert _get(client, other_key, f"/services/{service.pk}").status_code == 404
    agreement = _get(client, key, "/agreements?client=client-000").json()
    assert len(agreement) == 1 and agreement[0]["checklist"]["a"] is True
    assert _get(client, other_key, f"/agreements/{agreement[0]['id']}").status_code == 404
    assert _get(client, other_key, "/clients/client-000/instructions").status_code == 404
    assert _get(client, key, "/clients/client-000/instructions").json() == []
    assert _get(client, key, "/changes").json() == []


@pytest.mark.django_db
def test_staff_forms_render_and_a_service_is_saved_with_its_audit_entry(
    organisation, owner, privacy_officer, client_for
):
    from waarborg.audit.models import AuditEntry
    from waarborg.processors.models import Service

    _service, parties = _firm(organisation, owner, clients=1)
    officer = client_for(privacy_officer)
    for path in ("/processors/services/new/", "/processors/settings/", "/processors/changes/new/"):
        assert officer.get(path).status_code == 200, path
    response = officer.post(
        "/processors/services/new/",
        {
            "key": "support",
            "name_0": "Supportdesk",
            "name_1": "Support desk",
            "clients": [parties[0].pk],
        },
    )
    assert response.status_code == 302
    support = Service.objects.get(organisation=organisation, key="support")
    assert list(support.clients.all()) == parties[0:1]
    assert AuditEntry.objects.filter(
        action="processors.service.saved", object_id=str(support.pk)
    ).exists()
    again = officer.post("/processors/services/new/", {"key": "support", "name_0": "Dubbel"})
    assert (
        again.status_code == 200
        and "Een andere dienst heeft deze sleutel." in again.content.decode()
    )


@pytest.mark.django_db
def test_register_and_api_follow_the_change_per_client(organisation, owner, client):
    import datetime

    from tests.processors.test_taking_effect import _announced

    service, parties = _firm(organisation, owner, clients=2)
    mailer = _party(
        organisation, "mailer", Party.Kind.SUB_PROCESSOR, country="US", locations=["US"]
    )
    change = _announced(organisation, owner, service, mailer)
    objector = change.clients.get(client=parties[0])
    actions.answer_change(objector, actor=owner, answer="objected")
    actions.apply_due_changes(
        organisation, actor=None, today=timezone.localdate() + datetime.timedelta(days=15)
    )

    def transfers(party):
        return list(exports.register_rows(organisation, party, "nl")[0].values())[4]

    assert "Mailer" not in transfers(parties[0]) and "Mailer: Verenigde Staten" in transfers(
        parties[1]
    )
    key = create_key(organisation, actor=owner, name="tool", role="viewer")[1]
    rows = {r["client"]: r for r in _get(client, key, "/changes").json()[0]["clients"]}
    assert rows["client-000"]["applied_at"] is None and rows["client-001"]["applied_at"]
