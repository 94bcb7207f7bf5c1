"""Processor-side routes of the JSON API, read-only and scoped to the key's organisation:
services, clients, agreements, instructions and sub-processor changes."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from waarborg.api.api import require
from waarborg.core.models import Role
from waarborg.processors.models import Agreement, Instruction, Service, SubProcessorChange
from waarborg.register.models import Party

router = Router(tags=["processors"])


class PartyOut(Schema):
    key: str
    name: dict
    country: str
    locations: list
    transfer_mechanism: str


class ServiceOut(Schema):
    id: int
    key: str
    name: dict
    activities: list[str]
    sub_processors: list[PartyOut]
    clients: list[str]


class AgreementOut(Schema):
    id: int
    side: str
    party: str
    service: str | None
    signed_on: date | None
    ends_on: date | None
    term: str
    sub_processing: str
    objection_days: int
    checklist: dict
    missing: list[str]


class InstructionOut(Schema):
    id: int
    client: str
    received_on: date
    channel: str
    asked: str
    carried_out_by: str
    carried_out_on: date | None


class ChangeClientOut(Schema):
    client: str
    mode: str
    status: str
    answer: str
    resolution: str
    applied_at: datetime | None


class ChangeOut(Schema):
    id: int
    party: str
    replaces: str | None
    services: list[str]
    effective_on: date
    status: str
    clients: list[ChangeClientOut]


def _party(party):
    return {
        "key": party.key,
        "name": party.name,
        "country": party.country,
        "locations": party.locations or [],
        "transfer_mechanism": party.transfer_mechanism,
    }


def _service(service):
    return {
        "id": service.pk,
        "key": service.key,
        "name": service.name,
        "activities": [a.key for a in service.activities.all()],
        "sub_processors": [_party(p) for p in service.sub_processors.all()],
        "clients": [p.key for p in service.clients.all()],
    }


@router.get("/services", response=list[ServiceOut])
def list_services(request):
    """The organisation's services with their processing, sub-processors and clients."""
    require(request, Role.VIEWER)
    rows = Service.objects.filter(organisation=request.organisation).prefetch_related(
        "activities", "sub_processors", "clients"
    )
    return [_service(s) for s in rows]


@router.get("/services/{service_id}", response=ServiceOut)
def read_service(request, service_id: int):
    require(request, Role.VIEWER)
    found = Service.objects.filter(organisation=request.organisation, pk=service_id).first()
    if found is None:
        raise HttpError(404, _("There is no such service."))
    return _service(found)


def _agreement(agreement):
    return {
        "id": agreement.pk,
        "side": agreement.side,
        "party": agreement.party.key,
        "service": agreement.service.key if agreement.service else None,
        "signed_on": agreement.signed_on,
        "ends_on": agreement.ends_on,
        "term": agreement.term,
        "sub_processing": agreement.sub_processing,
        "objection_days": agreement.objection_days,
        "checklist": agreement.checklist,
        "missing": [str(label) for label in agreement.missing()],
    }


@router.get("/agreements", response=list[AgreementOut])
def list_agreements(request, client: str | None = None):
    """Processing agreements; `client` (a party key) filters."""
    require(request, Role.VIEWER)
    rows = Agreement.objects.filter(organisation=request.organisation).select_related(
        "party", "service"
    )
    if client:
        rows = rows.filter(party__key=client)
    return [_agreement(a) for a in rows]


@router.get("/agreements/{agreement_id}", response=AgreementOut)
def read_agreement(request, agreement_id: int):
    require(request, Role.VIEWER)
    found = Agreement.objects.filter(organisation=request.organisation, pk=agreement_id).first()
    if found is None:
        raise HttpError(404, _("There is no such agreement."))
    return _agreement(found)


@router.get("/clients/{key}/instructions", response=list[InstructionOut])
def list_instructions(request, key: str):
    """A client's instructions, newest first."""
    require(request, Role.VIEWER)
    party = Party.objects.filter(
        organisation=request.organisation, key=key, kind=Party.Kind.CLIENT_CONTROLLER
    ).first()
    if party is None:
        raise HttpError(404, _("There is no such client."))
    return [
        {
            "id": i.pk,
            "client": party.key,
            "received_on": i.received_on,
            "channel": i.channel,
            "asked": i.asked,
            "carried_out_by": i.carried_out_by,
            "carried_out_on": i.carried_out_on,
        }
        for i in Instruction.objects.filter(organisation=request.organisation, client=party)
    ]


@router.get("/changes", response=list[ChangeOut])
def list_changes(request):
    """Sub-processor changes with each client's message, answer and resolution."""
    require(request, Role.VIEWER)
    rows = SubProcessorChange.objects.filter(organisation=request.organisation).select_related(
        "party", "replaces"
    )
    return [
        {
            "id": c.pk,
            "party": c.party.key,
            "replaces": c.replaces.key if c.replaces else None,
            "services": [s.key for s in c.services.all()],
            "effective_on": c.effective_on,
            "status": c.status,
            "clients": [
                {
                    "client": r.client.key,
                    "mode": r.mode,
                    "status": r.status,
                    "answer": r.answer,
                    "resolution": r.resolution,
                    "applied_at": r.applied_at,
                }
                for r in c.clients.select_related("client")
            ],
        }
        for c in rows
    ]
