"""DPIA routes of the JSON API: the two lists, the screening of each activity (read and record)
and the assessments with their state."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from waarborg.api.api import require
from waarborg.core.access import scoped
from waarborg.core.models import Role
from waarborg.dpia import actions, criteria
from waarborg.dpia.models import Assessment
from waarborg.register.models import ProcessingActivity
from waarborg.register.models import Status as ItemStatus

router = Router(tags=["dpia"])


class CriterionOut(Schema):
    id: str = Field(description="wp248.<code> or ap.<code>")
    number: int
    title: dict
    explanation: dict


class ListsOut(Schema):
    checked_on: date
    wp248_source: str
    ap_source: str
    criteria: list[CriterionOut]


class ScreeningOut(Schema):
    activity: str
    outcome: str = Field(description="not_screened, not_needed, advisable, needed or done")
    screened_on: date | None
    reason: dict
    answers: dict[str, bool] = Field(description="the newest screening's answers; {} if none")


class ScreeningIn(Schema):
    answers: dict[str, bool] = Field(description="criterion id: true or false; others false")
    note: str = Field("", max_length=2000)


class AssessmentOut(Schema):
    id: int
    title: str
    status: str
    version: int
    activities: list[str]
    signed_on: date | None
    review_on: date | None
    needs_review: bool = Field(description="an activity changed since the signature")


@router.get("/criteria", response=ListsOut)
def get_criteria(request):
    """The AP's seventeen categories and WP248's nine criteria, with the date of the list."""
    require(request, Role.VIEWER)
    lists = criteria.load()
    return {
        "checked_on": lists.checked_on,
        "wp248_source": lists.wp248_source,
        "ap_source": lists.ap_source,
        "criteria": [
            {"id": c.id, "number": c.number, "title": c.title, "explanation": c.explanation}
            for c in lists.all
        ],
    }


def _screening_out(activity):
    last = activity.screenings.first()
    return {
        "activity": activity.key,
        "outcome": activity.dpia,
        "screened_on": activity.dpia_screened_on,
        "reason": activity.dpia_reason or {},
        "answers": last.answers if last else {},
    }


@router.get("/screenings", response=list[ScreeningOut])
def list_screenings(request):
    """Every activity in use with its screening outcome."""
    require(request, Role.VIEWER)
    rows = scoped(ProcessingActivity, request.organisation).exclude(status=ItemStatus.RETIRED)
    return [_screening_out(a) for a in rows.order_by("key")]


@router.post("/screenings/{key}", response={201: ScreeningOut})
def post_screening(request, key: str, payload: ScreeningIn):
    """Record a screening of one activity; the outcome follows from the answers."""
    require(request, Role.PRIVACY_OFFICER)
    activity = scoped(ProcessingActivity, request.organisation).filter(key=key).first()
    if activity is None:
        raise HttpError(404, _("There is no processing activity %s.") % key)
    try:
        actions.screen_activity(activity, actor=None, answers=payload.answers, note=payload.note)
    except actions.DpiaError as error:
        raise HttpError(400, str(next(iter(error.errors.values())))) from error
    return Status(201, _screening_out(activity))


@router.get("/assessments", response=list[AssessmentOut])
def list_assessments(request):
    """The DPIAs of the organisation with their state."""
    require(request, Role.VIEWER)
    rows = scoped(Assessment, request.organisation).prefetch_related("activities")
    return [
        {
            "id": a.pk,
            "title": a.title,
            "status": a.status,
            "version": a.version,
            "activities": sorted(x.key for x in a.activities.all()),
            "signed_on": a.signed_on,
            "review_on": a.review_on,
            "needs_review": bool(a.changed_activities()),
        }
        for a in rows
    ]
