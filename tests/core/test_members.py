"""Inviting members, accepting, changing roles, removing: mails and audit entries."""

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from waarborg.audit.models import AuditEntry
from waarborg.core.models import Invitation, Membership, Role, User


def _last_entry(organisation):
    return AuditEntry.objects.filter(organisation=organisation).order_by("-seq").first()


def _link(message):
    return re.search(r"http://\S+", message.body).group(0)


def invite(client, email, role, on_commit):
    with on_commit(execute=True):
        return client.post(reverse("core:invite"), {"email": email, "role": role})


def test_owner_invites_and_newcomer_accepts(
    client, client_for, owner, organisation, django_capture_on_commit_callbacks
):
    response = invite(
        client_for(owner), "New@Firma.example", "handler", django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organisation=organisation)
    assert invitation.email == "new@firma.example"
    assert _last_entry(organisation).action == "core.invitation.created"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new@firma.example"]
    # The organisation's language is Dutch: so is the invitation.
    assert "Uitnodiging" in message.subject
    path = _link(message).removeprefix("http://127.0.0.1:8000")

    page = client.get(path)
    assert page.status_code == 200
    assert "Firma Een B.V." in page.content.decode()
    bad = client.post(path, {"name": "Nina", "password1": "x", "password2": "y"})
    assert bad.status_code == 200
    assert not User.objects.filter(email="new@firma.example").exists()

    accepted = client.post(
        path, {"name": "Nina Nieuw", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert accepted.status_code == 302
    user = User.objects.get(email="new@firma.example")
    assert Membership.objects.get(user=user, organisation=organisation).role == Role.HANDLER
    actions = AuditEntry.objects.filter(organisation=organisation).order_by("-seq")
    assert [entry.action for entry in actions[:2]] == [
        "signin.succeeded",
        "core.invitation.accepted",
    ]
    # The organisation requires a second factor (new organisations do): set it up first.
    assert accepted.url == reverse("mfa_activate_totp")
    assert client.get(reverse("core:dashboard")).url == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    # The link is spent.
    assert Client().get(path).status_code == 404


def test_existing_user_must_log_in_to_accept(
    client, client_for, owner, organisation, other_owner, django_capture_on_commit_callbacks
):
    invite(client_for(owner), other_owner.email, "viewer", django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    page = client.get(path)
    assert page.status_code == 200
    assert reverse("core:login") in page.content.decode()
    # Posting anonymously neither creates an account nor a membership.
    client.post(path, {"name": "X", "password1": PASSWORD, "password2": PASSWORD})
    assert not Membership.objects.filter(user=other_owner, organisation=organisation).exists()
    # Another logged-in user cannot use it.
    assert client_for(owner).post(path).status_code == 404
    assert client_for(other_owner).post(path).status_code == 302
    assert Membership.objects.get(user=other_owner, organisation=organisation).role == Role.VIEWER


def test_invitation_expires_after_a_week(
    client, client_for, owner, organisation, django_capture_on_commit_callbacks
):
    invite(client_for(owner), "late@x.example", "viewer", django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    with time_machine.travel(timezone.now() + timezone.timedelta(days=8)):
        response = client.get(path)
    assert response.status_code == 404


def test_forged_token_is_404(client):
    assert client.get(reverse("core:accept_invitation", args=["nonsense"])).status_code == 404


def test_revoked_invitation_no_longer_works(
    client, client_for, owner, organisation, django_capture_on_commit_callbacks
):
    invite(client_for(owner), "r@x.example", "viewer", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    path = _link(mail.outbox[0]).removeprefix("http://127.0.0.1:8000")
    client_for(owner).post(reverse("core:revoke_invitation", args=[invitation.pk]))
    assert _last_entry(organisation).action == "core.invitation.revoked"
    assert client.get(path).status_code == 404


def test_inviting_a_member_again_is_refused(client_for, owner, organisation, handler):
    response = client_for(owner).post(
        reverse("core:invite"), {"email": handler.email, "role": "viewer"}, follow=True
    )
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0
    assert "al lid" in response.content.decode() or "already a member" in response.content.decode()


def test_invalid_invitation_form_changes_nothing(client_for, owner, organisation):
    client_for(owner).post(reverse("core:invite"), {"email": "not-an-address", "role": "boss"})
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("persona", ["privacy_officer", "handler", "viewer"])
def test_only_owners_manage_members(request, client_for, organisation, handler, persona):
    user = request.getfixturevalue(persona)
    membership = Membership.objects.get(user=handler)
    client = client_for(user)
    assert (
        client.post(reverse("core:invite"), {"email": "a@b.example", "role": "viewer"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("core:change_role", args=[membership.pk]), {"role": "owner"}
        ).status_code
        == 403
    )
    assert client.post(reverse("core:remove_member", args=[membership.pk])).status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.HANDLER


def test_owner_changes_a_role(client_for, owner, organisation, handler):
    membership = Membership.objects.get(user=handler)
    client_for(owner).post(
        reverse("core:change_role", args=[membership.pk]), {"role": "privacy_officer"}
    )
    membership.refresh_from_db()
    assert membership.role == Role.PRIVACY_OFFICER
    entry = _last_entry(organisation)
    assert entry.action == "core.membership.role_changed"
    assert entry.old == {"role": "handler"} and entry.new == {"role": "privacy_officer"}
    assert entry.actor == owner


def test_last_owner_cannot_be_demoted_or_removed(client_for, owner, organisation):
    membership = Membership.objects.get(user=owner)
    client = client_for(owner)
    client.post(reverse("core:change_role", args=[membership.pk]), {"role": "viewer"})
    client.post(reverse("core:remove_member", args=[membership.pk]))
    membership.refresh_from_db()
    assert membership.role == Role.OWNER


def test_owner_removes_a_member(client_for, owner, organisation, viewer):
    membership = Membership.objects.get(user=viewer)
    client_for(owner).post(reverse("core:remove_member", args=[membership.pk]))
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert _last_entry(organisation).action == "core.membership.removed"
    assert client_for(viewer).get(reverse("core:dashboard")).url == reverse("core:no_organisation")


def test_wrong_method_on_post_only_views(client_for, owner, organisation):
    membership = Membership.objects.get(user=owner)
    client = client_for(owner)
    assert client.get(reverse("core:invite")).status_code == 405
    assert client.get(reverse("core:change_role", args=[membership.pk])).status_code == 405
    assert client.get(reverse("core:remove_member", args=[membership.pk])).status_code == 405
