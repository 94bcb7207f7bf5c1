"""Waarborg's answers to allauth's questions: who may sign up (nobody: staff are invited), which
address a request comes from, what a sign-in writes to the audit trail, whether a second factor
must be set up first, and which organisation's provider an address signs in with."""

import hashlib
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from waarborg.core.clients import client_ip
from waarborg.core.crypto import decrypt_text, encrypt_text
from waarborg.core.models import Membership
from waarborg.signin import actions
from waarborg.signin.models import IdentityProvider, ProviderKind

# Set in the session of a member who must set up a second factor before anything else.
SETUP_REQUIRED = "waarborg_mfa_setup_required"
MFA_SECRET_PURPOSE = "signin.mfa"  # noqa: S105 (a key-derivation label)


def second_factor_required(user):
    """Whether one of the user's organisations asks every member for a second factor."""
    return Membership.objects.filter(user=user, organisation__mfa_required=True).exists()


def has_second_factor(user):
    return MultiFactorAdapter().is_mfa_enabled(user, types=["totp", "webauthn"])


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts: this address is locked for a while. Try again later."
        ),
    }

    def is_open_for_signup(self, request):
        return False  # staff accounts come from an invitation or `waarborg init`

    def get_client_ip(self, request):
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            email = credentials.get("email", "")
            # One entry per lock, not one per refused try: the trail must not be floodable.
            digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
            lock_key = f"signin-lock-recorded:{digest}"  # short, whatever was typed
            if cache.add(lock_key, 1, timeout=60 * settings.SIGNIN_LOCK_MINUTES):
                actions.record_lock(email, ip=client_ip(request))
            raise

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """Changes to signing in are mailed in Waarborg's words (signin/emails.py); allauth's
        other notifications (e-mail address changes) do not occur here."""
        from allauth.core import context as allauth_context

        from waarborg.signin.emails import CHANGES, send_sign_in_change

        request = self.request or allauth_context.request
        if template_prefix in CHANGES:
            ip = client_ip(request) if request is not None else ""
            send_sign_in_change(user, change=template_prefix, ip=ip)

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None):  # fmt: skip
        """Recovery codes made along with a first second factor are the member's first ones:
        allauth's message for them would speak of new codes replacing old ones."""
        match = getattr(request, "resolver_match", None)
        if message_template == "mfa/messages/recovery_codes_generated.txt" and (
            match is None or match.url_name != "mfa_generate_recovery_codes"
        ):
            message_template = "mfa/messages/recovery_codes_first.txt"
        return super().add_message(
            request, level, message_template, message_context, extra_tags, message
        )

    def authentication_failed(self, request, **credentials):
        actions.record_failed_sign_in(credentials.get("email", ""), ip=client_ip(request))

    def is_reauthentication_required(self, *, app, **kwargs):
        """A sign-in of a few minutes ago counts as confirming it is you: a member sent to set up
        a second factor right after signing in is not asked for the password again."""
        from allauth.account import app_settings as account_settings
        from allauth.account.authentication import get_authentication_records
        from allauth.core import context

        request = context.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            latest = max((record.get("at", 0) for record in records), default=0)
            if time.time() - latest < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        by_provider = (kwargs.get("signal_kwargs") or {}).get("sociallogin") is not None
        # A provider of the organisation checks its own second factor (docs/sign-in.md).
        if not by_provider and second_factor_required(user) and not has_second_factor(user):
            request.session[SETUP_REQUIRED] = True
            return redirect("mfa_activate_totp")
        return response


class MultiFactorAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are kept encrypted, as every credential here."""

    def encrypt(self, text):
        return encrypt_text(text, MFA_SECRET_PURPOSE)

    def decrypt(self, encrypted_text):
        return decrypt_text(encrypted_text, MFA_SECRET_PURPOSE)

    def _get_site_name(self):
        return "Waarborg"

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your organisation requires a second factor: add a passkey before you remove the "
            "authenticator app."
        ),
    }

    def can_delete_authenticator(self, authenticator):
        """The last authenticator app stays while an organisation of the member requires one
        (a passkey may take its place)."""
        from allauth.mfa.models import Authenticator

        user = authenticator.user
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        if not second_factor_required(user):
            return True
        others = Authenticator.objects.filter(
            user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exclude(pk=authenticator.pk)
        return others.exists()


def _claims(extra_data):
    """The claims of an OpenID Connect sign-in, from the ID token and any user info."""
    claims = dict(extra_data or {})
    for part in ("id_token", "userinfo"):
        if isinstance(claims.get(part), dict):
            claims = {**claims.pop(part), **claims}
    return claims


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth keeps sign-in apps per site; Waarborg keeps one per organisation and kind
    (`IdentityProvider`). A person signs in with the provider of their address's domain, and
    only into an existing account that is a member of that provider's organisation."""

    def list_apps(self, request, provider=None, client_id=None):
        from allauth.socialaccount.models import SocialApp

        rows = IdentityProvider.objects.select_related("organisation")
        if provider and provider != "openid_connect":
            rows = rows.filter(key=provider)
        if client_id:
            rows = rows.filter(client_id=client_id)
        return [
            SocialApp(
                provider="openid_connect",
                provider_id=row.key,
                name=str(row),
                client_id=row.client_id,
                secret=row.secret,
                # The ID token carries the address; PKCE binds the code to this browser.
                settings={
                    "server_url": row.issuer,
                    "fetch_userinfo": False,
                    "oauth_pkce_enabled": True,
                },
            )
            for row in rows
        ]

    def is_open_for_signup(self, request, sociallogin):
        return False

    def authenticate_by_email(self, sociallogin):
        provider = IdentityProvider.objects.filter(key=sociallogin.account.provider).first()
        if provider is None:
            return None
        claims = _claims(sociallogin.account.extra_data)
        email = (claims.get("email") or "").strip().lower()
        if not provider.covers(email):
            return None
        if provider.kind == ProviderKind.GOOGLE:
            # Only the firm's Workspace vouches for its domain, not any Google account.
            verified = claims.get("email_verified") in (True, "true")
            if not verified or (claims.get("hd") or "").lower() not in provider.domains:
                return None
        # Entra ID: the issuer is the organisation's own tenant, which owns these domains.
        user = actions.user_for_address(email)
        if user is None or not user.memberships.filter(organisation=provider.organisation).exists():
            return None
        self._mark_verified(user)
        return user, user.email

    @staticmethod
    def _mark_verified(user):
        """A staff account's address was proven by its invitation link (or set by the operator
        with `waarborg init`): recorded as verified, so allauth keeps the account's password."""
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    def pre_social_login(self, request, sociallogin):
        provider = IdentityProvider.objects.filter(key=sociallogin.account.provider).first()
        user = sociallogin.user if sociallogin.is_existing else None
        member = (
            provider is not None
            and user is not None
            and user.memberships.filter(organisation=provider.organisation).exists()
        )
        if not member:
            response = render(request, "signin/provider_refused.html", status=403)
            raise ImmediateHttpResponse(response)
