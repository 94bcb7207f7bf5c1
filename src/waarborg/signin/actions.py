"""What happens at sign-in, written to the audit trail of each organisation the person is a
member of (a staff account is one login for all its organisations), and the organisation's
own identity providers.

An address that belongs to no account has no organisation whose trail could hold its failed
attempts; those are throttled all the same (settings.ACCOUNT_RATE_LIMITS)."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from waarborg.audit.actions import record_entry
from waarborg.core.actions import ActionError
from waarborg.core.crypto import encrypt_text
from waarborg.core.models import Organisation
from waarborg.signin.models import SECRET_PURPOSE, IdentityProvider, ProviderKind


def _organisations(user):
    return Organisation.objects.filter(memberships__user=user).order_by("pk")


def _record_for_member(user, *, actor, action, new=None, old=None):
    for organisation in _organisations(user):
        record_entry(organisation, actor=actor, action=action, obj=user, old=old, new=new)


def user_for_address(email):
    return get_user_model().objects.filter(email__iexact=(email or "").strip()).first()


@transaction.atomic
def record_sign_in(user, *, ip, method):
    """A completed sign-in (password and, where set up, the second factor; or a provider)."""
    _record_for_member(
        user, actor=user, action="signin.succeeded", new={"ip": ip, "method": method}
    )


@transaction.atomic
def record_failed_sign_in(email, *, ip):
    """A wrong password for `email`. Written only where the address is a member's."""
    user = user_for_address(email)
    if user is not None:
        _record_for_member(
            user, actor=None, action="signin.failed", new={"email": user.email, "ip": ip}
        )


@transaction.atomic
def record_lock(email, *, ip):
    """Too many wrong passwords: the address is locked for a while."""
    user = user_for_address(email)
    if user is not None:
        _record_for_member(
            user, actor=None, action="signin.locked", new={"email": user.email, "ip": ip}
        )


@transaction.atomic
def record_failed_second_factor(user, *, ip):
    _record_for_member(user, actor=None, action="signin.mfa_failed", new={"ip": ip})


MFA_ACTIONS = {
    "added": "signin.mfa_added",
    "removed": "signin.mfa_removed",
    "reset": "signin.recovery_codes_generated",
}


@transaction.atomic
def record_mfa_change(user, *, change, kind, name=""):
    """A second factor added or removed, or new recovery codes made (`change` a MFA_ACTIONS key)."""
    values = {"kind": kind, "name": name} if name else {"kind": kind}
    if change == "removed":
        _record_for_member(user, actor=user, action=MFA_ACTIONS[change], old=values)
    else:
        _record_for_member(user, actor=user, action=MFA_ACTIONS[change], new=values)


@transaction.atomic
def record_password_change(user):
    """A password changed while signed in (a reset by e-mail is core's `reset_password`)."""
    _record_for_member(user, actor=user, action="signin.password_changed")


@transaction.atomic
def activate_totp(user, *, secret):
    """Give `user` an authenticator app with `secret` (base32) and recovery codes, as the
    set-up page does: for the demo, and for tests. Returns the recovery codes."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user)
    record_mfa_change(user, change="added", kind="totp")
    return codes.get_unused_codes()


def _clean_domains(domains):
    cleaned = sorted({d.strip().lower().lstrip("@") for d in domains if d and d.strip()})
    if not cleaned or any("." not in d or "@" in d or " " in d for d in cleaned):
        raise ActionError(_("Give the e-mail domains of the organisation, such as firma.nl."))
    return cleaned


@transaction.atomic
def set_identity_provider(
    organisation, *, actor, kind, domains, client_id, secret="", tenant="", server_url=""
):
    """Add or change the organisation's provider of `kind`. A domain belongs to at most one
    organisation's provider: otherwise one firm's provider could sign in another's staff."""
    kind = ProviderKind(kind)
    domains = _clean_domains(domains)
    taken = IdentityProvider.objects.exclude(organisation=organisation)
    if any(d in provider.domains for provider in taken for d in domains):
        raise ActionError(_("One of these domains is already used by another organisation."))
    if kind == ProviderKind.ENTRA and not tenant and not server_url:
        raise ActionError(_("Microsoft Entra ID needs the tenant ID."))
    provider = IdentityProvider.objects.filter(organisation=organisation, kind=kind).first()
    old = None
    if provider is None:
        provider = IdentityProvider(
            organisation=organisation, kind=kind, key=f"{organisation.slug}-{kind}"
        )
    else:
        old = _provider_values(provider)
    provider.domains, provider.client_id = domains, client_id.strip()
    provider.tenant, provider.server_url = tenant.strip(), server_url.strip()
    if secret:
        provider.secret_encrypted = encrypt_text(secret, SECRET_PURPOSE)
    provider.full_clean()
    provider.save()
    record_entry(
        organisation,
        actor=actor,
        action="signin.provider_set",
        obj=provider,
        old=old,
        new=_provider_values(provider),
    )
    return provider


def _provider_values(provider):
    # Never the secret, not even encrypted: the trail is read by every member.
    return {
        "kind": provider.kind,
        "domains": provider.domains,
        "client_id": provider.client_id,
        "tenant": provider.tenant,
        "issuer": provider.issuer,
    }


@transaction.atomic
def remove_identity_provider(provider, *, actor):
    old = _provider_values(provider)
    provider.delete()
    record_entry(
        provider.organisation, actor=actor, action="signin.provider_removed", obj=None, old=old
    )
