"""The JSON API (django-ninja): `/api/v1/`, OpenAPI at `/api/v1/openapi.json`.

Programs authenticate with `Authorization: Bearer wb_...`, a key of one organisation with a
role; every route checks the role it needs. Errors answer 4xx with a reason, never 500.
"""

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer

from waarborg.api.actions import authenticate
from waarborg.core.models import Role


class KeyAuth(HttpBearer):
    def authenticate(self, request, token):
        key = authenticate(token)
        if key is None:
            return None
        request.organisation = key.organisation
        request.api_key = key
        return key


def require(request, minimum):
    """Refuse (403) a key whose role is below `minimum`."""
    if not Role.at_least(request.api_key.role, minimum):
        raise HttpError(403, _("This key's role may not do this."))


api = NinjaAPI(
    title="Waarborg API",
    version="1",
    description="Privacy operations: consent ledger and data subject requests.",
    auth=KeyAuth(),
    docs_url=None,  # the schema is published; no third-party documentation assets are loaded
    urls_namespace="api",
)


def _mount():
    from waarborg.consent.api import router as consent_router
    from waarborg.requests.api import router as requests_router

    api.add_router("/consent/", consent_router)
    api.add_router("/requests/", requests_router)


_mount()
