"""Tenancy and roles for every staff view of the core and audit apps."""

import pytest
from django.urls import reverse

from waarborg.audit.models import AuditEntry
from waarborg.core.access import SESSION_KEY
from waarborg.core.models import Invitation, Membership, Role

# (url name, args factory, method, minimum role)
VIEWS = [
    ("core:dashboard", None, "get", Role.VIEWER),
    ("core:members", None, "get", Role.VIEWER),
    ("core:organisation_edit", None, "get", Role.PRIVACY_OFFICER),
    ("audit:list", None, "get", Role.VIEWER),
    ("core:invite", None, "post", Role.OWNER),
]


def _url(name):
    return reverse(name)


@pytest.mark.parametrize(("name", "args", "method", "minimum"), VIEWS)
def test_anonymous_is_sent_to_login(client, name, args, method, minimum):
    response = getattr(client, method)(_url(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


@pytest.mark.parametrize(("name", "args", "method", "minimum"), VIEWS)
@pytest.mark.parametrize("persona", ["owner", "privacy_officer", "handler", "viewer"])
def test_roles(request, client_for, organisation, name, args, method, minimum, persona):
    user = request.getfixturevalue(persona)
    role = Membership.objects.get(user=user, organisation=organisation).role
    response = getattr(client_for(user), method)(_url(name))
    if Role.at_least(role, minimum):
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
        assert (
            "Not allowed" in response.content.decode()
            or "Niet toegestaan" in response.content.decode()
        )


def test_user_without_organisation_is_told_so(client_for, loner):
    response = client_for(loner).get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("core:no_organisation")
    page = client_for(loner).get(response.url)
    assert page.status_code == 200


@pytest.mark.parametrize(
    "name", ["core:change_role", "core:remove_member", "core:revoke_invitation"]
)
def test_other_organisations_objects_are_404(
    client_for, owner, organisation, other_owner, other_organisation, name
):
    foreign_membership = Membership.objects.get(organisation=other_organisation)
    invitation = Invitation.objects.create(
        organisation=other_organisation, email="x@y.example", role=Role.VIEWER
    )
    pk = invitation.pk if name == "core:revoke_invitation" else foreign_membership.pk
    response = client_for(owner).post(reverse(name, args=[pk]), {"role": "viewer"})
    assert response.status_code == 404
    foreign_membership.refresh_from_db()
    assert foreign_membership.role == Role.OWNER
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_other_organisations_audit_entry_is_404(
    client_for, owner, organisation, other_organisation
):
    foreign = AuditEntry.objects.filter(organisation=other_organisation).first()
    own_count = AuditEntry.objects.filter(organisation=organisation).count()
    # An entry number that exists only in the other organisation.
    response = client_for(owner).get(reverse("audit:detail", args=[own_count + foreign.seq + 100]))
    assert response.status_code == 404
    page = client_for(owner).get(reverse("audit:list")).content.decode()
    assert "Ander B.V." not in page


def test_switching_to_a_foreign_organisation_is_404(
    client_for, owner, organisation, other_organisation
):
    client = client_for(owner)
    response = client.post(
        reverse("core:switch_organisation"), {"organisation": other_organisation.pk}
    )
    assert response.status_code == 404
    assert client.session.get(SESSION_KEY) is None


def test_switching_changes_the_active_organisation(
    client_for, owner, organisation, other_organisation, other_owner
):
    from waarborg.core import actions

    actions.add_member(other_organisation, actor=other_owner, user=owner, role=Role.VIEWER)
    client = client_for(owner)
    assert "Firma Een B.V." in client.get(reverse("core:dashboard")).content.decode()
    response = client.post(
        reverse("core:switch_organisation"), {"organisation": other_organisation.pk}
    )
    assert response.status_code == 302
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "<h1>Ander B.V.</h1>" in page
    # The viewer role there now applies: the organisation page needs a privacy officer.
    assert client.get(reverse("core:organisation_edit")).status_code == 403


def test_switch_requires_post(client_for, owner, organisation):
    assert client_for(owner).get(reverse("core:switch_organisation")).status_code == 405


def test_switch_ignores_an_offsite_next(client_for, owner, organisation):
    response = client_for(owner).post(
        reverse("core:switch_organisation"),
        {"organisation": organisation.pk, "next": "https://evil.example/"},
    )
    assert response.url == reverse("core:dashboard")


def test_user_lands_in_the_organisation_last_worked_in(
    client_for, owner, organisation, other_organisation, other_owner
):
    from waarborg.core import actions

    actions.add_member(other_organisation, actor=other_owner, user=owner, role=Role.VIEWER)
    client_for(owner).post(reverse("core:switch_organisation"), {"organisation": organisation.pk})
    # A new session (a new login) starts where the user left off, not at the first by name.
    assert (
        "<h1>Firma Een B.V.</h1>"
        in client_for(owner).get(reverse("core:dashboard")).content.decode()
    )
    client_for(owner).post(
        reverse("core:switch_organisation"), {"organisation": other_organisation.pk}
    )
    assert (
        "<h1>Ander B.V.</h1>" in client_for(owner).get(reverse("core:dashboard")).content.decode()
    )
