"""Request routes of the JSON API: create, list and read requests, verify, update tasks."""

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from waarborg.api.api import require
from waarborg.core.models import Role
from waarborg.register.models import ProcessingActivity
from waarborg.requests import actions
from waarborg.requests.actions import RequestError
from waarborg.requests.models import (
    OPEN_STATUSES,
    Kind,
    RequestTask,
    RestrictionGround,
    SubjectRequest,
    TaskOutcome,
    TaskStatus,
    Verification,
)
from waarborg.requests.models import Status as RequestStatus

router = Router(tags=["requests"])


class RequestIn(Schema):
    kind: Literal[tuple(Kind.values)]
    name: str = Field(max_length=200)
    email: str = Field(
        description="the person's address; the acknowledgement and the verification link go there"
    )
    language: Literal["nl", "en"] = "nl"
    phone: str = ""
    customer_number: str = ""
    description: str = ""
    direct_marketing: bool = Field(False, description="an objection to direct marketing")
    postal_address: str = Field("", max_length=500, description="the person's postal address")
    company_name: str = Field("", max_length=200, description="a business requester's name")
    kvk_number: str = Field("", max_length=20, description="its KvK number: 8 digits")
    company_address: str = Field("", max_length=500, description="its address")
    restriction_ground: Literal[("", *RestrictionGround.values)] = Field(
        "", description="for a restriction: its ground (Art. 18(1)(a)-(d))"
    )
    activities: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="for an objection: the keys of the processing activities objected to "
        "(empty: those on Art. 6(1)(e) or (f))",
    )
    transmit_to: str = Field(
        "", max_length=200, description="for portability: the controller to transmit to"
    )
    transmit_email: str = Field("", max_length=254, description="that controller's address")
    received_at: datetime | None = Field(None, description="default: now")


class TaskOut(Schema):
    id: int
    kind: str
    title: str
    system: str | None
    party: str | None
    automatic: bool
    status: str
    outcome: str
    notes: str
    completed_at: datetime | None


class RequestOut(Schema):
    reference: str
    kind: str
    channel: str
    status: str
    outcome: str
    name: str
    email: str
    language: str
    received_at: datetime
    verified: bool
    due_on: date | None
    extended_to: date | None
    answered_at: datetime | None
    closed_at: datetime | None
    tasks: list[TaskOut]


class TaskIn(Schema):
    status: Literal[tuple(TaskStatus.values)] | None = None
    outcome: Literal[("", *TaskOutcome.values)] | None = Field(
        None, description="how the task ended; empty reopens it"
    )
    reason: str | None = Field(None, description="needed for legal_hold and not_applicable")
    notes: str | None = None


class VerifyIn(Schema):
    note: str = Field(min_length=1, max_length=500, description="how the identity was established")
    identifiers: list[Literal["email", "phone_number", "customer_number"]] = Field(
        default_factory=list,
        description="the identifiers that were checked; only these are used for automatic "
        "look-ups, the others stay claimed",
    )


def _out(subject_request):
    return {
        "reference": subject_request.reference,
        "kind": subject_request.kind,
        "channel": subject_request.channel,
        "status": subject_request.status,
        "outcome": subject_request.outcome,
        "name": subject_request.name,
        "email": subject_request.email,
        "language": subject_request.language,
        "received_at": subject_request.received_at,
        "verified": subject_request.is_verified,
        "due_on": subject_request.due_on,
        "extended_to": subject_request.extended_to,
        "answered_at": subject_request.answered_at,
        "closed_at": subject_request.closed_at,
        "tasks": [_task_out(t) for t in subject_request.tasks.all()],
    }


def _task_out(task):
    return {
        "id": task.pk,
        "kind": task.kind,
        "title": task.title,
        "system": task.system.key if task.system else None,
        "party": task.party.key if task.party else None,
        "automatic": task.automatic,
        "status": task.status,
        "outcome": task.outcome,
        "notes": task.notes,
        "completed_at": task.completed_at,
    }


def _query(request):
    return SubjectRequest.objects.filter(organisation=request.organisation).prefetch_related(
        "tasks__system", "tasks__party"
    )


def _get(request, reference):
    found = _query(request).filter(reference=reference).first()
    if found is None:
        raise HttpError(404, _("There is no request %s.") % reference)
    return found


@router.post("/", response={201: RequestOut})
def create(request, payload: RequestIn):
    """Register a request received elsewhere (a web shop's own form, a ticket system)."""
    require(request, Role.HANDLER)
    data = payload.dict()
    keys = sorted(set(data.pop("activities")))
    activities = list(
        ProcessingActivity.objects.filter(organisation=request.organisation, key__in=keys)
    )
    unknown = sorted(set(keys) - {a.key for a in activities})
    if unknown:
        raise HttpError(400, _("Unknown processing activity: %s") % ", ".join(unknown))
    try:
        subject_request = actions.create_request(
            request.organisation,
            actor=request.api_key,
            channel="api",
            activities=activities,
            **data,
        )
    except RequestError as error:
        raise HttpError(400, str(error)) from error
    return Status(201, _out(_get(request, subject_request.reference)))


@router.get("/", response=list[RequestOut])
def list_requests(request, status: Literal["open", "all", *RequestStatus.values] = "open"):
    """Requests, newest first: the open ones unless `status` says otherwise."""
    require(request, Role.VIEWER)
    rows = _query(request)
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        rows = rows.filter(status=status)
    return [_out(r) for r in rows[:1000]]


@router.get("/{reference}", response=RequestOut)
def read(request, reference: str):
    require(request, Role.VIEWER)
    return _out(_get(request, reference))


@router.post("/{reference}/verify", response=RequestOut)
def verify(request, reference: str, payload: VerifyIn):
    """Record that the identity was established another way; the tasks are made."""
    require(request, Role.HANDLER)
    subject_request = _get(request, reference)
    try:
        actions.verify_request(
            subject_request,
            actor=None,
            method=Verification.STAFF,
            note=payload.note,
            identifiers=payload.identifiers,
        )
    except RequestError as error:
        raise HttpError(400, str(error)) from error
    return _out(_get(request, reference))


@router.patch("/{reference}/tasks/{task_id}", response=TaskOut)
def update_task(request, reference: str, task_id: int, payload: TaskIn):
    """Set a task's status or notes (for example from the tool where the work was done)."""
    require(request, Role.HANDLER)
    subject_request = _get(request, reference)
    task = RequestTask.objects.filter(request=subject_request, pk=task_id).first()
    if task is None:
        raise HttpError(404, _("The request has no task %s.") % task_id)
    try:
        actions.update_task(
            task,
            actor=None,
            status=payload.status,
            outcome=payload.outcome,
            reason=payload.reason,
            notes=payload.notes,
        )
    except RequestError as error:
        raise HttpError(400, str(error)) from error
    return _task_out(task)
