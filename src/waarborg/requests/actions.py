"""Every state change of a data subject request, audited, with its e-mails sent on commit.

The flow: intake (public form, staff entry or API) -> identity (link to the given address, staff
decision with a reason, or an ID copy checked and deleted) -> one task per system and per
recipient -> the answer per kind (package, confirmation or refusal) -> closure, keeping a
minimal record. Art. 12 GDPR throughout: one month from receipt, extensible once by two months.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import actor_label, record_entry
from waarborg.core.crypto import encrypt_bytes, keyed_hash
from waarborg.core.emails import absolute_url
from waarborg.core.fields import translated
from waarborg.core.models import Membership, Organisation, Role
from waarborg.register.models import Party, ProcessingActivity, System
from waarborg.register.models import Status as RegisterStatus
from waarborg.requests import deadline, letters
from waarborg.requests.models import (
    FILE_PURPOSE,
    OPEN_STATUSES,
    Attempt,
    FileKind,
    Kind,
    LetterTemplate,
    Outcome,
    RefusalGround,
    RequestFile,
    RequestSettings,
    RequestTask,
    Status,
    SubjectRequest,
    TaskKind,
    TaskStatus,
    Verification,
)

VERIFY_SALT = "waarborg.requests.verify"
ID_SALT = "waarborg.requests.id-copy"
DOWNLOAD_SALT = "waarborg.requests.download"
# Kinds whose answer changes data; recipients are told of it (Art. 19 GDPR).
CHANGING = (Kind.RECTIFICATION, Kind.ERASURE, Kind.RESTRICTION)
AUTOMATIC = (Kind.ACCESS, Kind.PORTABILITY, Kind.ERASURE, Kind.RECTIFICATION, Kind.RESTRICTION)
PORTABLE_BASES = ("consent", "contract")
# Roles that may handle requests and their tasks.
WORKING_ROLES = (Role.HANDLER, Role.PRIVACY_OFFICER, Role.OWNER)


class RequestError(Exception):
    """A request cannot be changed this way; the message says why, in the active language."""


def settings_for(organisation):
    found = RequestSettings.objects.filter(organisation=organisation).first()
    return found or RequestSettings(organisation=organisation)


def local_date(organisation, moment):
    return moment.astimezone(ZoneInfo(organisation.time_zone)).date()


def _clock_start(subject_request, request_settings):
    if request_settings.pause_for_identity:
        if subject_request.verified_at is None:
            return None
        return local_date(subject_request.organisation, subject_request.verified_at)
    return local_date(subject_request.organisation, subject_request.received_at)


def _due(subject_request, request_settings):
    start = _clock_start(subject_request, request_settings)
    return deadline.due_date(start) if start else None


def contact_line(organisation):
    return organisation.privacy_email or organisation.website or ""


def _kind_label(kind, language):
    with translation.override(language):
        return str(Kind(kind).label)


def _context(subject_request, **extra):
    organisation = subject_request.organisation
    return {
        "reference": subject_request.reference,
        "name": subject_request.name,
        "email": subject_request.email,
        "phone": subject_request.phone,
        "description": subject_request.description,
        "kind": _kind_label(subject_request.kind, subject_request.language),
        "received": local_date(organisation, subject_request.received_at),
        "due": subject_request.deadline,
        "contact": contact_line(organisation),
        "authority": organisation.supervisory_authority,
        **extra,
    }


def _mail_person(subject_request, key, **extra):
    """Send a letter to the person after the commit, if there is an address to send it to."""
    if not subject_request.email:
        return
    context = _context(subject_request, **extra)

    def send():
        letters.send(
            subject_request.organisation,
            key,
            subject_request.language,
            context,
            to=subject_request.email,
        )

    transaction.on_commit(send)


def letter_text(subject_request, key, **extra):
    """A letter as text, for printing when the person has no e-mail address."""
    return letters.render(
        subject_request.organisation,
        key,
        subject_request.language,
        _context(subject_request, **extra),
    )


# Rate limits ---------------------------------------------------------------------------------


def allow(scope, key, *, limit, minutes):
    """Count one attempt of `key` (an IP or an address) in `scope`; False when over the limit.

    Counted in the database, so every web process shares the same limits."""
    key_hash = keyed_hash(key.lower(), "rate-limit")
    since = timezone.now() - timedelta(minutes=minutes)
    with transaction.atomic():
        Attempt.objects.filter(scope=scope, key_hash=key_hash, at__lt=since).delete()
        count = Attempt.objects.filter(scope=scope, key_hash=key_hash).count()
        if count >= limit:
            return False
        Attempt.objects.create(scope=scope, key_hash=key_hash)
    return True


# Intake --------------------------------------------------------------------------------------


def _clean_phone(phone):
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, "NL")
    except phonenumbers.NumberParseException as error:
        raise RequestError(_("This is not a phone number: %s") % phone) from error
    if not phonenumbers.is_possible_number(number):
        raise RequestError(_("This is not a phone number: %s") % phone)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _next_reference(organisation, year):
    prefix = f"{year}-"
    count = SubjectRequest.objects.filter(
        organisation=organisation, reference__startswith=prefix
    ).count()
    return f"{prefix}{count + 1:04d}"


def _store_file(
    subject_request,
    kind,
    upload,
    *,
    actor_text,
    task=None,
    expires_at=None,
    name=None,
    content_type=None,
):
    """Encrypt and keep a file (an UploadedFile, or bytes with `name`)."""
    if isinstance(upload, bytes):
        data = upload
    else:
        limit = settings_for(subject_request.organisation).max_upload_mb * 1024 * 1024
        if upload.size > limit:
            raise RequestError(
                _("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
            )
        data = upload.read()
        name = name or upload.name
        content_type = content_type or upload.content_type
    return RequestFile.objects.create(
        organisation=subject_request.organisation,
        request=subject_request,
        task=task,
        kind=kind,
        name=(name or "file")[-255:],
        content_type=content_type or "application/octet-stream",
        size=len(data),
        data=encrypt_bytes(data, FILE_PURPOSE),
        uploaded_by=actor_text,
        expires_at=expires_at,
    )


def create_request(
    organisation,
    *,
    actor,
    kind,
    channel,
    name,
    email="",
    language="",
    phone="",
    customer_number="",
    description="",
    direct_marketing=False,
    received_at=None,
    original=None,
    subject_groups=(),
):
    """Take in a request (Art. 12 GDPR), give it a reference and its due date, and send the
    acknowledgement with a verification link to the given address.

    Nothing is looked up about the person here: a known and an unknown address get the same
    answer and the same e-mail."""
    if kind not in Kind.values:
        raise RequestError(_("Choose the kind of request."))
    name = (name or "").strip()
    if not name:
        raise RequestError(_("A name is needed."))
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise RequestError(_("This is not an e-mail address: %s") % email) from error
    elif channel in ("web", "api"):
        raise RequestError(_("An e-mail address is needed."))
    language = language if language in ("nl", "en") else organisation.default_language
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + timedelta(minutes=5):
        raise RequestError(_("A request cannot be received in the future."))
    request_settings = settings_for(organisation)
    for attempt in range(5):
        try:
            with transaction.atomic():
                Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
                subject_request = SubjectRequest(
                    organisation=organisation,
                    reference=_next_reference(organisation, local_date(organisation, now).year),
                    kind=kind,
                    channel=channel,
                    language=language,
                    name=name[:200],
                    email=email,
                    phone=_clean_phone(phone),
                    customer_number=(customer_number or "").strip()[:80],
                    description=(description or "").strip(),
                    direct_marketing=bool(direct_marketing) and kind == Kind.OBJECTION,
                    received_at=received_at,
                )
                subject_request.due_on = _due(subject_request, request_settings)
                subject_request.save()
                if subject_groups:
                    subject_request.subject_groups.set(subject_groups)
                if original is not None:
                    _store_file(
                        subject_request, FileKind.ORIGINAL, original, actor_text=actor_label(actor)
                    )
                record_entry(
                    organisation,
                    actor=actor,
                    action="request.create",
                    obj=subject_request,
                    new={
                        "kind": kind,
                        "channel": channel,
                        "received_at": received_at,
                        "due_on": subject_request.due_on,
                    },
                )
                _send_acknowledgement(subject_request, request_settings)
            return subject_request
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _send_acknowledgement(subject_request, request_settings):
    link, valid_until = "", None
    if not subject_request.is_verified and subject_request.email:
        link, valid_until = _person_link(
            subject_request, VERIFY_SALT, "center:request_verify", request_settings
        )
    _mail_person(
        subject_request,
        "acknowledgement",
        link=link,
        link_valid_until=valid_until,
        pause=request_settings.pause_for_identity and not subject_request.is_verified,
    )


def resend_verification(subject_request, *, actor):
    if subject_request.is_verified or not subject_request.email:
        raise RequestError(_("This request needs no verification link."))
    with transaction.atomic():
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.resend_verification",
            obj=subject_request,
        )
        _send_acknowledgement(subject_request, settings_for(subject_request.organisation))


# Identity ------------------------------------------------------------------------------------


def _address_tag(subject_request):
    # Changing the address on the request voids links sent to the old one.
    return keyed_hash(subject_request.email, "request-address")[:12]


def _person_link(subject_request, salt, url_name, request_settings):
    """(link, last valid day) of a signed link for the person: verification or ID upload."""
    token = signing.dumps({"r": subject_request.pk, "a": _address_tag(subject_request)}, salt=salt)
    path = reverse(url_name, args=[subject_request.organisation.slug, token])
    valid_until = timezone.localdate() + timedelta(days=request_settings.verification_days)
    return absolute_url(path), valid_until


def _read(token, salt, days):
    try:
        return signing.loads(token, salt=salt, max_age=timedelta(days=days))
    except signing.BadSignature:
        return None


def request_from_token(organisation, token, salt):
    """The request a verification or ID-upload link is for, or None if the link is invalid,
    expired, for another organisation or for an address no longer on the request."""
    days = settings_for(organisation).verification_days
    data = _read(token, salt, days)
    if not data:
        return None
    found = SubjectRequest.objects.filter(organisation=organisation, pk=data.get("r")).first()
    if found is None or data.get("a") != _address_tag(found) or found.purged_at:
        return None
    return found


def verify_request(subject_request, *, actor, method, note=""):
    """Record that the person's identity is established and create the tasks.

    Art. 12(2) and (6) GDPR: the link to the given address is the usual way; staff may decide
    otherwise with a reason (a known customer on the phone). Verifying twice changes nothing."""
    if method == Verification.STAFF and not note.strip():
        raise RequestError(_("Say how the identity was established."))
    given = subject_request
    with transaction.atomic():
        subject_request = SubjectRequest.objects.select_for_update().get(pk=given.pk)
        if subject_request.is_verified or not subject_request.is_open:
            return given
        request_settings = settings_for(subject_request.organisation)
        subject_request.verified_at = timezone.now()
        subject_request.verification = method
        subject_request.verification_note = note.strip()[:500]
        subject_request.status = Status.IN_PROGRESS
        subject_request.due_on = _due(subject_request, request_settings)
        subject_request.save()
        tasks = create_tasks(subject_request)
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.verify",
            obj=subject_request,
            new={
                "method": method,
                "note": subject_request.verification_note,
                "due_on": subject_request.due_on,
                "tasks": len(tasks),
            },
        )
        for task in tasks:
            if task.kind == TaskKind.LEDGER:
                _run_ledger_task(task, actor)
    given.refresh_from_db()
    return given


def request_id_copy(subject_request, *, actor, note=""):
    """Ask for a copy of an identity document, explicitly and only when nothing else works."""
    if subject_request.is_verified or not subject_request.email:
        raise RequestError(
            _("An ID copy can only be asked of an unverified request with an e-mail address.")
        )
    request_settings = settings_for(subject_request.organisation)
    with transaction.atomic():
        subject_request.id_requested_at = timezone.now()
        subject_request.save(update_fields=["id_requested_at"])
        record_entry(
            subject_request.organisation, actor=actor, action="request.ask_id", obj=subject_request
        )
        link, valid_until = _person_link(
            subject_request, ID_SALT, "center:request_id_upload", request_settings
        )
        _mail_person(
            subject_request, "id_request", link=link, note=note, link_valid_until=valid_until
        )


def upload_id_copy(subject_request, upload):
    """Keep the person's ID copy, encrypted, until staff have checked it."""
    if subject_request.id_requested_at is None or subject_request.is_verified:
        raise RequestError(_("No identity document was asked for this request."))
    with transaction.atomic():
        RequestFile.objects.filter(request=subject_request, kind=FileKind.ID_COPY).delete()
        _store_file(subject_request, FileKind.ID_COPY, upload, actor_text="data subject")
        record_entry(
            subject_request.organisation,
            actor=None,
            action="request.id_uploaded",
            obj=subject_request,
        )


