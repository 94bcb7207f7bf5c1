"""allauth's signals, written to the audit trail (actions.py)."""

from allauth.account import signals as account_signals
from allauth.account.authentication import get_authentication_records
from allauth.mfa import signals as mfa_signals

from waarborg.core.clients import client_ip
from waarborg.signin import actions


def _signed_in(sender, request, user, **kwargs):
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        method = f"provider:{sociallogin.account.provider}"
    else:
        # allauth records each step of the sign-in ("password", "mfa", ...).
        steps = [record.get("method") for record in get_authentication_records(request, user)]
        method = "+".join(dict.fromkeys(step for step in steps if step)) or "password"
    actions.record_sign_in(user, ip=client_ip(request), method=method)


def _authenticator_added(sender, request, user, authenticator, **kwargs):
    actions.record_mfa_change(user, change="added", kind=authenticator.type)


def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    actions.record_mfa_change(user, change="removed", kind=authenticator.type)


def _authenticator_reset(sender, request, user, authenticator, **kwargs):
    actions.record_mfa_change(user, change="reset", kind=authenticator.type)


def _second_factor_failed(sender, request, user, **kwargs):
    actions.record_failed_second_factor(user, ip=client_ip(request))


def _password_changed(sender, request, user, **kwargs):
    actions.record_password_change(user)


def connect():
    account_signals.user_logged_in.connect(_signed_in, dispatch_uid="waarborg.signin.in")
    account_signals.password_changed.connect(
        _password_changed, dispatch_uid="waarborg.signin.changed"
    )
    mfa_signals.authenticator_added.connect(_authenticator_added, dispatch_uid="waarborg.mfa.add")
    mfa_signals.authenticator_removed.connect(
        _authenticator_removed, dispatch_uid="waarborg.mfa.remove"
    )
    mfa_signals.authenticator_reset.connect(_authenticator_reset, dispatch_uid="waarborg.mfa.reset")
    mfa_signals.authentication_failed.connect(
        _second_factor_failed, dispatch_uid="waarborg.mfa.failed"
    )
