"""The work of a request: one task per system and per recipient, automatic ones through the
system's SQL source, forwarding to a client-controller."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import actor_label, record_entry
from waarborg.core.fields import translated
from waarborg.register.models import Party, ProcessingActivity, System
from waarborg.register.models import Status as RegisterStatus
from waarborg.requests import letters, statements
from waarborg.requests.actions.common import (
    AUTOMATIC,
    CHANGING,
    PORTABLE_BASES,
    RequestError,
    _check_handler,
    _context,
    _email_in,
    _mail_person,
    _party_language,
    lasting_result,
)
from waarborg.requests.actions.document_erasure import check_erasure_settled
from waarborg.requests.actions.documents import check_documents_reviewed
from waarborg.requests.actions.files import _store_file
from waarborg.requests.actions.identifiers import identities_for_task, verified_identities
from waarborg.requests.actions.outcomes import automatic_outcome, check_outcome
from waarborg.requests.models import (
    OBJECTABLE_BASES,
    TASK_NOTES,
    FileKind,
    Kind,
    RequestTask,
    TaskKind,
    TaskOutcome,
    TaskStatus,
)


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
    if subject_request.kind == Kind.OBJECTION:
        # only the processing objected to: the activities named, else those on Art. 6(1)(e)
        # or (f) (a direct-marketing objection is carried out in the consent ledger)
        named = set(subject_request.activities.values_list("pk", flat=True))
        if named:
            chosen = [a for a in chosen if a.pk in named]
        elif subject_request.direct_marketing:
            # Art. 21(2)-(3): every activity the register marks as direct marketing
            chosen = [a for a in chosen if a.direct_marketing]
        else:
            chosen = [a for a in chosen if a.legal_basis in OBJECTABLE_BASES]
    return chosen


def marketing_activities(subject_request):
    """The activities concerned by an objection that the register marks as direct marketing:
    an objection to them is never refused and takes effect at once (Art. 21(2)-(3))."""
    if subject_request.kind != Kind.OBJECTION:
        return []
    return [a for a in concerned_activities(subject_request) if a.direct_marketing]


def _marketing_systems(subject_request):
    return {s.pk for a in marketing_activities(subject_request) for s in a.systems.all()}


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
    # systems outside every activity only when no group was chosen: a rectification of a
    # phone number of one group makes tasks for that group's systems, not for all of them
    if subject_request.kind not in (Kind.PORTABILITY, Kind.OBJECTION) and not groups:
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
    marketing = _marketing_systems(subject_request)
    for system in relevant_systems(subject_request):
        source = _source_of(system)
        # stored in the request's language for the record; each staff member reads the
        # task in their own (RequestTask.shown_instructions, from the codes in "notes")
        notes = ["marketing_stop"] if system.pk in marketing else []
        with translation.override(subject_request.language):
            instructions = "\n".join(
                [str(TASK_NOTES[code]) for code in notes]
                + [translated(system.manual_instructions, subject_request.language)]
            ).strip()
        made.append(
            RequestTask(
                organisation=organisation,
                request=subject_request,
                kind=TaskKind.SYSTEM,
                system=system,
                title=translated(system.name, "nl") or system.key,
                automatic=source is not None and subject_request.kind in AUTOMATIC,
                instructions=instructions,
                result={"notes": notes},
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
    verified = verified_identities(subject_request)
    for value in (verified.get("email"), verified.get("phone_number")):
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
    """Mark a task done with what it found or did and the outcome that follows from it; in the
    caller's transaction."""
    outcome, reason = automatic_outcome(task.request.kind, result)
    task.status = TaskStatus.DONE
    task.outcome = outcome
    task.outcome_reason = reason
    task.result = {**result, **lasting_result(task)}
    task.error = ""
    task.completed_at = timezone.now()
    task.completed_by = actor_label(actor)
    task.save()
    record_entry(
        task.organisation,
        actor=actor,
        action="request.task_done",
        obj=task.request,
        new={"task": task.pk, "outcome": outcome, **audited},
    )


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
    from waarborg.sources.holds import holds_for

    subject_request = task.request
    if not task.automatic or task.system is None:
        raise RequestError(_("This task has no database connection; do it by hand."))
    if not subject_request.is_open:
        raise RequestError(_("This request is no longer open."))
    source = _source_of(task.system)
    if source is None:
        raise RequestError(_("The system's database connection is missing or has errors."))
    # before the database is touched: an erasure is not half done when this refuses
    check_documents_reviewed(task)
    reason = subject_request.reference
    kind = subject_request.kind
    try:
        identities, check = identities_for_task(task, source, actor=actor)
        if kind in (Kind.ACCESS, Kind.PORTABILITY):
            found = source_actions.find_person(source, identities, actor=actor, reason=reason)
            result = {"found": _jsonable_result(found)}
        elif kind == Kind.ERASURE:
            # restrict what a legal hold keeps first: once the identifiers are erased, the
            # walk can no longer reach those rows
            # (a statutory minimum by date holds rows too: src/waarborg/sources/holds.py)
            dataset = source.dataset()
            dated = holds_for(subject_request.organisation, dataset)
            held = [
                name
                for name, spec in dataset.collections.items()
                if spec.legal_hold or name in dated
            ]
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
                ),
                # the corrected values, for the recipients' Art. 19 letters
                "changes": {str(k): str(v) for k, v in changes.items()},
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
    if check is not None:
        result["claimed"] = check
    with transaction.atomic():
        _complete_task(task, actor, result, {"system": task.system.key, "automatic": True})
    return task