def check_id_copy(subject_request, *, actor, accepted, note=""):
    """Decide on the ID copy and delete it at once: the audit keeps the fact, not the file."""
    with transaction.atomic():
        deleted, _rows = RequestFile.objects.filter(
            request=subject_request, kind=FileKind.ID_COPY
        ).delete()
        if not deleted:
            raise RequestError(_("There is no ID copy to check."))
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.id_checked",
            obj=subject_request,
            new={"accepted": bool(accepted), "note": note, "file_deleted": True},
        )
        if accepted:
            return verify_request(
                subject_request, actor=actor, method=Verification.ID_DOCUMENT, note=note
            )
    return subject_request


# Deadline and assignment ---------------------------------------------------------------------


def extend_deadline(subject_request, *, actor, reason):
    """Art. 12(3) GDPR: two further months, with reasons, told within the first month."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("An extension needs a reason; the person is told it."))
    today = local_date(subject_request.organisation, timezone.now())
    if not subject_request.can_extend(today):
        raise RequestError(
            _("The deadline can be extended only once, and only within the first month.")
        )
    request_settings = settings_for(subject_request.organisation)
    start = _clock_start(subject_request, request_settings)
    with transaction.atomic():
        subject_request.extended_to = deadline.extended_due_date(start)
        subject_request.extension_reason = reason
        subject_request.save(update_fields=["extended_to", "extension_reason"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.extend",
            obj=subject_request,
            old={"due_on": subject_request.due_on},
            new={"extended_to": subject_request.extended_to, "reason": reason},
        )
        _mail_person(subject_request, "extension", reason=reason)
    return subject_request


def _check_handler(organisation, user):
    if (
        user is not None
        and not Membership.objects.filter(
            organisation=organisation, user=user, role__in=WORKING_ROLES
        ).exists()
    ):
        raise RequestError(_("Only a handler, privacy officer or owner can handle requests."))


def assign_request(subject_request, *, actor, assignee):
    _check_handler(subject_request.organisation, assignee)
    with transaction.atomic():
        old = actor_label(subject_request.assignee) if subject_request.assignee else None
        subject_request.assignee = assignee
        subject_request.save(update_fields=["assignee"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.assign",
            obj=subject_request,
            old={"assignee": old},
            new={"assignee": actor_label(assignee) if assignee else None},
        )


# Tasks ---------------------------------------------------------------------------------------


def concerned_activities(subject_request):
    """Activities in use that concern the person's groups (all of them when no group is
    chosen), in either role; callers leave out those done on behalf of clients."""
    groups = set(subject_request.subject_groups.values_list("pk", flat=True))
    activities = (
        ProcessingActivity.objects.filter(organisation=subject_request.organisation)
        .exclude(status=RegisterStatus.RETIRED)
        .prefetch_related(
            "data_subjects", "data_categories", "systems", "recipients", "retention_rules"
        )
        .order_by("key")
    )
    chosen = []
    for activity in activities:
        own_groups = {term.pk for term in activity.data_subjects.all()}
        if groups and own_groups and not own_groups & groups:
            continue
        chosen.append(activity)
    return chosen


def relevant_systems(subject_request):
    """Systems that may hold the person's data: those of the concerned activities in which
    we are controller, plus systems whose own groups match. Systems used only on behalf of
    clients are left out: those requests are forwarded (Art. 28(3)(e))."""
    groups = set(subject_request.subject_groups.values_list("pk", flat=True))
    activities = concerned_activities(subject_request)
    own = [a for a in activities if a.role != ProcessingActivity.Role.PROCESSOR]
    if subject_request.kind == Kind.PORTABILITY:
        own = [
            a
            for a in own
            if a.legal_basis in PORTABLE_BASES and a.source == ProcessingActivity.Source.DIRECT
        ]
    chosen = {system.pk: system for activity in own for system in activity.systems.all()}
    if subject_request.kind != Kind.PORTABILITY:
        systems = (
            System.objects.filter(organisation=subject_request.organisation)
            .exclude(status=RegisterStatus.RETIRED)
            .prefetch_related("data_subjects", "activities")
        )
        for system in systems:
            if system.pk in chosen:
                continue
            roles = {a.role for a in system.activities.all()}
            if roles and roles <= {ProcessingActivity.Role.PROCESSOR}:
                continue
            own_groups = {t.pk for t in system.data_subjects.all()}
            if not roles and (not groups or not own_groups or own_groups & groups):
                chosen[system.pk] = system
    return sorted(chosen.values(), key=lambda s: s.key)


def recipients(subject_request):
    """Parties the concerned data was disclosed to (Art. 19 GDPR)."""
    parties = {}
    for activity in concerned_activities(subject_request):
        if activity.role == ProcessingActivity.Role.PROCESSOR:
            continue
        for party in activity.recipients.all():
            if party.kind != Party.Kind.CLIENT_CONTROLLER and not party.is_retired:
                parties[party.pk] = party
    return sorted(parties.values(), key=lambda p: p.key)


def _source_of(system):
    from waarborg.sources.models import SqlSource

    source = SqlSource.objects.filter(system=system).first()
    return source if source is not None and not source.has_errors() else None


def create_tasks(subject_request):
    """One task per system that may hold the person's data, one per recipient for changing
    kinds, and the consent-ledger task for a withdrawal or a direct-marketing objection."""
    made = []
    organisation = subject_request.organisation
    for system in relevant_systems(subject_request):
        source = _source_of(system)
        made.append(
            RequestTask(
                organisation=organisation,
                request=subject_request,
                kind=TaskKind.SYSTEM,
                system=system,
                title=translated(system.name, "nl") or system.key,
                automatic=source is not None and subject_request.kind in AUTOMATIC,
                instructions=translated(system.manual_instructions, subject_request.language),
            )
        )
    if subject_request.kind in CHANGING:
        for party in recipients(subject_request):
            made.append(
                RequestTask(
                    organisation=organisation,
                    request=subject_request,
                    kind=TaskKind.NOTIFY,
                    party=party,
                    title=translated(party.name, "nl") or party.key,
                    instructions=party.contact,
                )
            )
    if subject_request.kind == Kind.WITHDRAWAL or (
        subject_request.kind == Kind.OBJECTION and subject_request.direct_marketing
    ):
        made.append(
            RequestTask(
                organisation=organisation,
                request=subject_request,
                kind=TaskKind.LEDGER,
                title="",
                automatic=True,
            )
        )
    return RequestTask.objects.bulk_create(made)


def _person_keys(subject_request):
    from waarborg.consent.actions import ConsentError, person_key

    keys = []
    for value in (subject_request.email, subject_request.phone):
        if value:
            try:
                keys.append(person_key(value))
            except ConsentError:
                continue
    return keys


def _run_ledger_task(task, actor):
    """Art. 21(3) and 7(3) GDPR: the objection or withdrawal takes effect in the ledger at once."""
    from waarborg.consent.actions import object_to_direct_marketing, record_events
    from waarborg.consent.models import Action, ConsentPurpose, ConsentState, Source

    subject_request = task.request
    source = Source.STAFF if actor else Source.EMAIL_LINK
    details = {"request": subject_request.reference}
    done = {}
    for key, kind in _person_keys(subject_request):
        if subject_request.kind == Kind.OBJECTION:
            events = object_to_direct_marketing(
                subject_request.organisation, key, source=source, actor=actor
            )
        else:
            given = ConsentState.objects.filter(
                organisation=subject_request.organisation,
                person_key=key,
                status__in=[ConsentState.Status.GRANTED, ConsentState.Status.PENDING],
            ).values_list("purpose_id", flat=True)
            purposes = ConsentPurpose.objects.filter(pk__in=list(given)).order_by("key")
            events = (
                record_events(
                    [(purpose, Action.WITHDRAWN, None) for purpose in purposes],
                    key,
                    source=source,
                    actor=actor,
                    details=details,
                    kind=kind,
                )
                if purposes
                else []
            )
        done[kind] = sorted({event.purpose.key for event in events})
    _complete_task(task, actor, {"purposes": done}, {"ledger": done})


def _complete_task(task, actor, result, audited):
    """Mark a task done with what it found or did; in the caller's transaction."""
    task.status = TaskStatus.DONE
    task.result = result
    task.error = ""
    task.completed_at = timezone.now()
    task.completed_by = actor_label(actor)
    task.save()
    record_entry(
        task.organisation,
        actor=actor,
        action="request.task_done",
        obj=task.request,
        new={"task": task.pk, **audited},
    )


