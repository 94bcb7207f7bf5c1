"""The JSON API (django-ninja): `/api/v1/`, OpenAPI at `/api/v1/openapi.json`.

Programs authenticate with `Authorization: Bearer wb_...`, a key of one organisation with a
role; every route checks the role it needs. Errors answer 4xx with a reason, never 500.
"""

import functools
from datetime import date

from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import BaseModel

from waarborg.api.actions import authenticate
from waarborg.core.inputs import InputError, check_moment
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


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict]


ERRORS = {
    400: ("Bad request: the input was understood but cannot be used; `detail` says why", ErrorOut),
    404: ("Not found in the organisation of the key", ErrorOut),
    422: ("Invalid input: `detail` lists each field and the reason", ValidationErrorOut),
}


class WaarborgAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema with the 400, 404 and 422 answers every route may give."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for status, (description, model) in ERRORS.items():
            components.setdefault(model.__name__, model.model_json_schema())
            reference = {"$ref": f"#/components/schemas/{model.__name__}"}
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    answers = operation.setdefault("responses", {})
                    answers.setdefault(
                        status,
                        {
                            "description": description,
                            "content": {"application/json": {"schema": reference}},
                        },
                    )
        return schema


def _moments(value, path):
    """(path, value) of every date and datetime in parsed input."""
    if isinstance(value, date):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _moments(getattr(value, name), (*path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _moments(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _moments(item, (*path, index))


def check_moments(view):
    """Every date and time of every route, once parsed: a time zone on each datetime and a
    year Waarborg counts with (core/inputs.py); else 422 with the reason."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        errors = []
        for name, value in kwargs.items():
            for path, moment in _moments(value, (name,)):
                try:
                    check_moment(moment)
                except InputError as error:
                    errors.append({"loc": ["body", *path[1:]], "msg": str(error)})
        if errors:
            raise ValidationError(errors)
        return view(request, *args, **kwargs)

    return checked


api = WaarborgAPI(
    title="Waarborg API",
    version="1",
    description=(
        "Privacy operations: the register, the published statement, the consent ledger, "
        "data subject requests, mail and document sources, DPIA screening and data breaches."
    ),
    auth=KeyAuth(),
    docs_url=None,  # the schema is published; no third-party documentation assets are loaded
    urls_namespace="api",
)


def _mount():
    from waarborg.breaches.api import router as breaches_router
    from waarborg.consent.api import router as consent_router
    from waarborg.documents.api import hits_router as document_hits_router
    from waarborg.documents.api import router as documents_router
    from waarborg.dpia.api import router as dpia_router
    from waarborg.notices.api import router as notices_router
    from waarborg.processors.api import router as processors_router
    from waarborg.register.api import router as register_router
    from waarborg.requests.api import router as requests_router

    api.add_decorator(check_moments)
    api.add_router("/consent/", consent_router)
    api.add_router("/requests/", requests_router)
    api.add_router("/requests/", document_hits_router)
    api.add_router("/document-sources/", documents_router)
    api.add_router("/dpia/", dpia_router)
    api.add_router("/register/", register_router)
    api.add_router("/statement/", notices_router)
    api.add_router("/breaches/", breaches_router)
    api.add_router("/processors/", processors_router)


_mount()