def _summary(evidence):
    return {c: {"action": e["action"], "rows": e["rows"]} for c, e in evidence.items()}


def update_task(
    task,
    *,
    actor,
    status=None,
    outcome=None,
    reason=None,
    notes=None,
    for_person=None,
    assignee=None,
    upload=None,
    clear_assignee=False,
):
    """Resolve a task with its outcome (and the reason where one is needed), reopen it, or
    change its notes or handler, or add a result file (encrypted). A status alone maps to an
    outcome: done keeps the outcome found (else done), not applicable needs its reason."""
    if not task.request.is_open:
        raise RequestError(_("This request is no longer open."))
    if status is not None and status not in TaskStatus.values:
        raise RequestError(_("Unknown status: %s") % status)
    if status == TaskStatus.WAIVED:
        raise RequestError(_("A privacy officer waives a task, with the reason."))
    _check_handler(task.organisation, assignee)
    if outcome is None and status is not None and status != task.status:
        outcome = {
            TaskStatus.DONE: task.outcome or TaskOutcome.DONE,
            TaskStatus.NOT_APPLICABLE: TaskOutcome.NOT_APPLICABLE,
        }.get(status, "")
    reason_text = (task.outcome_reason if reason is None else reason or "").strip()
    if outcome:
        check_outcome(outcome, reason_text)
    if outcome and outcome != TaskOutcome.NOT_APPLICABLE:
        check_documents_reviewed(task)
    elif outcome:
        # the person's items found are not "not applicable": they go or are kept (Art. 17)
        check_erasure_settled(task)
    old = {"status": task.status, "outcome": task.outcome, "assignee": task.assignee_id}
    with transaction.atomic():
        if upload is not None:
            _store_file(
                task.request, FileKind.RESULT, upload, actor_text=actor_label(actor), task=task
            )
        if outcome is not None:
            new_status = (
                TaskStatus.OPEN
                if not outcome
                else TaskStatus.NOT_APPLICABLE
                if outcome == TaskOutcome.NOT_APPLICABLE
                else TaskStatus.DONE
            )
            task.outcome = outcome
            task.outcome_reason = reason_text if outcome else ""
            if new_status != task.status:
                task.status = new_status
                done = new_status != TaskStatus.OPEN
                task.completed_at = timezone.now() if done else None
                task.completed_by = actor_label(actor) if done else ""
        if notes is not None:
            task.notes = notes
        if for_person is not None:
            task.notes_for_person = bool(for_person)
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
                "outcome": task.outcome,
                "reason": task.outcome_reason,
                "assignee": task.assignee_id,
                "file": upload.name if upload is not None else None,
            },
        )
    return task


def notify_recipient(task, *, actor, note=""):
    """Tell a recipient of the data (Art. 19 GDPR) and keep the letter as written: by e-mail
    when the party's contact details hold an address (the task is then done); otherwise as a
    letter for the post (a PDF with the party's address in the window), and the task is done
    only when staff confirm the day it was posted. Nothing says told before that."""
    subject_request = task.request
    if task.kind != TaskKind.NOTIFY or task.party is None:
        raise RequestError(_("This task is not a notice to a recipient."))
    if not subject_request.is_open:
        raise RequestError(_("This request is no longer open."))
    if not task.is_open:
        raise RequestError(_("This recipient is already told."))
    from waarborg.requests.actions.common import local_date
    from waarborg.requests.models import LetterChannel, RequestLetter
    from waarborg.requests.post import party_address_lines

    if not _changed_tasks(subject_request):
        raise RequestError(
            _(
                "Nothing is corrected, erased or restricted in a system yet: the letter would "
                "say what did not happen. Finish a system's task first, or mark this one not "
                "applicable with the reason."
            )
        )
    organisation = subject_request.organisation
    address = _email_in(task.party.contact)
    if not address:
        if task.letters.filter(channel=LetterChannel.POST, sent_on__isnull=True).exists():
            raise RequestError(
                _("The letter for the post is written: print it and confirm the day it was posted.")
            )
        if len(party_address_lines(task.party)) < 2:
            raise RequestError(
                _(
                    "The party has neither an e-mail address nor a postal address in its contact "
                    "details: add one in the register first."
                )
            )
    language = _party_language(task.party)
    subject, body = letters.render(
        organisation, "recipient_notice", language, _recipient_context(task, note)
    )
    with transaction.atomic():
        letter = RequestLetter.objects.create(
            organisation=organisation,
            request=subject_request,
            task=task,
            key="recipient_notice",
            channel=LetterChannel.EMAIL if address else LetterChannel.POST,
            subject=subject[:300],
            body=body,
            sent_on=local_date(organisation, timezone.now()) if address else None,
            sent_by="e-mail" if address else "",
        )
        if address:
            update_task(task, actor=actor, status=TaskStatus.DONE)
            record_entry(
                organisation,
                actor=actor,
                action="request.recipient_notified",
                obj=subject_request,
                new={"party": task.party.key, "by": "e-mail"},
            )
            transaction.on_commit(lambda: letters.deliver(organisation, subject, body, to=address))
        else:
            record_entry(
                organisation,
                actor=actor,
                action="request.recipient_letter_written",
                obj=subject_request,
                new={"party": task.party.key, "letter": letter.pk},
            )
    return letter


