"""Every state change of the processor side: services, agreements, instructions, sub-processor
changes (announced by the worker, answered per client, applied at their date) and Data Pro
Statements. Each runs in one transaction with its audit entry."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.audit.actions import actor_label, json_ready, record_entry
from waarborg.core import links
from waarborg.processors.models import (
    CHECKLIST_KEYS,
    Agreement,
    ChangeClient,
    ChangeLink,
    DataProStatement,
    Instruction,
    ProcessorSettings,
    Service,
    SubProcessorChange,
)
from waarborg.register.models import Party

log = logging.getLogger(__name__)

# A link in an announcement works until well after the objection period.
LINK_AGE = datetime.timedelta(days=90)


class ProcessorError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _own(organisation, rows, what):
    """Refuse rows (parties, services, activities) of another organisation."""
    for row in rows:
        if row is not None and row.organisation_id != organisation.pk:
            raise ProcessorError(_("%(what)s is not of this organisation.") % {"what": what})


def settings_for(organisation):
    found = ProcessorSettings.objects.filter(organisation=organisation).first()
    return found or ProcessorSettings(organisation=organisation)


@transaction.atomic
def save_processor_settings(organisation, *, actor, **fields):
    row = settings_for(organisation)
    old = {name: getattr(row, name) for name in fields} if row.pk else None
    for name, value in fields.items():
        setattr(row, name, value)
    row.save()
    record_entry(
        organisation,
        actor=actor,
        action="processors.settings.updated",
        obj=row,
        old=json_ready(old) if old else None,
        new=json_ready(fields),
    )
    return row


def _service_data(service):
    return {
        "key": service.key,
        "name": service.name,
        "activities": sorted(a.key for a in service.activities.all()),
        "sub_processors": sorted(p.key for p in service.sub_processors.all()),
        "clients": sorted(p.key for p in service.clients.all()),
    }


@transaction.atomic
def save_service(
    organisation,
    *,
    actor,
    key,
    name,
    description=None,
    activities=(),
    sub_processors=(),
    clients=(),
    instance=None,
):
    """Create or change a service with its processing, sub-processors and clients."""
    _own(organisation, [*activities, *sub_processors, *clients], _("A chosen item"))
    if any(client.kind != Party.Kind.CLIENT_CONTROLLER for client in clients):
        raise ProcessorError(_("Clients must be parties of the kind client."))
    taken = Service.objects.filter(organisation=organisation, key=key)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise ProcessorError(_("Another service has this key."))
    old = _service_data(instance) if instance is not None else None
    service = instance or Service(organisation=organisation)
    service.key, service.name, service.description = key, name, description or {}
    service.save()
    service.activities.set(activities)
    service.sub_processors.set(sub_processors)
    service.clients.set(clients)
    record_entry(
        organisation,
        actor=actor,
        action="processors.service.saved",
        obj=service,
        old=old,
        new=_service_data(service),
    )
    return service


AGREEMENT_FIELDS = [
    "signed_on",
    "ends_on",
    "term",
    "sub_processing",
    "objection_days",
    "subject_matter",
    "duration",
    "nature",
    "purpose",
    "data_types",
    "data_subjects",
]


def _agreement_data(agreement):
    data = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    data.update(
        side=agreement.side,
        party=agreement.party.key,
        service=agreement.service.key if agreement.service else None,
        checklist=agreement.checklist,
        document=agreement.document.name if agreement.document else "",
    )
    return json_ready(data)


@transaction.atomic
def save_agreement(
    organisation,
    *,
    actor,
    side,
    party,
    service=None,
    checklist=(),
    document=None,
    instance=None,
    **fields,
):
    """Record a processing agreement (Art. 28(3)) and which points of the checklist it covers.
    With a client it is for one of our services; with our processor, for no service."""
    _own(organisation, [party, service], _("A chosen item"))
    if side == Agreement.Side.PROCESSOR:
        if party.kind != Party.Kind.CLIENT_CONTROLLER or service is None:
            raise ProcessorError(_("An agreement as processor is with a client, for a service."))
    elif party.kind not in (Party.Kind.PROCESSOR, Party.Kind.SUB_PROCESSOR):
        raise ProcessorError(_("An agreement as controller is with one of our processors."))
    unknown = set(checklist) - set(CHECKLIST_KEYS)
    if unknown:
        raise ProcessorError(_("Unknown checklist item."))
    # A bound ModelForm has already set the new values on `instance`: read the stored row.
    old = _agreement_data(Agreement.objects.get(pk=instance.pk)) if instance is not None else None
    agreement = instance or Agreement(organisation=organisation)
    agreement.side, agreement.party, agreement.service = side, party, service
    agreement.checklist = {key: key in checklist for key in CHECKLIST_KEYS}
    for name, value in fields.items():
        if name not in AGREEMENT_FIELDS:
            raise TypeError(name)
        setattr(agreement, name, value)
    if document is not None:
        # Stored as other uploads are: under MEDIA_ROOT, mode 0600 (FILE_UPLOAD_PERMISSIONS).
        agreement.document.save(document.name, document, save=False)
    agreement.save()
    record_entry(
        organisation,
        actor=actor,
        action="processors.agreement.saved",
        obj=agreement,
        old=old,
        new=_agreement_data(agreement),
    )
    return agreement


@transaction.atomic
def record_instruction(organisation, *, actor, client, service=None, **fields):
    """Record a client's instruction (Art. 28(3)(a), documented instructions)."""
    _own(organisation, [client, service], _("A chosen item"))
    if client.kind != Party.Kind.CLIENT_CONTROLLER:
        raise ProcessorError(_("Instructions come from a client."))
    if not (fields.get("asked") or "").strip():
        raise ProcessorError(_("Say what was asked."))
    done_on, received_on = fields.get("carried_out_on"), fields.get("received_on")
    if done_on and received_on and done_on < received_on:
        raise ProcessorError(_("It cannot have been carried out before it was received."))
    instruction = Instruction.objects.create(
        organisation=organisation,
        client=client,
        service=service,
        recorded_by=actor_label(actor),
        **fields,
    )
    record_entry(
        organisation,
        actor=actor,
        action="processors.instruction.recorded",
        obj=instruction,
        new=json_ready({**fields, "client": client.key}),
    )
    return instruction


