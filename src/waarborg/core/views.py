from pathlib import Path

from allauth.account.internal.flows.login import record_authentication
from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.audit.models import AuditEntry
from waarborg.core import actions
from waarborg.core.access import SESSION_KEY, get_for_org, role_required, scoped
from waarborg.core.forms import AccountForm, InvitationForm, OrganisationForm, RoleForm
from waarborg.core.limits import within
from waarborg.core.models import Invitation, Membership, Role, User

FAVICON = Path(__file__).parent / "static" / "waarborg" / "favicon.ico"

# (attempts, minutes): staff invite few people an hour, and an address needs one invitation
INVITE_PER_IP = (30, 60)
INVITE_PER_ADDRESS = (3, 60)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, limited per client IP and per address it is asked for (known or not:
    the same answer for both, so the limit tells nothing about accounts)."""

    def form_valid(self, form):
        if not within(self.request, "password-reset", form.cleaned_data["email"]):
            return render(self.request, "core/too_many.html", status=429)
        return super().form_valid(form)


@role_required(Role.VIEWER)
def dashboard(request):
    organisation = request.organisation
    return render(
        request,
        "core/dashboard.html",
        {
            "member_count": scoped(Membership, organisation).count(),
            "recent_entries": scoped(AuditEntry, organisation).order_by("-seq")[:8],
        },
    )


@login_required
def no_organisation(request):
    if request.membership:
        return redirect("core:dashboard")
    return render(request, "core/no_organisation.html")


@require_POST
@login_required
def switch_organisation(request):
    membership = get_object_or_404(
        Membership, user=request.user, organisation_id=request.POST.get("organisation")
    )
    request.session[SESSION_KEY] = membership.organisation_id
    actions.mark_active(membership)
    messages.success(request, _("You now work in %(name)s.") % {"name": membership.organisation})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "core:dashboard"
    return redirect(target)


@login_required
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = actions.create_organisation(
            actor=request.user, owner=request.user, **form.cleaned_data
        )
        request.session[SESSION_KEY] = organisation.pk
        messages.success(request, _("Organisation created."))
        return redirect("core:dashboard")
    return render(request, "core/organisation_form.html", {"form": form, "creating": True})


@role_required(Role.PRIVACY_OFFICER)
def organisation_edit(request):
    organisation = request.organisation
    form = OrganisationForm(
        request.POST or None,
        instance=organisation,
        owner=request.membership.has_role(Role.OWNER),
    )
    if request.method == "POST" and form.is_valid():
        # A ModelForm writes onto its instance; the action saves and audits the change.
        organisation.refresh_from_db()
        actions.update_organisation(organisation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Organisation details saved."))
        return redirect("core:organisation_edit")
    return render(request, "core/organisation_form.html", {"form": form})


@role_required(Role.VIEWER)
def members(request):
    organisation = request.organisation
    return render(
        request,
        "core/members.html",
        {
            "memberships": scoped(Membership, organisation).select_related("user"),
            "invitations": scoped(Invitation, organisation).filter(
                accepted_at=None, revoked_at=None
            ),
            "invitation_form": InvitationForm(),
            "roles": Role.choices,
        },
    )


@require_POST
@role_required(Role.OWNER)
def invite(request):
    form = InvitationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("core:members")
    if not within(
        request,
        "invite",
        form.cleaned_data["email"],
        per_ip=INVITE_PER_IP,
        per_address=INVITE_PER_ADDRESS,
    ):
        messages.error(request, _("Too many invitations: please wait an hour and try again."))
        return redirect("core:members")
    try:
        actions.invite_member(request.organisation, actor=request.user, **form.cleaned_data)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
    return redirect("core:members")


@require_POST
@role_required(Role.OWNER)
def revoke_invitation(request, pk):
    invitation = get_for_org(Invitation, request.organisation, pk=pk)
    actions.revoke_invitation(invitation, actor=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("core:members")


@require_POST
@role_required(Role.OWNER)
def change_role(request, pk):
    membership = get_for_org(Membership, request.organisation, pk=pk)
    form = RoleForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.ActionError(_("Choose one of the roles."))
        actions.change_role(membership, actor=request.user, role=form.cleaned_data["role"])
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Role changed."))
    return redirect("core:members")


@require_POST
@role_required(Role.OWNER)
def remove_member(request, pk):
    membership = get_for_org(Membership, request.organisation, pk=pk)
    try:
        actions.remove_member(membership, actor=request.user)
    except actions.ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Member removed."))
    return redirect("core:members")


def accept_invitation(request, token):
    """Join an organisation from an e-mailed link: logged in as the invitee, or a new account."""
    invitation = actions.invitation_from_token(token)
    if invitation is None:
        return render(request, "core/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    user = request.user if request.user.is_authenticated else None
    if user is not None and user.email.lower() != invitation.email:
        raise Http404
    form = AccountForm(request.POST or None) if existing is None else None
    if request.method == "POST" and (user or existing is None):
        new_account = user is None
        if new_account:
            if not form.is_valid():
                return render(request, "core/invitation.html", _invite_context(invitation, form))
            user = actions.create_user(
                email=invitation.email,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
            )
        try:
            membership = actions.accept_invitation(invitation, user=user)
        except actions.ActionError as error:
            messages.error(request, str(error))
            return redirect("core:dashboard")
        messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organisation})
        if new_account:
            # The first sign-in, as every sign-in: audited, and a second factor set up first
            # where the organisation requires one. The password was just typed: allauth counts
            # it as a recent sign-in, so setting up the second factor asks for it no second time.
            response = perform_login(request, user, redirect_url="/")
            record_authentication(request, user, method="password", email=user.email)
            request.session[SESSION_KEY] = membership.organisation_id
            return response
        request.session[SESSION_KEY] = membership.organisation_id
        return redirect("core:dashboard")
    return render(
        request,
        "core/invitation.html",
        _invite_context(invitation, form, needs_login=existing is not None and user is None),
    )


def _invite_context(invitation, form, needs_login=False):
    return {"invitation": invitation, "form": form, "needs_login": needs_login}


@require_POST
def set_language(request):
    """The language switch: Django's (the cookie, back to the page), and for a signed-in
    person also their own choice, kept with their account (User.language)."""
    from django.conf import settings
    from django.views.i18n import set_language as set_cookie

    response = set_cookie(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


def favicon(request):
    """`/favicon.ico`, which browsers ask for on every site whatever the page links to."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