def _identities(subject_request):
    return {
        "email": subject_request.email,
        "phone_number": subject_request.phone,
        "customer_number": subject_request.customer_number,
    }


def _jsonable_result(result):
    from waarborg.sources.engine import jsonable

    return {
        table: {
            "fields": item["fields"],
            "rows": [[jsonable(value) for value in row] for row in item["rows"]],
        }
        for table, item in result.items()
    }


def run_task(task, *, actor, changes=None):
    """Carry out an automatic task through the system's SQL source and keep its evidence.

    Access and portability keep the rows found (for the package); erasure keeps the evidence,
    and restricts what a legal hold keeps (Art. 17(3)(b) with Art. 18); rectification needs
    `changes` ({"table.column": value}); restriction flags or records the rows."""
    from waarborg.sources import actions as source_actions
    from waarborg.sources.annotation import AnnotationError
    from waarborg.sources.engine import SourceError

    subject_request = task.request
    if not task.automatic or task.system is None:
        raise RequestError(_("This task has no database connection; do it by hand."))
    if not subject_request.is_open:
        raise RequestError(_("This request is no longer open."))
    source = _source_of(task.system)
    if source is None:
        raise RequestError(_("The system's database connection is missing or has errors."))
    identities = _identities(subject_request)
    reason = subject_request.reference
    kind = subject_request.kind
    try:
        if kind in (Kind.ACCESS, Kind.PORTABILITY):
            found = source_actions.find_person(source, identities, actor=actor, reason=reason)
            result = {"found": _jsonable_result(found)}
        elif kind == Kind.ERASURE:
            # restrict what a legal hold keeps first: once the identifiers are erased, the
            # walk can no longer reach those rows
            held = [name for name, spec in source.dataset().collections.items() if spec.legal_hold]
            restricted = {}
            if held:
                restricted = source_actions.restrict_person(
                    source, identities, actor=actor, reason=reason, only=held
                )
            evidence = source_actions.erase_person(source, identities, actor=actor, reason=reason)
            result = {"evidence": evidence, "restricted": _summary(restricted)}
        elif kind == Kind.RECTIFICATION:
            if not changes:
                raise RequestError(_("Say which columns get which corrected values."))
            result = {
                "evidence": source_actions.rectify_person(
                    source, identities, changes, actor=actor, reason=reason
                )
            }
        elif kind == Kind.RESTRICTION:
            evidence = source_actions.restrict_person(
                source, identities, actor=actor, reason=reason
            )
            result = {"evidence": _summary(evidence)}
        else:
            raise RequestError(_("This kind of request has no automatic step."))
    except (SourceError, AnnotationError) as error:
        with transaction.atomic():
            task.status = TaskStatus.FAILED
            task.error = str(error)
            task.save(update_fields=["status", "error"])
            record_entry(
                subject_request.organisation,
                actor=actor,
                action="request.task_failed",
                obj=subject_request,
                new={"task": task.pk, "error": str(error)},
            )
        raise RequestError(str(error)) from error
    with transaction.atomic():
        _complete_task(task, actor, result, {"system": task.system.key, "automatic": True})
    return task


