"""Staff pages of the consent ledger."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from waarborg.api.models import ApiKey
from waarborg.audit.models import AuditEntry
from waarborg.consent import actions
from waarborg.consent.models import ConsentEvent, ConsentPurpose, Mechanism


@pytest.fixture
def newsletter(organisation, owner):
    return actions.save_purpose(
        organisation,
        actor=owner,
        key="nieuwsbrief",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        direct_marketing=True,
        wording={"nl": "Ja, stuur mij de nieuwsbrief."},
    )


PURPOSE = {
    "key": "belacties",
    "name_0": "Belacties",
    "name_1": "Phone offers",
    "channel": "phone",
    "mechanism": "opt_out",
    "direct_marketing": "on",
    "active": "on",
    "wording_0": "Klanten worden soms gebeld met aanbiedingen.",
    "wording_1": "",
}


def test_add_and_change_a_purpose(client_for, privacy_officer, organisation):
    response = client_for(privacy_officer).post(reverse("consent:purpose_create"), PURPOSE)
    assert response.status_code == 302
    purpose = ConsentPurpose.objects.get(key="belacties")
    assert purpose.current_version().number == 1
    changed = {**PURPOSE, "wording_0": "Klanten worden soms gebeld met acties."}
    client_for(privacy_officer).post(reverse("consent:purpose_edit", args=["belacties"]), changed)
    assert purpose.current_version().number == 2
    assert AuditEntry.objects.filter(action="consent.purpose_change").exists()
    again = client_for(privacy_officer).post(reverse("consent:purpose_create"), PURPOSE)
    assert again.status_code == 200 and "al een doel" in again.content.decode()


def test_history_page_and_export(client_for, handler, organisation, newsletter):
    actions.record_event(newsletter, "jan@example.nl", "granted", source="form")
    actions.record_event(newsletter, "jan@example.nl", "withdrawn", source="email_link")
    page = client_for(handler).get(reverse("consent:person"), {"key": "JAN@example.nl"})
    assert "Ja, stuur mij de nieuwsbrief." in page.content.decode()
    exported = client_for(handler).get(
        reverse("consent:person_export", args=["json"]), {"key": "jan@example.nl"}
    )
    data = json.loads(exported.content)
    assert [e["action"] for e in data["events"]] == ["granted", "withdrawn"]
    assert data["events"][0]["wording_hash"] == newsletter.current_version().hash
    csv_text = (
        client_for(handler)
        .get(reverse("consent:person_export", args=["csv"]), {"key": "jan@example.nl"})
        .content.decode()
    )
    assert csv_text.splitlines()[0].startswith("\ufeffseq;occurred_at;purpose")
    bad = client_for(handler).get(reverse("consent:person_export", args=["json"]), {"key": "x"})
    assert bad.status_code == 400


def test_import_is_all_or_nothing(client_for, privacy_officer, newsletter):
    url = reverse("consent:purpose_import", args=["nieuwsbrief"])
    bad = SimpleUploadedFile("l.csv", b"email,date\na@example.nl,2024-01-01\nnope,2024-01-01\n")
    response = client_for(privacy_officer).post(url, {"file": bad})
    assert response.status_code == 200 and "rij 3" in response.content.decode()
    assert not ConsentEvent.objects.exists()
    good = SimpleUploadedFile("l.csv", b"Email,Date\na@example.nl,2024-01-01\n")
    assert client_for(privacy_officer).post(url, {"file": good}).status_code == 302
    assert ConsentEvent.objects.get().source == "import"


def test_api_keys_are_shown_once_and_revocable(client_for, owner, organisation):
    response = client_for(owner).post(
        reverse("consent:api_keys"), {"name": "Webwinkel", "role": "handler"}
    )
    key = ApiKey.objects.get()
    assert f"wb_{key.lookup}_" in response.content.decode()
    assert key.secret_hash not in response.content.decode()
    client_for(owner).post(reverse("consent:api_key_revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_roles_and_other_organisations(
    client_for, viewer, handler, privacy_officer, other_owner, other_organisation, newsletter
):
    assert client_for(viewer).get(reverse("consent:overview")).status_code == 200
    assert client_for(viewer).get(reverse("consent:person")).status_code == 403
    assert client_for(handler).get(reverse("consent:purpose_create")).status_code == 403
    assert client_for(privacy_officer).get(reverse("consent:api_keys")).status_code == 403
    edit = reverse("consent:purpose_edit", args=["nieuwsbrief"])
    assert client_for(other_owner).get(edit).status_code == 404