@transaction.atomic
def plan_change(organisation, *, actor, services, party, effective_on, replaces=None, reason=None):
    """A planned addition (or replacement) of a sub-processor for some services; not yet
    announced. `reason` is a {"nl": ..., "en": ...} text (a plain string counts as Dutch)."""
    from waarborg.core.fields import normalise

    services = list(services)
    _own(organisation, [*services, party, replaces], _("A chosen item"))
    if not services:
        raise ProcessorError(_("Choose at least one service."))
    if replaces is not None and replaces.pk == party.pk:
        raise ProcessorError(_("A sub-processor cannot replace itself."))
    change = SubProcessorChange.objects.create(
        organisation=organisation,
        party=party,
        replaces=replaces,
        effective_on=effective_on,
        reason=normalise(reason),
        created_by=actor_label(actor),
    )
    change.services.set(services)
    record_entry(
        organisation,
        actor=actor,
        action="processors.change.planned",
        obj=change,
        new=json_ready(
            {
                "party": party.key,
                "replaces": replaces.key if replaces else None,
                "services": sorted(s.key for s in services),
                "effective_on": effective_on,
            }
        ),
    )
    return change


@transaction.atomic
def set_change_reason(change, *, actor, reason):
    """The reason of a change not yet announced, in Dutch and English."""
    from waarborg.core.fields import normalise

    change = SubProcessorChange.objects.select_for_update().get(pk=change.pk)
    if change.status != SubProcessorChange.Status.DRAFT:
        raise ProcessorError(_("This change has been announced already."))
    old, change.reason = change.reason, normalise(reason)
    change.save(update_fields=["reason"])
    record_entry(
        change.organisation,
        actor=actor,
        action="processors.change.reason",
        obj=change,
        old={"reason": old},
        new={"reason": change.reason},
    )
    return change


def country_names(index, codes, language):
    """Country names for ISO codes in `language`, from the taxonomy (the code if unknown)."""
    from waarborg.core.models import TermKind

    names = []
    for code in codes:
        term = index.get(TermKind.COUNTRY, code)
        names.append(term.label(language) if term is not None else code)
    return names