def _summary(evidence):
    return {c: {"action": e["action"], "rows": e["rows"]} for c, e in evidence.items()}


def update_task(
    task, *, actor, status=None, notes=None, assignee=None, upload=None, clear_assignee=False
):
    """Change a task's status, notes or handler, or add a result file (encrypted)."""
    if not task.request.is_open:
        raise RequestError(_("This request is no longer open."))
    if status is not None and status not in TaskStatus.values:
        raise RequestError(_("Unknown status: %s") % status)
    _check_handler(task.organisation, assignee)
    old = {"status": task.status, "assignee": task.assignee_id}
    with transaction.atomic():
        if upload is not None:
            _store_file(
                task.request, FileKind.RESULT, upload, actor_text=actor_label(actor), task=task
            )
        if status is not None and status != task.status:
            task.status = status
            done = status in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
            task.completed_at = timezone.now() if done else None
            task.completed_by = actor_label(actor) if done else ""
        if notes is not None:
            task.notes = notes
        if assignee is not None or clear_assignee:
            task.assignee = assignee
        task.save()
        record_entry(
            task.organisation,
            actor=actor,
            action="request.task_update",
            obj=task.request,
            old=old,
            new={
                "task": task.pk,
                "status": task.status,
                "assignee": task.assignee_id,
                "file": upload.name if upload is not None else None,
            },
        )
    return task