def party_letter_posted(letter, *, actor):
    """A letter to a party went into the post (in the caller's transaction, after the day was
    recorded): an Art. 19 notice task is then done; a forward is done and only now is the
    person told that the request went to the controller."""
    task = letter.task
    if task is None or task.party is None or not task.is_open or not task.request.is_open:
        return
    if task.kind not in (TaskKind.NOTIFY, TaskKind.FORWARD):
        return
    if task.kind == TaskKind.NOTIFY:
        update_task(task, actor=actor, status=TaskStatus.DONE)
    else:
        task.status = TaskStatus.DONE
        task.completed_at = timezone.now()
        task.completed_by = actor_label(actor)
        task.save(update_fields=["status", "completed_at", "completed_by"])
    record_entry(
        task.organisation,
        actor=actor,
        action="request.recipient_notified"
        if task.kind == TaskKind.NOTIFY
        else "request.forwarded",
        obj=task.request,
        new={"party": task.party.key, "by": "post"},
    )
    if task.kind == TaskKind.FORWARD:
        _tell_forwarded(task)


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
    changed = _changed_tasks(subject_request)
    return _context(
        subject_request,
        action=action,
        done=done,
        note=note,
        systems=[statements.task_name(t, language) for t in changed],
        corrected=[
            f"{column}: {value}"
            for t in changed
            for column, value in sorted((t.result.get("changes") or {}).items())
        ],
    )


def _changed_tasks(subject_request):
    """The system tasks in which the data was in fact corrected, erased or restricted: an
    Art. 19 letter names these and only these."""
    return [
        task
        for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM).select_related("system")
        if task.status == TaskStatus.DONE
        and task.outcome in (TaskOutcome.DONE, TaskOutcome.RESTRICTED)
    ]


def recipient_letter(task):
    return letters.render(
        task.organisation, "recipient_notice", _party_language(task.party), _recipient_context(task)
    )


def forward_to_controller(subject_request, *, actor, party, note=""):
    """We are processor for the data concerned: send the request to the client-controller
    (Art. 28(3)(e) GDPR) and tell the person so. Without an e-mail address in the party's
    contact details the letter is a PDF for the post, and the person is told only once staff
    confirm the day it was posted: never "forwarded" before it was."""
    from waarborg.requests.actions.common import local_date
    from waarborg.requests.models import LetterChannel, RequestLetter
    from waarborg.requests.post import party_address_lines

    if party.organisation_id != subject_request.organisation_id or party.kind not in (
        Party.Kind.CLIENT_CONTROLLER,
        Party.Kind.JOINT_CONTROLLER,
    ):
        raise RequestError(_("Choose a client (controller) of the register."))
    address = _email_in(party.contact)
    if not address and len(party_address_lines(party)) < 2:
        raise RequestError(
            _(
                "The party has neither an e-mail address nor a postal address in its contact "
                "details: add one in the register first."
            )
        )
    organisation = subject_request.organisation
    controller = translated(party.name, subject_request.language)
    context = _context(
        subject_request, controller=controller, controller_contact=party.contact, note=note
    )
    subject, body = letters.render(
        organisation, "controller_forward", _party_language(party), context
    )
    with transaction.atomic():
        task = RequestTask.objects.create(
            organisation=organisation,
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
        RequestLetter.objects.create(
            organisation=organisation,
            request=subject_request,
            task=task,
            key="controller_forward",
            channel=LetterChannel.EMAIL if address else LetterChannel.POST,
            subject=subject[:300],
            body=body,
            sent_on=local_date(organisation, timezone.now()) if address else None,
            sent_by="e-mail" if address else "",
        )
        record_entry(
            organisation,
            actor=actor,
            action="request.forward",
            obj=subject_request,
            new={
                "party": party.key,
                "sent_to": address or None,
                "by": "e-mail" if address else "post",
            },
        )
        if address:
            transaction.on_commit(lambda: letters.deliver(organisation, subject, body, to=address))
            _tell_forwarded(task)
    return task


def _tell_forwarded(task):
    subject_request = task.request
    _mail_person(
        subject_request,
        "forwarded",
        controller=translated(task.party.name, subject_request.language),
        controller_contact=task.party.contact,
    )


def controller_letter(task):
    subject_request = task.request
    controller = translated(task.party.name, subject_request.language)
    return letters.render(
        task.organisation,
        "controller_forward",
        _party_language(task.party),
        _context(subject_request, controller=controller, note=task.notes),
    )


def open_tasks(subject_request):
    return [task for task in subject_request.tasks.all() if task.is_open]