def _client_email(party):
    from waarborg.requests.actions.common import _email_in

    return _email_in(party.contact)


@transaction.atomic
def announce_change(change, *, actor, per_minute=60):
    """Queue the announcement to every client of the services concerned (Art. 28(2)): with a
    general authorisation it states the objection period; with specific consent it asks for a
    yes. One row per client, written with the background task in one transaction."""
    from waarborg.processors.tasks import send_change

    change = SubProcessorChange.objects.select_for_update().get(pk=change.pk)
    if change.status != SubProcessorChange.Status.DRAFT:
        raise ProcessorError(_("This change has been announced already."))
    services = list(change.services.all())
    agreements = {}
    for agreement in Agreement.objects.filter(
        organisation=change.organisation, side=Agreement.Side.PROCESSOR, service__in=services
    ).order_by("pk"):
        # Specific consent in any of the client's agreements for these services wins.
        current = agreements.get(agreement.party_id)
        if current is None or agreement.sub_processing == Agreement.SubProcessing.SPECIFIC:
            agreements[agreement.party_id] = agreement
    # Only this organisation's clients, even if a row of another slipped into a service.
    clients = (
        Party.objects.filter(services__in=services, organisation=change.organisation)
        .distinct()
        .order_by("pk")
    )
    clients = list(clients)
    _check_reason_languages(change, clients)
    rows = []
    for client in clients:
        agreement = agreements.get(client.pk)
        email = _client_email(client)
        rows.append(
            ChangeClient(
                change=change,
                client=client,
                agreement=agreement,
                mode=agreement.sub_processing if agreement else Agreement.SubProcessing.SPECIFIC,
                email=email,
                language=client.notice_language(),
                status=ChangeClient.Status.PENDING if email else ChangeClient.Status.FAILED,
                error="" if email else "no e-mail address in the contact details",
            )
        )
    ChangeClient.objects.bulk_create(rows)
    change.status = SubProcessorChange.Status.SENDING
    change.per_minute = per_minute
    change.announced_at = timezone.now()
    change.save(update_fields=["status", "per_minute", "announced_at"])
    record_entry(
        change.organisation,
        actor=actor,
        action="processors.change.announced",
        obj=change,
        new={"clients": len(rows), "without_address": sum(1 for r in rows if not r.email)},
    )
    transaction.on_commit(lambda: send_change.enqueue(change.pk))
    return change


def _check_reason_languages(change, clients):
    """Refuse to announce when a client's language lacks the reason's text: a message never
    mixes languages, so it is not sent with the reason in another language."""
    from django.utils.text import get_text_list

    from waarborg.core.fields import LANGUAGES

    reason = change.reason or {}
    if not any(reason.get(language) for language in LANGUAGES):
        return
    names = dict(settings.LANGUAGES)
    for language in LANGUAGES:
        if reason.get(language):
            continue
        readers = [str(client) for client in clients if client.notice_language() == language]
        if readers:
            raise ProcessorError(
                _(
                    "The reason is missing in %(language)s, and %(clients)s get the message "
                    "in %(language)s. Fill in the reason in %(language)s first."
                )
                % {
                    "language": names.get(language, language),
                    "clients": get_text_list(readers[:5], _("and")),
                }
            )


def deliver_change(change_id, *, actor):
    """Send the pending messages of an announcement, at most once each (`jobs.mailing`), and
    end it "announced" with its audit entry, once. A run cut off continues with the next
    client; the one whose message was interrupted is marked uncertain."""
    from waarborg.jobs.mailing import deliver

    change = SubProcessorChange.objects.select_related("organisation", "party").get(pk=change_id)
    if change.status != SubProcessorChange.Status.SENDING:
        return change
    deliver(
        change.clients.all(),
        lambda row: _send_announcement(change, row),
        per_minute=change.per_minute,
    )
    with transaction.atomic():
        finished = SubProcessorChange.objects.filter(
            pk=change.pk, status=SubProcessorChange.Status.SENDING
        ).update(status=SubProcessorChange.Status.ANNOUNCED)
        if finished:
            record_entry(
                change.organisation,
                actor=actor,
                action="processors.change.sent",
                obj=change,
                new=change.counts(),
            )
    change.refresh_from_db()
    return change


