from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.actions import ActionError
from waarborg.core.models import Role
from waarborg.signin import actions
from waarborg.signin.adapters import has_second_factor
from waarborg.signin.forms import IdentityProviderForm, ProviderSignInForm
from waarborg.signin.models import IdentityProvider


def provider_sign_in(request):
    """Sign in with the organisation's own provider: the address's domain names it."""
    form = ProviderSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        provider = next((row for row in IdentityProvider.objects.all() if row.covers(email)), None)
        if provider is not None:
            social = get_social_adapter(request).get_provider(request, provider.key)
            return social.redirect(request, "login", next_url=reverse("core:dashboard"))
        # Saying so reveals only that a domain has no provider, never whether an account exists.
        form.add_error("email", _("No organisation signs in with its own provider at this domain."))
    return render(request, "signin/provider_sign_in.html", {"form": form})


@login_required
def security(request):
    membership = request.membership
    return render(
        request,
        "signin/security.html",
        {
            "has_second_factor": has_second_factor(request.user),
            "providers": scoped(IdentityProvider, request.organisation) if membership else [],
            "is_owner": bool(membership) and membership.has_role(Role.OWNER),
        },
    )


@role_required(Role.OWNER)
def providers(request):
    organisation = request.organisation
    form = IdentityProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_identity_provider(organisation, actor=request.user, **form.cleaned_data)
        except ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Sign-in provider saved."))
            return redirect("signin:providers")
    rows = scoped(IdentityProvider, organisation)
    callbacks = {
        row.pk: settings.BASE_URL
        + reverse("openid_connect_callback", kwargs={"provider_id": row.key})
        for row in rows
    }
    return render(
        request,
        "signin/providers.html",
        {"form": form, "providers": [(row, callbacks[row.pk]) for row in rows]},
    )


@require_POST
@role_required(Role.OWNER)
def remove_provider(request, pk):
    provider = get_for_org(IdentityProvider, request.organisation, pk=pk)
    actions.remove_identity_provider(provider, actor=request.user)
    messages.success(request, _("Sign-in provider removed."))
    return redirect("signin:providers")