def notify_recipient(task, *, actor, note=""):
    """Send the Art. 19 letter to the recipient's e-mail address (if its contact is one) and
    mark the task done; otherwise the letter is shown for sending by post."""
    subject_request = task.request
    if task.kind != TaskKind.NOTIFY or task.party is None:
        raise RequestError(_("This task is not a notice to a recipient."))
    address = _email_in(task.party.contact)
    if not address:
        raise RequestError(
            _("The party has no e-mail address in its contact details: send the letter by post.")
        )
    context = _recipient_context(task, note)
    language = _party_language(task.party)
    with transaction.atomic():
        update_task(task, actor=actor, status=TaskStatus.DONE)
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.recipient_notified",
            obj=subject_request,
            new={"party": task.party.key},
        )
        transaction.on_commit(
            lambda: letters.send(
                subject_request.organisation, "recipient_notice", language, context, to=address
            )
        )


def _party_language(party):
    """Letters to a party go in Dutch to Dutch parties, in English to the others."""
    return "nl" if party is not None and party.country == "NL" else "en"


def _recipient_context(task, note=""):
    subject_request = task.request
    language = _party_language(task.party)
    words = {
        "nl": {
            Kind.RECTIFICATION: ("rectificatie", "gerectificeerd"),
            Kind.ERASURE: ("wissing", "gewist"),
            Kind.RESTRICTION: ("beperking van de verwerking", "afgeschermd"),
        },
        "en": {
            Kind.RECTIFICATION: ("rectification", "rectified"),
            Kind.ERASURE: ("erasure", "erased"),
            Kind.RESTRICTION: ("restriction of processing", "restricted"),
        },
    }[language]
    action, done = words.get(subject_request.kind, ("", ""))
    return _context(subject_request, action=action, done=done, note=note)


