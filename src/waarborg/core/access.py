"""Tenancy and roles, checked in one place.

- `ActiveOrganisationMiddleware` puts the user's active organisation and membership on the
  request (`request.organisation`, `request.membership`), chosen in the session.
- `role_required(minimum)` guards a staff view: logged in, a member of an organisation, and at
  least the given role there.
- `scoped(Model, org)` and `get_for_org(Model, org, **lookup)` are the only ways views load
  domain rows: another organisation's row is simply not found (404).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import SimpleLazyObject

from waarborg.core.models import Membership, Role

SESSION_KEY = "waarborg_organisation"


def active_membership(request):
    """The membership for the organisation chosen in the session, else the last one used."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.select_related("organisation").filter(user=user)
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        membership = memberships.filter(organisation_id=chosen).first()
        if membership is not None:
            return membership
    return memberships.order_by(
        F("last_active_at").desc(nulls_last=True), "organisation__name"
    ).first()


class ActiveOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = SimpleLazyObject(lambda: active_membership(request))
        request.membership = membership
        request.organisation = SimpleLazyObject(
            lambda: membership.organisation if membership else None
        )
        return self.get_response(request)


def role_required(minimum=Role.VIEWER):
    """Allow the view only to members of the active organisation with at least `minimum`.

    Anonymous users go to the login page; users without any organisation see a page saying so;
    members with a lesser role get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.membership:
                return redirect("core:no_organisation")
            if not request.membership.has_role(minimum):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.minimum_role = minimum
        return wrapper

    return decorator


def scoped(model, organisation):
    """All rows of `model` (a model or a queryset) that belong to `organisation`."""
    rows = model if isinstance(model, QuerySet) else model._default_manager.all()
    return rows.filter(organisation=organisation)


def get_for_org(model, organisation, **lookup):
    """The one row of `model` (or queryset) in `organisation` matching `lookup`, or 404."""
    return get_object_or_404(scoped(model, organisation), **lookup)


def organisation_context(request):
    """Template context: the active organisation, the user's role and the switcher's choices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = request.membership
    return {
        "active_membership": membership,
        "active_organisation": membership.organisation if membership else None,
        "user_memberships": SimpleLazyObject(
            lambda: list(Membership.objects.select_related("organisation").filter(user=user))
        ),
    }
