"""State changes of organisations, memberships and invitations. Each one is audited."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from waarborg.audit.actions import record_entry
from waarborg.core import emails
from waarborg.core.models import Invitation, Membership, Organisation, Role

ORGANISATION_FIELDS = [
    "name",
    "legal_form",
    "kvk_number",
    "street_address",
    "postal_code",
    "city",
    "country",
    "privacy_email",
    "phone",
    "website",
    "dpo_name",
    "dpo_email",
    "representative",
    "supervisory_authority",
    "default_language",
    "time_zone",
]
INVITATION_SALT = "waarborg.invitation"


class ActionError(Exception):
    """A state change that is not allowed; the message is translated and shown to the user."""


def _values(obj, fields):
    return {field: getattr(obj, field) for field in fields}


def unique_slug(name):
    base = slugify(name)[:50] or "organisatie"
    slug, number = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_organisation(*, actor, owner, **details):
    """Create an organisation with `owner` as its first owner."""
    organisation = Organisation(**details)
    if not organisation.slug:
        organisation.slug = unique_slug(organisation.name)
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    record_entry(
        organisation,
        actor=actor,
        action="core.organisation.created",
        obj=organisation,
        new=_values(organisation, ["slug", *ORGANISATION_FIELDS]),
    )
    record_entry(
        organisation,
        actor=actor,
        action="core.membership.created",
        obj=owner,
        new={"email": owner.email, "role": Role.OWNER},
    )
    return organisation


@transaction.atomic
def update_organisation(organisation, *, actor, **changes):
    old = _values(organisation, changes)
    for field, value in changes.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    new = _values(organisation, changes)
    changed = [field for field in changes if old[field] != new[field]]
    if changed:
        record_entry(
            organisation,
            actor=actor,
            action="core.organisation.updated",
            obj=organisation,
            old={field: old[field] for field in changed},
            new={field: new[field] for field in changed},
        )
    return organisation


def invitation_token(invitation):
    return signing.dumps({"id": invitation.pk}, salt=INVITATION_SALT)


def invitation_from_token(token):
    """The open invitation a token names, or None when the token is forged, expired or used."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.select_related("organisation").filter(pk=data["id"]).first()
    return invitation if invitation is not None and invitation.is_open else None


@transaction.atomic
def invite_member(organisation, *, actor, email, role):
    """Invite `email` to join with `role`; the link is signed and expires after a week."""
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email=email).exists():
        raise ActionError(_("This person is already a member."))
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=actor
    )
    record_entry(
        organisation,
        actor=actor,
        action="core.invitation.created",
        obj=invitation,
        new={"email": email, "role": role},
    )
    token = invitation_token(invitation)
    transaction.on_commit(lambda: emails.send_invitation(invitation, token))
    return invitation


@transaction.atomic
def revoke_invitation(invitation, *, actor):
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_entry(
        invitation.organisation,
        actor=actor,
        action="core.invitation.revoked",
        obj=invitation,
        old={"email": invitation.email, "role": invitation.role},
    )


@transaction.atomic
def accept_invitation(invitation, *, user):
    """Make `user` a member with the invited role (or keep a higher role they already have)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ActionError(_("This invitation has already been used."))
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_entry(
        invitation.organisation,
        actor=user,
        action="core.invitation.accepted",
        obj=invitation,
        new={"email": user.email, "role": membership.role, "new_member": created},
    )
    return membership


@transaction.atomic
def add_member(organisation, *, actor, user, role):
    """Make an existing user a member directly (the CLI and the demo; staff invite instead)."""
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    record_entry(
        organisation,
        actor=actor,
        action="core.membership.created",
        obj=user,
        new={"email": user.email, "role": role},
    )
    return membership


def mark_active(membership):
    """Remember that the user now works in this organisation (a preference, not audited)."""
    Membership.objects.filter(pk=membership.pk).update(last_active_at=timezone.now())


def _owner_count(organisation):
    return Membership.objects.filter(organisation=organisation, role=Role.OWNER).count()


@transaction.atomic
def change_role(membership, *, actor, role):
    """Give a member another role. An organisation always keeps at least one owner."""
    if membership.role == role:
        return membership
    if membership.role == Role.OWNER and _owner_count(membership.organisation) == 1:
        raise ActionError(_("An organisation needs at least one owner."))
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record_entry(
        membership.organisation,
        actor=actor,
        action="core.membership.role_changed",
        obj=membership.user,
        old={"role": old_role},
        new={"role": role},
    )
    return membership


@transaction.atomic
def remove_member(membership, *, actor):
    if membership.role == Role.OWNER and _owner_count(membership.organisation) == 1:
        raise ActionError(_("An organisation needs at least one owner."))
    membership.delete()
    record_entry(
        membership.organisation,
        actor=actor,
        action="core.membership.removed",
        obj=membership.user,
        old={"email": membership.user.email, "role": membership.role},
    )


def create_user(*, email, password, name=""):
    """A new staff login. Not audited per organisation: it joins one through an audited action."""
    return get_user_model().objects.create_user(email=email, password=password, name=name)


@transaction.atomic
def reset_password(user, *, password):
    """A new password from an e-mailed reset link: written to the trail of each organisation
    the person is a member of."""
    user.set_password(password)
    user.save(update_fields=["password"])
    for organisation in Organisation.objects.filter(memberships__user=user).order_by("pk"):
        record_entry(organisation, actor=user, action="core.password_reset", obj=user)
    return user