def recipient_letter(task):
    return letters.render(
        task.organisation, "recipient_notice", _party_language(task.party), _recipient_context(task)
    )


def _email_in(text):
    for word in (text or "").replace(",", " ").replace(";", " ").split():
        word = word.strip("<>()")
        if "@" in word:
            try:
                validate_email(word)
            except ValidationError:
                continue
            return word
    return ""


def forward_to_controller(subject_request, *, actor, party, note=""):
    """We are processor for the data concerned: send the request to the client-controller
    (Art. 28(3)(e) GDPR) and tell the person so."""
    if party.organisation_id != subject_request.organisation_id or party.kind not in (
        Party.Kind.CLIENT_CONTROLLER,
        Party.Kind.JOINT_CONTROLLER,
    ):
        raise RequestError(_("Choose a client (controller) of the register."))
    controller = translated(party.name, subject_request.language)
    address = _email_in(party.contact)
    context = _context(
        subject_request, controller=controller, controller_contact=party.contact, note=note
    )
    with transaction.atomic():
        task = RequestTask.objects.create(
            organisation=subject_request.organisation,
            request=subject_request,
            kind=TaskKind.FORWARD,
            party=party,
            title=translated(party.name, "nl") or party.key,
            instructions=party.contact,
            status=TaskStatus.DONE if address else TaskStatus.OPEN,
            completed_at=timezone.now() if address else None,
            completed_by=actor_label(actor) if address else "",
            notes=note,
        )
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.forward",
            obj=subject_request,
            new={"party": party.key, "sent_to": address or None},
        )
        if address:
            transaction.on_commit(
                lambda: letters.send(
                    subject_request.organisation,
                    "controller_forward",
                    _party_language(party),
                    context,
                    to=address,
                )
            )
        _mail_person(
            subject_request, "forwarded", controller=controller, controller_contact=party.contact
        )
    return task


def controller_letter(task):
    subject_request = task.request
    controller = translated(task.party.name, subject_request.language)
    return letters.render(
        task.organisation,
        "controller_forward",
        _party_language(task.party),
        _context(subject_request, controller=controller, note=task.notes),
    )


# The answer ----------------------------------------------------------------------------------


def download_link(package):
    token = signing.dumps({"f": package.pk}, salt=DOWNLOAD_SALT)
    return absolute_url(reverse("center:request_download", args=[package.organisation.slug, token]))


def package_from_token(organisation, token):
    """The request whose package a download link is for, or None when invalid or expired."""
    try:
        data = signing.loads(token, salt=DOWNLOAD_SALT)
    except signing.BadSignature:
        return None
    package = RequestFile.objects.filter(
        organisation=organisation, pk=data.get("f"), kind=FileKind.PACKAGE
    ).first()
    if package is None or package.is_expired():
        return None
    return package


def build_package(subject_request, *, actor):
    """Make the answer package of an access or portability request (see package.py) and keep
    it encrypted until it expires. A new package replaces an earlier one."""
    from waarborg.requests import package

    if subject_request.kind not in (Kind.ACCESS, Kind.PORTABILITY):
        raise RequestError(_("Only access and portability requests have a package."))
    content = package.build(subject_request)
    days = settings_for(subject_request.organisation).package_days
    with transaction.atomic():
        RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).delete()
        stored = _store_file(
            subject_request,
            FileKind.PACKAGE,
            content,
            actor_text=actor_label(actor),
            name=f"{subject_request.reference}.zip",
            content_type="application/zip",
            expires_at=timezone.now() + timedelta(days=days),
        )
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.package",
            obj=subject_request,
            new={"size": stored.size, "expires_at": stored.expires_at},
        )
    return stored


def open_file(stored, *, actor):
    """A request's file decrypted for staff; every opening is audited."""
    with transaction.atomic():
        record_entry(
            stored.organisation,
            actor=actor,
            action="request.file_open",
            obj=stored.request,
            new={"file": stored.name, "kind": stored.kind},
        )
    return stored.content()


def record_download(package, *, ip=""):
    with transaction.atomic():
        RequestFile.objects.filter(pk=package.pk).update(downloads=F("downloads") + 1)
        record_entry(
            package.organisation,
            actor=None,
            action="request.download",
            obj=package.request,
            new={"file": package.name, "ip": ip},
        )


def open_tasks(subject_request):
    return [task for task in subject_request.tasks.all() if task.is_open]


