"""The breach register's pages: who may do what, another organisation's breach, bad input,
the audit entries, and the export that holds every breach, notified or not (Art. 33(5))."""

import io

import pytest
from openpyxl import load_workbook

from tests.breaches.conftest import FACTS, FRIDAY_FIVE, record
from waarborg.audit.models import AuditEntry
from waarborg.breaches import actions
from waarborg.breaches.models import Breach
from waarborg.core.spreadsheets import read_csv
from waarborg.register.models import Party, ProcessingActivity


def form_data(**values):
    """The form's fields as posted; a text in two languages is two inputs, name_0 (Dutch) and
    name_1 (English)."""
    data = {
        **{k: v for k, v in FACTS.items() if not isinstance(v, bool)},
        "aware_at": "2026-10-23T17:00",
        "confidentiality": "on",
        "availability": "on",
    }
    data.update(values)
    for name, value in list(data.items()):
        if isinstance(value, dict):
            del data[name]
            data[f"{name}_0"], data[f"{name}_1"] = value.get("nl", ""), value.get("en", "")
    return data


@pytest.fixture
def activity(organisation):
    return ProcessingActivity.objects.create(
        organisation=organisation, key="customers", role="controller",
        name={"nl": "Klantenadministratie"}, purpose={"nl": "Leveren"},
    )  # fmt: skip


def test_a_handler_records_a_breach_and_it_is_audited(client_for, handler, activity):
    response = client_for(handler).post("/breaches/add/", form_data(activities=[activity.pk]))
    breach = Breach.objects.get()
    assert response.status_code == 302 and response.url == f"/breaches/{breach.pk}/"
    assert breach.reference == "DL-2026-001"
    assert list(breach.activities.all()) == [activity]
    assert breach.recorded_by.startswith("handler@firma.example")
    entry = AuditEntry.objects.get(action="breach.record")
    assert entry.new["activities"] == [activity.pk] and entry.actor == handler


def test_bad_input_re_renders_with_reasons_and_changes_nothing(client_for, handler):
    client = client_for(handler)
    for bad in (
        {"aware_at": "31-31-2026"},
        {"aware_at": "1200-01-01T10:00"},
        {"confidentiality": "", "availability": ""},
        {"cause": "aliens"},
        {"started_at": "2026-10-23T10:00", "ended_at": "2026-10-22T10:00"},
        {"ongoing": "on", "ended_at": "2026-10-23T10:00"},
        {"people_count": "-5"},
    ):
        data = form_data(**bad)
        data = {k: v for k, v in data.items() if v != ""}
        response = client.post("/breaches/add/", data)
        assert response.status_code == 200, bad
        assert 'role="alert"' in response.content.decode(), bad
    assert not Breach.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="breach.").exists()


def test_another_organisations_activity_or_processor_is_refused(
    organisation, handler, other_organisation
):
    theirs = ProcessingActivity.objects.create(
        organisation=other_organisation, key="x", role="controller", name={"nl": "X"},
        purpose={"nl": "X"},
    )  # fmt: skip
    with pytest.raises(actions.BreachError):
        record(organisation, handler, links={"activities": [theirs]})
    party = Party.objects.create(
        organisation=other_organisation, key="p", name={"nl": "P"}, kind="processor", country="NL"
    )
    with pytest.raises(actions.BreachError):
        record(organisation, handler, processor=party)
    assert not Breach.objects.exists()


def test_the_form_offers_only_the_own_register(client_for, handler, activity, other_organisation):
    ProcessingActivity.objects.create(
        organisation=other_organisation, key="secret", role="controller",
        name={"nl": "Geheime verwerking"}, purpose={"nl": "X"},
    )  # fmt: skip
    page = client_for(handler).get("/breaches/add/").content.decode()
    assert "Klantenadministratie" in page and "Geheime verwerking" not in page


def test_roles(client_for, breach, viewer, handler, privacy_officer):
    base = f"/breaches/{breach.pk}/"
    assert client_for(viewer).get(base).status_code == 200
    assert client_for(viewer).get("/breaches/").status_code == 200
    assert client_for(viewer).get("/breaches/add/").status_code == 403
    assert client_for(viewer).post(base + "notes/", {"text": "x"}).status_code == 403
    decision = {"risk_decision": "risk", "risk_reason": "Niet versleuteld."}
    assert client_for(handler).post(base + "decide/", decision).status_code == 403
    assert client_for(handler).post(base + "notifications/", {"kind": "initial"}).status_code == 403
    assert client_for(handler).post(base + "letters/", {}).status_code == 403
    assert client_for(handler).post(base + "notes/", {"text": "Politie gebeld."}).status_code == 302
    assert breach.notes.get().text == "Politie gebeld."
    assert client_for(privacy_officer).post(base + "decide/", decision).status_code == 302
    breach.refresh_from_db()
    assert breach.risk_decision == "risk"


