from django.urls import reverse

from waarborg.audit.models import AuditEntry
from waarborg.core.access import SESSION_KEY
from waarborg.core.models import Membership, Organisation, Role


def test_privacy_officer_edits_details_with_audit(client_for, privacy_officer, organisation):
    data = {
        "name": "Firma Een B.V.",
        "kvk_number": "87654321",
        "country": "NL",
        "supervisory_authority": "Autoriteit Persoonsgegevens",
        "default_language": "nl",
        "time_zone": "Europe/Amsterdam",
        "privacy_email": "privacy@firma.example",
    }
    response = client_for(privacy_officer).post(reverse("core:organisation_edit"), data)
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.kvk_number == "87654321"
    entry = AuditEntry.objects.filter(organisation=organisation).order_by("-seq").first()
    assert entry.action == "core.organisation.updated"
    assert entry.old == {"kvk_number": "12345678", "privacy_email": ""}
    assert entry.new == {"kvk_number": "87654321", "privacy_email": "privacy@firma.example"}


def test_only_an_owner_sets_whether_every_member_needs_a_second_factor(
    client_for, privacy_officer, owner, organisation
):
    data = {
        "name": "Firma Een B.V.",
        "kvk_number": "12345678",
        "country": "NL",
        "supervisory_authority": "Autoriteit Persoonsgegevens",
        "default_language": "nl",
        "time_zone": "Europe/Amsterdam",
    }
    officer = client_for(privacy_officer)
    assert "mfa_required" not in officer.get(reverse("core:organisation_edit")).content.decode()
    officer.post(reverse("core:organisation_edit"), {**data, "mfa_required": ""})
    organisation.refresh_from_db()
    assert organisation.mfa_required
    page = client_for(owner).get(reverse("core:organisation_edit")).content.decode()
    assert 'name="mfa_required"' in page and "checked" in page
    client_for(owner).post(reverse("core:organisation_edit"), data)  # the box unticked
    organisation.refresh_from_db()
    assert not organisation.mfa_required
    entry = AuditEntry.objects.filter(organisation=organisation).order_by("-seq").first()
    assert entry.actor == owner
    assert entry.old == {"mfa_required": True} and entry.new == {"mfa_required": False}


def test_invalid_details_rerender_with_message_and_change_nothing(client_for, owner, organisation):
    count = AuditEntry.objects.count()
    response = client_for(owner).post(
        reverse("core:organisation_edit"),
        {
            "name": "",
            "kvk_number": "12",
            "country": "NL",
            "default_language": "nl",
            "supervisory_authority": "AP",
            "time_zone": "Europe/Amsterdam",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "8 cijfers" in body or "8 digits" in body
    organisation.refresh_from_db()
    assert organisation.kvk_number == "12345678"
    assert AuditEntry.objects.count() == count


def test_any_user_creates_an_organisation_and_owns_it(client_for, loner):
    client = client_for(loner)
    response = client.post(
        reverse("core:organisation_create"),
        {
            "name": "Nieuw & Co",
            "country": "NL",
            "default_language": "en",
            "supervisory_authority": "Autoriteit Persoonsgegevens",
            "time_zone": "Europe/Amsterdam",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Nieuw & Co")
    assert organisation.slug == "nieuw-co"
    assert Membership.objects.get(user=loner, organisation=organisation).role == Role.OWNER
    assert client.session[SESSION_KEY] == organisation.pk
    actions = list(
        AuditEntry.objects.filter(organisation=organisation).values_list("action", flat=True)
    )
    assert "core.organisation.created" in actions
