"""Register routes of the JSON API: activities, parties, systems, retention rules and security
measures, read and written as the YAML file holds them (codes and keys).

The body schemas are made from the register's own field descriptions (`schema.KINDS`): they
give the shape of each field; what a value may be (a choice, a term, a key of another item, an
ISO 8601 period) is checked by `schema.check_item`, the check the YAML import runs, and a
refusal answers 422 with the field and the reason, changing nothing. Reading takes the viewer
role, writing the privacy officer's. Deleting retires the item: the register keeps its history
(Art. 5(2) GDPR), as the staff screens do.
"""

from datetime import date
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict, Field, create_model

from waarborg.api.api import require
from waarborg.core.access import scoped
from waarborg.core.models import Role
from waarborg.register import actions
from waarborg.register.models import Status as ItemStatus
from waarborg.register.schema import KINDS, current_data, model_field, prefetch, to_data

router = Router(tags=["register"])

TYPES = {
    "key": str,
    "text": str,
    "translated": dict[str, str] | str,
    "choice": str,
    "term": str,
    "terms": list[str],
    "countries": list[str],
    "domains": list[str],
    "ref": str | None,
    "refs": list[str],
    "date": date | None,
    "duration": str,
    "bool": bool,
    "stages": list[dict[str, Any]],
}
HINTS = {
    "translated": 'a text per language: {"nl": ..., "en": ...}',
    "term": "a code of the taxonomy",
    "terms": "codes of the taxonomy",
    "countries": "ISO 3166 country codes",
    "domains": "web domains such as google-analytics.com",
    "ref": "the key of another register item",
    "refs": "keys of other register items",
    "date": "YYYY-MM-DD",
    "duration": "an ISO 8601 period such as P7Y",
    "stages": "earlier stages: [{duration, trigger, action}]",
}


def _field(kind, spec):
    """The pydantic field of one register field: its shape, its allowed values as a hint."""
    extra = {}
    column = model_field(kind, spec.name) if spec.type not in ("terms", "refs") else None
    if spec.type == "choice":
        extra["json_schema_extra"] = {"enum": [code for code, _label in column.choices]}
    if spec.type in ("key", "text", "duration") and getattr(column, "max_length", None):
        extra["max_length"] = column.max_length
    description = HINTS.get(spec.type, "")
    if spec.term_kind:
        description = f"{description} ({spec.term_kind})"
    if spec.ref_kind:
        description = f"{description} ({spec.ref_kind})"
    return (TYPES[spec.type] | None, Field(None, description=description or None, **extra))


def _schema(kind, suffix):
    fields = {spec.name: _field(kind, spec) for spec in kind.fields}
    if kind.name == "activities" and suffix == "Out":
        fields["version"] = (int | None, Field(None, description="changes so far, plus one"))
    name = "".join(part.title() for part in kind.name.split("_")) + suffix
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


def _refused(errors):
    """422 in the shape of the API's other validation errors: each field with its reason."""
    raise ValidationError(
        [
            {"loc": ["body", "payload", name], "msg": str(message), "type": "register"}
            for _where, name, message in errors
        ]
    )


def _data(payload):
    """The item as register data: fields not given (or given as null) are left out."""
    return {name: value for name, value in payload.model_dump().items() if value is not None}


def _out(kind_name, row):
    data = to_data(KINDS[kind_name], row)
    if kind_name == "activities":
        data["version"] = row.version
    return data


def _get(request, kind_name, key):
    row = scoped(KINDS[kind_name].model, request.organisation).filter(key=key).first()
    if row is None:
        raise HttpError(
            404, _("There is no %(kind)s %(key)s.") % {"kind": KINDS[kind_name].label, "key": key}
        )
    return row


def _save(request, kind_name, data, instance=None):
    try:
        row = actions.save_item(
            kind_name, request.organisation, data, actor=request.api_key, instance=instance
        )
    except actions.RegisterError as error:
        _refused(error.errors)
    return _out(kind_name, prefetch(KINDS[kind_name], type(row).objects.filter(pk=row.pk))[0])


def _routes(kind_name):
    kind = KINDS[kind_name]
    body, out = _schema(kind, "In"), _schema(kind, "Out")
    path = "/" + kind_name.replace("_", "-")
    label = kind_name.replace("_", " ")
    noun = {"activities": "processing activity", "parties": "party"}.get(kind_name, label[:-1])

    def about(verb, summary, description=None):
        return {
            "exclude_none": True,
            "operation_id": f"{verb}_{kind_name}",
            "summary": summary,
            "description": description,
        }

    @router.get(path, response=list[out], **about("list", f"The {label}", "`status` filters."))
    def list_items(request, status: Literal["all", *ItemStatus.values] = "all"):
        require(request, Role.VIEWER)
        rows = scoped(kind.model, request.organisation)
        if status != "all":
            rows = rows.filter(status=status)
        return [_out(kind_name, row) for row in prefetch(kind, rows)]

    @router.post(
        path,
        response={201: out},
        **about("create", f"Add a {noun}", "Checked as the YAML import checks it (422 if not)."),
    )
    def create(request, payload: body):
        require(request, Role.PRIVACY_OFFICER)
        return Status(201, _save(request, kind_name, _data(payload)))

    @router.get(path + "/{key}", response=out, **about("read", f"One {noun} by its key"))
    def read(request, key: str):
        require(request, Role.VIEWER)
        return _out(
            kind_name,
            prefetch(
                kind,
                scoped(kind.model, request.organisation).filter(
                    pk=_get(request, kind_name, key).pk
                ),
            )[0],
        )

    @router.put(
        path + "/{key}",
        response=out,
        **about(
            "replace",
            f"Replace a {noun}",
            "The whole item, as in the YAML file: a field left out takes its default.",
        ),
    )
    def replace(request, key: str, payload: body):
        require(request, Role.PRIVACY_OFFICER)
        row = _get(request, kind_name, key)
        return _save(request, kind_name, {"key": key, **_data(payload)}, instance=row)

    @router.patch(
        path + "/{key}",
        response=out,
        **about(
            "update",
            f"Change a {noun}",
            "Only the fields given change; null removes a field's value.",
        ),
    )
    def update(request, key: str, payload: body):
        require(request, Role.PRIVACY_OFFICER)
        row = _get(request, kind_name, key)
        data = current_data(kind_name, row)
        for name, value in payload.model_dump(exclude_unset=True).items():
            if value is None:
                data.pop(name, None)
            else:
                data[name] = value
        return _save(request, kind_name, data, instance=row)

    @router.delete(
        path + "/{key}",
        response={204: None},
        **about(
            "retire",
            f"Retire a {noun}",
            "It leaves the statement and the checks; its history stays (the register keeps "
            "its account, Art. 5(2) GDPR).",
        ),
    )
    def retire(request, key: str):
        require(request, Role.PRIVACY_OFFICER)
        actions.retire_item(kind_name, _get(request, kind_name, key), actor=request.api_key)
        return Status(204, None)


for _name in KINDS:
    _routes(_name)