def test_wrong_method_and_another_organisations_breach(
    client_for, breach, privacy_officer, other_owner, other_organisation
):
    assert client_for(privacy_officer).get(f"/breaches/{breach.pk}/decide/").status_code == 405
    other = client_for(other_owner)
    for path in ("", "edit/", "notifications/1/", "notifications/1/pdf/"):
        assert other.get(f"/breaches/{breach.pk}/{path}").status_code == 404, path
    response = other.post(
        f"/breaches/{breach.pk}/decide/", {"risk_decision": "unlikely", "risk_reason": "x"}
    )
    assert response.status_code == 404
    breach.refresh_from_db()
    assert breach.risk_decision == ""
    assert "DL-2026-001" not in other.get("/breaches/").content.decode()


def test_an_unlikely_breach_is_in_the_export_with_its_reason(
    client_for, organisation, handler, privacy_officer, viewer
):
    breach = record(organisation, handler, title="Mail aan verkeerde collega")
    actions.decide_breach(
        breach, actor=privacy_officer, risk_decision="unlikely",
        risk_reason="=Eén collega, direct verwijderd.",
    )  # fmt: skip
    response = client_for(viewer).get("/breaches/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = read_csv(text)
    assert rows[0]["Korte omschrijving"] == "Mail aan verkeerde collega"
    assert rows[0]["Reden"] == "'=Eén collega, direct verwijderd."  # no formula
    assert rows[0]["Gemeld op"] == ""
    workbook = load_workbook(io.BytesIO(client_for(viewer).get("/breaches/export.xlsx").content))
    sheet = workbook.active
    assert sheet.cell(2, 2).value == "Mail aan verkeerde collega"
    assert client_for(viewer).get("/breaches/export.exe").status_code == 404


def test_the_dashboard_shows_the_hours_left(client_for, breach, viewer):
    import datetime

    import time_machine

    with time_machine.travel(breach.aware_at + datetime.timedelta(hours=10), tick=False):
        page = client_for(viewer).get("/").content.decode()
    assert 'id="breaches"' in page and 'data-clock="running"' in page
    assert "62" in page


def test_a_timeline_file_is_kept_encrypted_and_opened_only_in_the_organisation(
    client_for, breach, handler, viewer, other_owner, other_organisation
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from waarborg.breaches.models import Note

    secret = b"klantnummer;naam\n1001;Jan de Jong\n"
    upload = SimpleUploadedFile("lijst.csv", secret, content_type="text/csv")
    response = client_for(handler).post(
        f"/breaches/{breach.pk}/notes/", {"text": "De gelekte lijst.", "attachment": upload}
    )
    assert response.status_code == 302
    note = Note.objects.get()
    assert secret not in bytes(note.attachment_data)
    path = f"/breaches/{breach.pk}/notes/{note.pk}/file/"
    download = client_for(viewer).get(path)
    assert download.content == secret
    assert download["Content-Disposition"] == 'attachment; filename="lijst.csv"'
    assert AuditEntry.objects.filter(action="breach.file_open", actor=viewer).count() == 1
    assert client_for(other_owner).get(path).status_code == 404


def test_officer_forms_with_bad_input_say_why_and_change_nothing(
    client_for, breach, privacy_officer, handler
):
    client = client_for(privacy_officer)
    base = f"/breaches/{breach.pk}/"
    response = client.post(base + "communication/", {"communication": "exempt", "note": "x"})
    assert response.status_code == 302
    assert "grond van de uitzondering" in client.get(base).content.decode().lower()
    response = client.post(base + "decide/", {"risk_decision": "risk", "risk_reason": ""})
    assert "Geef de reden" in client.get(base).content.decode()
    client.post(base + "notifications/", {"kind": "initial"})
    response = client.post(
        base + "notifications/1/submitted/", {"submitted_at": "gisteren", "authority_reference": ""}
    )
    assert response.status_code == 302
    breach.refresh_from_db()
    assert breach.communication == "" and breach.risk_decision == ""
    assert breach.notifications.get().submitted_at is None
    assert (
        client_for(handler)
        .post(base + "communication/", {"communication": "public", "note": "Op de website."})
        .status_code
        == 403
    )
    assert (
        client_for(handler)
        .post(base + "controllers/", {"controller": "1", "email": "a@b.nl", "language": "nl"})
        .status_code
        == 403
    )
    assert not AuditEntry.objects.filter(
        action__in=["breach.communication", "breach.decide", "breach.notified"]
    ).exists()


def test_editing_shows_the_recorded_moment_and_audits_only_changes(client_for, breach, handler):
    client = client_for(handler)
    page = client.get(f"/breaches/{breach.pk}/edit/").content.decode()
    assert 'value="2026-10-23T17:00"' in page  # Amsterdam time, as it was typed
    data = form_data(title="Laptop gestolen uit de bus")
    response = client.post(f"/breaches/{breach.pk}/edit/", data)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="breach.update")
    assert set(entry.new) == {"title"}
    assert entry.old["title"] == "Laptop gestolen"
    breach.refresh_from_db()
    assert breach.aware_at == FRIDAY_FIVE
