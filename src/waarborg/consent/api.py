"""Consent routes of the JSON API: record events, check may-contact per entry, a history."""

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from waarborg.api.api import require
from waarborg.consent import actions, links
from waarborg.consent.actions import ConsentError, Evidence
from waarborg.consent.mailing import ADDRESS_FIELDS, NAME_FIELDS
from waarborg.consent.models import Action, ConsentPurpose, ConsentState, Source
from waarborg.core.limits import allow
from waarborg.core.models import Role

router = Router(tags=["consent"])
MAX_CHECK = 10_000


class EventIn(Schema):
    purpose: str = Field(description="key of the consent purpose")
    key: str = Field(description="e-mail address, phone number or cookie consent id")
    action: Literal["granted", "confirmed", "withdrawn", "objected"]
    source: Literal["form", "banner", "phone", "staff", "import", "api"] = "api"
    page: str = Field("", max_length=500)
    ip: str = Field("", description="the person's IP address; stored truncated")
    user_agent: str = Field("", max_length=300)
    pending: bool = Field(False, description="a grant waiting for double opt-in")


class EventOut(Schema):
    id: int
    seq: int | None = Field(description="its place in the organisation's hash chain")
    purpose: str
    person_key: str
    action: str
    state: str
    occurred_at: datetime


class CheckIn(Schema):
    purpose: str
    entries: list[str] = Field(max_length=MAX_CHECK)


class AnswerOut(Schema):
    entry: str
    may_contact: bool
    reason: str


class CheckOut(Schema):
    purpose: str
    answers: list[AnswerOut]


class HistoryOut(Schema):
    seq: int
    purpose: str
    action: str
    source: str
    occurred_at: datetime
    wording: dict | None
    wording_version: int | None
    wording_hash: str | None
    ip: str
    page: str


def _purpose(request, key):
    purpose = ConsentPurpose.objects.filter(organisation=request.organisation, key=key).first()
    if purpose is None:
        raise HttpError(404, _("There is no consent purpose %s.") % key)
    return purpose


@router.post("/events", response={201: EventOut})
def post_event(request, payload: EventIn):
    """Record a consent event (sign-up, confirmation, withdrawal, objection) with its proof."""
    require(request, Role.HANDLER)
    purpose = _purpose(request, payload.purpose)
    evidence = Evidence(
        ip=actions.truncate_ip(payload.ip), user_agent=payload.user_agent, page=payload.page
    )
    try:
        event = actions.record_event(
            purpose,
            payload.key,
            Action(payload.action),
            source=Source(payload.source),
            evidence=evidence,
            pending=payload.pending and payload.action == "granted",
            details={"api_key": request.api_key.name},
        )
    except ConsentError as error:
        raise HttpError(400, str(error)) from error
    event.refresh_from_db(fields=["seq"])  # sealed into the chain right after the commit
    state = ConsentState.objects.get(purpose=purpose, person_key=event.person_key)
    return Status(
        201,
        {
            "id": event.pk,
            "seq": event.seq,
            "purpose": purpose.key,
            "person_key": event.person_key,
            "action": event.action,
            "state": state.status,
            "occurred_at": event.occurred_at,
        },
    )


@router.post("/check", response=CheckOut)
def check(request, payload: CheckIn):
    """May each address or number be contacted for this purpose? Yes or no, with the reason."""
    require(request, Role.VIEWER)
    purpose = _purpose(request, payload.purpose)
    answers = actions.check_contacts(purpose, payload.entries)
    return {
        "purpose": purpose.key,
        "answers": [
            {"entry": a.entry, "may_contact": a.may_contact, "reason": a.reason} for a in answers
        ],
    }


@router.get("/people/{key}/events", response=list[HistoryOut])
def person_history(request, key: str):
    """The whole history of one person, with the wording they agreed to."""
    require(request, Role.HANDLER)
    try:
        events = actions.history(request.organisation, key)
    except ConsentError as error:
        raise HttpError(400, str(error)) from error
    return [
        {
            "seq": e.seq,
            "purpose": e.purpose.key,
            "action": e.action,
            "source": e.source,
            "occurred_at": e.occurred_at,
            "wording": e.version.wording if e.version else None,
            "wording_version": e.version.number if e.version else None,
            "wording_hash": e.version.hash if e.version else None,
            "ip": e.ip,
            "page": e.page,
        }
        for e in events
    ]


class SubscribeIn(Schema):
    purpose: str
    email: str
    language: Literal["nl", "en"] = "nl"
    ip: str = ""
    user_agent: str = Field("", max_length=300)
    page: str = Field("", max_length=500)
    age: Literal["16_or_over", "under_16"] | None = None
    parental_consent: bool = False
    first_name: str = Field("", max_length=200, description="where the purpose asks for it")
    last_name: str = Field("", max_length=200)
    street: str = Field("", max_length=200, description="street and number")
    postcode: str = Field("", max_length=200)
    city: str = Field("", max_length=200)
    country: str = Field("", max_length=200, description="two-letter code; default NL")


class LinkOut(Schema):
    url: str
    headers: dict


# (attempts, minutes) per address and organisation: the calls come from the organisation's own
# server, one IP for everyone, so only the address is counted
API_SIGNUP_PER_ADDRESS = (3, 60)


@router.post(
    "/subscribe",
    response={202: dict},
    openapi_extra={
        "responses": {"429": {"description": "Too many sign-ups for this address in the last hour"}}
    },
)
def subscribe(request, payload: SubscribeIn):
    """Sign someone up from your own form: the double opt-in e-mail goes out; the consent counts
    once the person confirms. The answer is the same for new and known addresses; at most three
    an hour for one address (429 after that: no e-mail goes out)."""
    require(request, Role.HANDLER)
    purpose = _purpose(request, payload.purpose)
    limit, minutes = API_SIGNUP_PER_ADDRESS
    key = f"{purpose.organisation_id}:{payload.email.strip().lower()}"
    if not allow("api-signup-address", key, limit=limit, minutes=minutes):
        raise HttpError(429, _("Too many sign-ups for this address: try again in an hour."))
    evidence = Evidence(
        ip=actions.truncate_ip(payload.ip), user_agent=payload.user_agent, page=payload.page
    )
    try:
        actions.subscribe(
            purpose,
            payload.email,
            language=payload.language,
            evidence=evidence,
            age=payload.age,
            parental_consent=payload.parental_consent,
            contact={name: getattr(payload, name) for name in NAME_FIELDS + ADDRESS_FIELDS},
        )
    except ConsentError as error:
        raise HttpError(400, str(error)) from error
    return Status(202, {"detail": "confirmation e-mail sent"})


@router.get("/unsubscribe-link", response=LinkOut)
def unsubscribe_link(request, purpose: str, key: str):
    """For mail you send yourself: the person's unsubscribe link and the List-Unsubscribe and
    List-Unsubscribe-Post headers (RFC 8058) to put on the message."""
    require(request, Role.HANDLER)
    found = _purpose(request, purpose)
    try:
        normalised, _kind = actions.person_key(key)
    except ConsentError as error:
        raise HttpError(400, str(error)) from error
    return {
        "url": links.unsubscribe_url(found, normalised),
        "headers": links.unsubscribe_headers(found, normalised),
    }