def _send_announcement(change, row):
    from django.urls import reverse

    from waarborg.core.emails import absolute_url, send_templated
    from waarborg.core.taxonomy import TermIndex

    token, _link = links.mint(ChangeLink, age=LINK_AGE, row=row)
    organisation = change.organisation
    party = change.party
    codes = list(party.locations or []) or [party.country]
    objection_days = row.agreement.objection_days if row.agreement else 14
    send_templated(
        "processors/emails/change",
        to=row.email,
        language=row.language,
        context={
            "organisation": organisation,
            "change": change,
            "row": row,
            "services": list(change.services.filter(clients=row.client)),
            "specific": row.mode == Agreement.SubProcessing.SPECIFIC,
            "locations": country_names(TermIndex(organisation), codes, row.language),
            "objection_days": objection_days,
            # The same last day as `ChangeClient.objection_ends`, in local time.
            "answer_by": timezone.localdate(change.announced_at)
            + datetime.timedelta(days=objection_days),
            "link": absolute_url(
                reverse("processors_public:answer", args=[organisation.slug, token])
            ),
        },
    )


@transaction.atomic
def answer_change(row, *, actor, answer, note="", via_link=False):
    """Record a client's objection or consent. An objection opens a task for the privacy
    officer and keeps the change from the client until it is resolved."""
    row = ChangeClient.objects.select_for_update().select_related("change").get(pk=row.pk)
    if answer not in (ChangeClient.Answer.OBJECTED, ChangeClient.Answer.CONSENTED):
        raise ProcessorError(_("Choose: object or consent."))
    if row.resolution:
        raise ProcessorError(_("The objection has been resolved already."))
    if row.applied_at is not None:
        # Too late to hold it back: the privacy officer takes it up as a new matter.
        raise ProcessorError(
            _("The change is in effect for you already. Please contact us about it.")
        )
    old = {"answer": row.answer}
    row.answer = answer
    row.answer_note = note[:2000]
    row.answered_at = timezone.now()
    row.answered_by = ChangeClient.VIA_LINK if via_link else actor_label(actor)
    row.save()
    record_entry(
        row.change.organisation,
        actor=actor,
        action="processors.change.answered",
        obj=row,
        old=old,
        new={"client": row.client.key, "answer": answer, "via_link": via_link},
    )
    if answer == ChangeClient.Answer.OBJECTED:
        transaction.on_commit(lambda: _tell_officers(row.pk))
    return row


def _officers(organisation):
    """Who an objection goes to: the privacy officers, else the owners."""
    from waarborg.core.models import Membership, Role

    members = Membership.objects.filter(organisation=organisation).select_related("user")
    found = [m.user.email for m in members if m.role == Role.PRIVACY_OFFICER]
    return sorted(found or [m.user.email for m in members if m.role == Role.OWNER])


def _tell_officers(row_id):
    """The privacy officer's task, by e-mail too: an objection to resolve, with its link."""
    from django.urls import reverse

    from waarborg.core.emails import absolute_url, send_templated

    row = ChangeClient.objects.select_related(
        "change__organisation", "change__party", "client"
    ).get(pk=row_id)
    organisation = row.change.organisation
    link = absolute_url(reverse("processors:change", args=[row.change_id])) + f"#client-{row.pk}"
    for address in _officers(organisation):
        try:
            send_templated(
                "processors/emails/objection",
                to=address,
                language=organisation.default_language,
                context={"row": row, "link": link, "language": organisation.default_language},
            )
        except Exception:  # the client's answer is recorded; one failed address stops nothing
            log.exception("objection %s to %s not sent", row.pk, address)


@transaction.atomic
def resolve_objection(row, *, actor, resolution):
    """The privacy officer's outcome of an objection: agreed after talking (the change applies),
    the client excluded from it, or the service ended for the client."""
    row = ChangeClient.objects.select_for_update().select_related("change").get(pk=row.pk)
    if resolution not in (
        ChangeClient.Resolution.AGREED,
        ChangeClient.Resolution.EXCLUDED,
        ChangeClient.Resolution.ENDED,
    ):
        raise ProcessorError(_("Choose how the objection was resolved."))
    if not row.open_objection:
        raise ProcessorError(_("There is no open objection."))
    row.resolution, row.resolved_at, row.resolved_by = (
        resolution,
        timezone.now(),
        actor_label(actor),
    )
    row.save()
    if resolution == ChangeClient.Resolution.ENDED:
        for service in row.change.services.all():
            service.clients.remove(row.client)
    record_entry(
        row.change.organisation,
        actor=actor,
        action="processors.objection.resolved",
        obj=row,
        new={"client": row.client.key, "resolution": resolution},
    )
    return row


