"""Breach routes of the JSON API: a monitoring system opens a breach; the register is read."""

from datetime import datetime
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError, ValidationError

from waarborg.api.api import require
from waarborg.breaches import actions, clock
from waarborg.breaches.models import Breach, Cause, Encryption
from waarborg.core.models import Role, TermKind
from waarborg.core.taxonomy import terms_for
from waarborg.register.models import ProcessingActivity, System

router = Router(tags=["breaches"])


class BreachIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=10_000, description="what happened")
    aware_at: datetime | None = Field(None, description="when it became known; default: now")
    started_at: datetime | None = None
    ongoing: bool = False
    cause: Literal[tuple(Cause.values)] = "other"
    confidentiality: bool = False
    integrity: bool = False
    availability: bool = False
    encrypted: Literal[tuple(Encryption.values)] = ""
    people_count: int | None = Field(None, ge=0, le=2_000_000_000)
    records_count: int | None = Field(None, ge=0, le=2_000_000_000)
    discovered_how: str = Field("", max_length=5_000)
    activities: list[str] = Field(default_factory=list, description="keys of activities")
    systems: list[str] = Field(default_factory=list, description="keys of systems")
    data_categories: list[str] = Field(default_factory=list, description="codes of categories")


class BreachOut(Schema):
    id: int
    reference: str
    title: str
    aware_at: datetime
    deadline: datetime
    clock: str
    hours_left: int
    cause: str
    risk_decision: str
    high_risk_decision: str
    notified_at: datetime | None
    authority_reference: str


def _out(breach):
    first = breach.notification()
    return {
        "id": breach.pk,
        "reference": breach.reference,
        "title": breach.title,
        "aware_at": breach.aware_at,
        "deadline": breach.deadline,
        "clock": clock.state(breach, notification=first or False),
        "hours_left": clock.hours_left(breach),
        "cause": breach.cause,
        "risk_decision": breach.risk_decision,
        "high_risk_decision": breach.high_risk_decision,
        "notified_at": first.submitted_at if first else None,
        "authority_reference": first.authority_reference if first else "",
    }


def _resolve(query, field, wanted, label):
    """The rows of `query` with `field` in `wanted`, or 422 naming the unknown ones."""
    found = {getattr(row, field): row for row in query.filter(**{f"{field}__in": wanted})}
    unknown = [value for value in wanted if value not in found]
    if unknown:
        raise ValidationError(
            [{"loc": ["body", "payload", label], "msg": _("unknown: %s") % ", ".join(unknown)}]
        )
    return list(found.values())


@router.post("/", response={201: BreachOut})
def create(request, payload: BreachIn):
    """Open a breach (a monitoring system's alert); the 72 hours count from `aware_at`."""
    require(request, Role.HANDLER)
    organisation = request.organisation
    data = payload.dict()
    if not (payload.confidentiality or payload.integrity or payload.availability):
        raise ValidationError(
            [{"loc": ["body", "payload", "confidentiality"],
              "msg": _("set at least one of confidentiality, integrity and availability")}]
        )  # fmt: skip
    links = {
        "activities": _resolve(
            ProcessingActivity.objects.filter(organisation=organisation),
            "key", data.pop("activities"), "activities",
        ),
        "systems": _resolve(
            System.objects.filter(organisation=organisation), "key", data.pop("systems"), "systems"
        ),
        "data_categories": _resolve(
            terms_for(organisation, TermKind.DATA_CATEGORY),
            "code", data.pop("data_categories"), "data_categories",
        ),
    }  # fmt: skip
    data["aware_at"] = data["aware_at"] or timezone.now()
    try:
        breach = actions.record_breach(organisation, actor=request.api_key, links=links, **data)
    except actions.BreachError as error:
        raise HttpError(400, str(error)) from error
    return Status(201, _out(breach))


@router.get("/", response=list[BreachOut])
def list_breaches(request):
    """The breach register of the key's organisation, newest first."""
    require(request, Role.VIEWER)
    rows = Breach.objects.filter(organisation=request.organisation)[:500]
    return [_out(breach) for breach in rows]