def held_data(subject_request):
    """What erasure kept because of a legal duty, with the reasons (for the answer): legal
    holds met in connected databases, and the statutory minimum periods of the other systems
    (Art. 17(3)(b) GDPR)."""
    from waarborg.register.models import RetentionRule

    if subject_request.kind != Kind.ERASURE:
        return []
    held = []
    language = subject_request.language
    tasks = subject_request.tasks.filter(kind=TaskKind.SYSTEM).select_related("system")
    for task in tasks:
        name = translated(task.system.name, language) if task.system else task.title
        if not task.automatic and task.status == TaskStatus.DONE and task.system is not None:
            rules = task.system.retention_rules.filter(bound=RetentionRule.Bound.MINIMUM)
            for rule in rules.order_by("key"):
                reason = translated(rule.name, language)
                if rule.legal_source:
                    reason = f"{reason} ({rule.legal_source})"
                held.append({"data": name, "reason": reason})
        for table, entry in (task.result.get("evidence") or {}).items():
            if entry.get("action") == "held":
                held.append({"data": f"{name}: {table}", "reason": entry.get("reason", "")})
            for field, reason in (entry.get("held_fields") or {}).items():
                held.append({"data": f"{name}: {table}.{field}", "reason": reason})
    return held


def _answer_context(subject_request, note, partly):
    done_tasks = [t for t in subject_request.tasks.all() if t.status == TaskStatus.DONE]
    language = subject_request.language

    def named(task):
        item = task.system or task.party
        return translated(item.name, language) if item else task.title

    context = {
        "note": note,
        "routes": _routes(subject_request) if partly else "",
        "systems": [named(t) for t in done_tasks if t.kind == TaskKind.SYSTEM],
        "recipients": [named(t) for t in done_tasks if t.kind == TaskKind.NOTIFY],
        "direct_marketing": subject_request.direct_marketing,
        "held": held_data(subject_request),
        "purposes": sorted(
            {
                key
                for t in done_tasks
                if t.kind == TaskKind.LEDGER
                for keys in (t.result.get("purposes") or {}).values()
                for key in keys
            }
        ),
    }
    return context


def _routes(subject_request):
    """The complaint and court routes (Art. 12(4)): a heading and its paragraph."""
    heading, text = letters.render(
        subject_request.organisation, "routes", subject_request.language, _context(subject_request)
    )
    return f"{heading}\n{text}"


def send_answer(subject_request, *, actor, note="", partly=False):
    """Answer the request (Art. 12(3), 15-21 GDPR): every task must be done or not applicable;
    access and portability get their package by an expiring link to the verified address."""
    if not subject_request.is_open:
        raise RequestError(_("This request is no longer open."))
    if not subject_request.is_verified:
        raise RequestError(
            _("The identity is not established; establish it, or refuse the request.")
        )
    if open_tasks(subject_request):
        raise RequestError(_("Some tasks are still open; finish them or mark them not applicable."))
    package = None
    if subject_request.kind in (Kind.ACCESS, Kind.PORTABILITY):
        package = RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).first()
        if package is None or package.is_expired():
            package = build_package(subject_request, actor=actor)
    context = _answer_context(subject_request, note, partly)
    if package is not None:
        context["link"] = download_link(package)
        context["link_valid_until"] = local_date(subject_request.organisation, package.expires_at)
    with transaction.atomic():
        subject_request.status = Status.ANSWERED
        subject_request.outcome = Outcome.PARTLY if partly else Outcome.GRANTED
        subject_request.answer_note = note
        subject_request.answered_at = timezone.now()
        subject_request.save()
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.answer",
            obj=subject_request,
            new={"outcome": subject_request.outcome, "held": len(context["held"])},
        )
        _mail_person(subject_request, f"answer_{subject_request.kind}", **context)
    return subject_request


def refuse_request(subject_request, *, actor, ground, reasons, partly=False):
    """Refuse in whole or in part, with reasons and the complaint and court routes (Art. 12(4))."""
    if not subject_request.is_open:
        raise RequestError(_("This request is no longer open."))
    if ground not in RefusalGround.values:
        raise RequestError(_("Choose the ground for the refusal."))
    reasons = (reasons or "").strip()
    if not reasons:
        raise RequestError(_("A refusal needs its reasons; the person is told them."))
    with translation.override(subject_request.language):
        ground_label = str(RefusalGround(ground).label)
    with transaction.atomic():
        subject_request.status = Status.ANSWERED
        subject_request.outcome = Outcome.PARTLY if partly else Outcome.REFUSED
        subject_request.refusal_ground = ground
        subject_request.answer_note = reasons
        subject_request.answered_at = timezone.now()
        subject_request.save()
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.refuse",
            obj=subject_request,
            new={"ground": ground, "partly": partly, "reasons": reasons},
        )
        _mail_person(
            subject_request,
            "refusal",
            ground=ground_label,
            reasons=reasons,
            partly=partly,
            routes=_routes(subject_request),
        )
    return subject_request