def apply_due_changes(organisation=None, *, actor, today=None):
    """Put announced changes into effect for each client whose turn has come
    (`ChangeClient.applies`: the date, the objection period, no open objection, the yes where
    consent is needed), once per change and client, for one organisation or all. The new
    sub-processor joins the services concerned when it is in effect for a client; the one it
    replaces leaves a service once no client of it keeps it. Returns the changes that took
    effect for at least one client in this run."""
    today = today or timezone.localdate()
    due = SubProcessorChange.objects.filter(
        status__in=[SubProcessorChange.Status.ANNOUNCED, SubProcessorChange.Status.APPLIED],
        effective_on__lte=today,
        clients__applied_at__isnull=True,
    ).distinct()
    if organisation is not None:
        due = due.filter(organisation=organisation)
    applied = []
    for change_id in due.order_by("pk").values_list("pk", flat=True):
        if _apply_change(change_id, actor=actor, today=today):
            applied.append(SubProcessorChange.objects.get(pk=change_id))
    return applied


@transaction.atomic
def _apply_change(change_id, *, actor, today):
    # only the change's own row is locked: PostgreSQL refuses FOR UPDATE on the nullable
    # side of the outer join to the sub-processor it replaces
    change = (
        SubProcessorChange.objects.select_for_update(of=("self",))
        .select_related("organisation", "party", "replaces")
        .get(pk=change_id)
    )
    rows = list(
        change.clients.filter(
            applied_at__isnull=True, client__organisation=change.organisation
        ).select_related("change", "client", "agreement")
    )
    now = timezone.now()
    ready = [row for row in rows if row.applies(today)]
    if not ready:
        return False
    ChangeClient.objects.filter(pk__in=[row.pk for row in ready]).update(applied_at=now)
    ready_clients = {row.client_id for row in ready}
    for service in change.services.all():
        clients = set(service.clients.values_list("pk", flat=True))
        if clients & ready_clients:
            service.sub_processors.add(change.party)
        waiting = change.clients.filter(client__in=clients, applied_at__isnull=True)
        if change.replaces is not None and clients & ready_clients and not waiting.exists():
            service.sub_processors.remove(change.replaces)
    first = change.status != SubProcessorChange.Status.APPLIED
    if first:
        change.status = SubProcessorChange.Status.APPLIED
        change.applied_at = now
        change.save(update_fields=["status", "applied_at"])
    record_entry(
        change.organisation,
        actor=actor,
        action="processors.change.applied",
        obj=change,
        new={
            "applies_to": sorted(row.client.key for row in ready),
            "held_back": sorted(row.client.key for row in rows if row not in ready),
        },
    )
    return True


@transaction.atomic
def publish_statement(service, *, actor):
    """Render the service's Data Pro Statement in every language from the register and store it
    as a new version; refuse when nothing changed."""
    from waarborg.processors import datapro

    snapshot = json_ready(datapro.snapshot(service))
    previous = (
        DataProStatement.objects.select_for_update()
        .filter(service=service)
        .order_by("-number")
        .first()
    )
    if previous is not None and previous.snapshot == snapshot:
        raise ProcessorError(
            _("Nothing changed since version %(number)s.") % {"number": previous.number}
        )
    number = previous.number + 1 if previous else 1
    now = timezone.now()
    versions = [
        DataProStatement.objects.create(
            organisation=service.organisation,
            service=service,
            number=number,
            language=language,
            published_at=now,
            published_by=actor_label(actor),
            html=datapro.render(snapshot, language),
            snapshot=snapshot,
        )
        for language in ("nl", "en")
    ]
    record_entry(
        service.organisation,
        actor=actor,
        action="processors.statement.published",
        obj=versions[0],
        new={"service": service.key, "number": number},
    )
    return versions