def close_request(subject_request, *, actor):
    """Close the request, keeping a minimal record (Art. 5(1)(c), (e) GDPR).

    After an erasure the identity is replaced by a keyed hash; ID copies go at once, other
    files when the organisation's purge period after closure ends."""
    if subject_request.status == Status.CLOSED:
        return subject_request
    if subject_request.status != Status.ANSWERED:
        raise RequestError(_("Answer or refuse the request before closing it."))
    with transaction.atomic():
        subject_request.status = Status.CLOSED
        subject_request.closed_at = timezone.now()
        fields = ["status", "closed_at"]
        if subject_request.kind == Kind.ERASURE:
            subject_request.identity_hash = keyed_hash(
                f"{subject_request.email}|{subject_request.phone}|{subject_request.name}",
                "request-identity",
            )
            subject_request.name = _("(erased)")
            subject_request.email = subject_request.phone = ""
            subject_request.customer_number = subject_request.description = ""
            subject_request.answer_note = ""
            fields += [
                "identity_hash",
                "name",
                "email",
                "phone",
                "customer_number",
                "description",
                "answer_note",
            ]
            subject_request.tasks.update(notes="")
        subject_request.save(update_fields=fields)
        RequestFile.objects.filter(request=subject_request, kind=FileKind.ID_COPY).delete()
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.close",
            obj=subject_request,
            new={
                "outcome": subject_request.outcome,
                "identity_hashed": bool(subject_request.identity_hash),
            },
        )
    return subject_request


# Periodic work -------------------------------------------------------------------------------


def purge_files(now=None):
    """Delete expired packages, and every file of requests closed longer ago than the
    organisation's purge period. Idempotent; the audit records what went."""
    now = now or timezone.now()
    deleted = 0
    for organisation in Organisation.objects.order_by("pk"):
        cutoff = now - timedelta(days=settings_for(organisation).purge_days)
        expired = RequestFile.objects.filter(
            organisation=organisation, kind=FileKind.PACKAGE, expires_at__lte=now
        )
        closed = RequestFile.objects.filter(
            organisation=organisation, request__closed_at__lte=cutoff
        )
        ids = set(expired.values_list("pk", flat=True)) | set(closed.values_list("pk", flat=True))
        if not ids:
            continue
        with transaction.atomic():
            count, _rows = RequestFile.objects.filter(pk__in=ids).delete()
            SubjectRequest.objects.filter(
                organisation=organisation, closed_at__lte=cutoff, purged_at__isnull=True
            ).update(purged_at=now)
            record_entry(
                organisation, actor=None, action="request.purge_files", new={"files": count}
            )
        deleted += count
    return deleted


def attention(organisation, today=None):
    """Open requests that are overdue or due within 7 days, most urgent first."""
    today = today or local_date(organisation, timezone.now())
    found = []
    for subject_request in SubjectRequest.objects.filter(
        organisation=organisation, status__in=OPEN_STATUSES
    ).select_related("assignee"):
        if subject_request.urgency(today):
            found.append(subject_request)
    return sorted(found, key=lambda r: r.deadline)


def send_reminders(today=None):
    """The daily reminder (one mail per person per organisation): to each request's handler
    and to the privacy officers (owners where there is none)."""
    sent = 0
    for organisation in Organisation.objects.order_by("pk"):
        day = today or local_date(organisation, timezone.now())
        urgent = attention(organisation, day)
        if not urgent:
            continue
        with transaction.atomic():
            request_settings = settings_for(organisation)
            if request_settings.reminded_on == day:
                continue
            request_settings.reminded_on = day
            request_settings.save()
        officers = list(
            Membership.objects.filter(
                organisation=organisation, role=Role.PRIVACY_OFFICER
            ).select_related("user")
        ) or list(
            Membership.objects.filter(organisation=organisation, role=Role.OWNER).select_related(
                "user"
            )
        )
        per_person = {m.user: list(urgent) for m in officers}
        for subject_request in urgent:
            if subject_request.assignee and subject_request.assignee not in per_person:
                per_person.setdefault(subject_request.assignee, []).append(subject_request)
        for user, items in per_person.items():
            language = organisation.default_language
            context = {
                "items": [
                    {
                        "reference": r.reference,
                        "kind": _kind_label(r.kind, language),
                        "deadline": r.deadline,
                        "overdue": r.deadline < day,
                        "assignee": str(r.assignee) if r.assignee else "",
                        "link": absolute_url(reverse("requests:detail", args=[r.pk])),
                    }
                    for r in items
                ]
            }
            letters.send(organisation, "reminder", language, context, to=user.email)
            sent += 1
    return sent


def save_letter(organisation, *, actor, key, language, subject, body):
    """Keep an organisation's own wording of a letter; empty text restores the shipped one."""
    if key not in letters.LETTERS or language not in ("nl", "en"):
        raise RequestError(_("Unknown letter."))
    with transaction.atomic():
        if not (subject or "").strip() and not (body or "").strip():
            LetterTemplate.objects.filter(
                organisation=organisation, key=key, language=language
            ).delete()
            record_entry(
                organisation,
                actor=actor,
                action="request.letter_reset",
                new={"letter": key, "language": language},
            )
            return None
        for text in (subject, body):
            try:
                letters.check_template(text)
            except letters.LetterError as error:
                raise RequestError(_("The text is not a valid template: %s") % error) from error
        letter, _created = LetterTemplate.objects.update_or_create(
            organisation=organisation,
            key=key,
            language=language,
            defaults={"subject": subject.strip(), "body": body},
        )
        record_entry(
            organisation,
            actor=actor,
            action="request.letter_save",
            new={"letter": key, "language": language},
        )
    return letter


def save_settings(organisation, *, actor, **values):
    with transaction.atomic():
        current = settings_for(organisation)
        old = {name: getattr(current, name) for name in values}
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        record_entry(organisation, actor=actor, action="request.settings", old=old, new=values)
    return current
