"""The rights in full: lifting a restriction (Art. 18(3): the person is told first), an
objection restricting the processing concerned at once (Art. 18(1)(d)) and its refusal grounds
(Art. 21(1); a direct-marketing objection is never refused, Art. 21(2)-(3)), and direct
transmission of portable data to the controller the person names (Art. 20(2))."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.requests import letters, statements
from waarborg.requests.actions.common import RequestError, _context, _mail_person
from waarborg.requests.models import (
    OBJECTION_GROUNDS,
    TASK_NOTES,
    Kind,
    Outcome,
    RestrictionGround,
    TaskKind,
    TaskOutcome,
    TaskStatus,
)


def _restricted(task):
    request_kind = task.request.kind
    if task.kind != TaskKind.SYSTEM:
        return False
    if task.result.get("pending_restriction"):
        return _objection_refused_for(task)
    return task.status == TaskStatus.DONE and (
        task.outcome == TaskOutcome.RESTRICTED
        or (request_kind == Kind.RESTRICTION and task.outcome == TaskOutcome.DONE)
    )


def _objection_refused_for(task):
    """A restriction pending an objection is offered for lifting only once the objection is
    decided against the person for this system: refused, or partly granted without this
    system's processing stopped. An upheld objection stops the processing for good; while
    the decision is pending the restriction stays."""
    subject_request = task.request
    if subject_request.is_open or task.is_open:
        return False
    if subject_request.outcome == Outcome.REFUSED:
        return True
    return subject_request.outcome == Outcome.PARTLY and task.outcome != TaskOutcome.DONE


def liftable(subject_request):
    """System tasks whose restriction is in force (not lifted)."""
    return [
        task
        for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM).select_related("system")
        if _restricted(task) and task.lifted_at is None
    ]


def announce_lifting(task, *, actor):
    """Tell the person that the restriction in this system will be lifted (Art. 18(3)), by
    e-mail or by a letter to post; lifting is possible only after this."""
    subject_request = task.request
    if subject_request.purged_at or not subject_request.name or subject_request.identity_hash:
        raise RequestError(_("The person can no longer be told: the request keeps no identity."))
    if not _restricted(task) or task.lifted_at:
        raise RequestError(_("This task has no restriction in force."))
    with transaction.atomic():
        task.lift_announced_at = timezone.now()
        task.save(update_fields=["lift_announced_at"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.restriction_lift_announced",
            obj=subject_request,
            new={"task": task.pk, "system": task.system.key if task.system else task.title},
        )
        with translation.override(subject_request.language):
            ground = str(subject_request.get_restriction_ground_display())
        _mail_person(
            subject_request,
            "restriction_lifting",
            systems=[statements.task_name(task, subject_request.language)],
            restriction_ground=ground if subject_request.restriction_ground else "",
        )
    return task


def lift_restriction(task, *, actor, reason):
    """Lift the restriction in one system, after the person was told (audited)."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Say why the restriction is lifted."))
    if task.lift_announced_at is None:
        raise RequestError(_("Tell the person first that the restriction will be lifted."))
    if task.lifted_at:
        raise RequestError(_("This restriction is already lifted."))
    lifted = _lift_in_source(task, actor, reason)
    with transaction.atomic():
        task.lifted_at = timezone.now()
        task.lift_reason = reason
        task.save(update_fields=["lifted_at", "lift_reason"])
        record_entry(
            task.request.organisation,
            actor=actor,
            action="request.restriction_lifted",
            obj=task.request,
            new={
                "task": task.pk,
                "system": task.system.key if task.system else task.title,
                "reason": reason,
                "announced_at": task.lift_announced_at,
                "database": lifted,
            },
        )
    return task


def _lift_in_source(task, actor, reason):
    """Where the system has a database connection, lift the restriction there too; else the
    task's instructions say to do it by hand. Returns the rows lifted per table."""
    from waarborg.requests.actions.identifiers import identities_for_task
    from waarborg.requests.actions.tasks import _source_of
    from waarborg.sources import actions as source_actions
    from waarborg.sources.engine import SourceError

    source = _source_of(task.system) if task.system else None
    if source is None:
        return {}
    try:
        identities, _check = identities_for_task(task, source, actor=actor)
        evidence = source_actions.lift_person(
            source,
            identities,
            actor=actor,
            reason=reason,
            restricted_for=task.request.reference,
        )
    except SourceError as error:
        raise RequestError(str(error)) from error
    return {table: entry["rows"] for table, entry in evidence.items()}


def restrict_pending_objection(subject_request, tasks, *, actor):
    """An objection under Art. 21(1) restricts the processing concerned at once, pending the
    decision (Art. 18(1)(d)), where the organisation promises it. In each system with a
    database connection the person's rows are restricted there (a flag column or Waarborg's
    restriction record, made for the request's reference so that lifting finds them); the
    other systems' tasks say to restrict by hand. The audit names the activities."""
    if subject_request.kind != Kind.OBJECTION or subject_request.direct_marketing:
        return
    system_tasks = [t for t in tasks if t.kind == TaskKind.SYSTEM]
    if not system_tasks:
        return
    subject_request.restriction_ground = RestrictionGround.OBJECTION
    subject_request.restricted_pending_at = timezone.now()
    subject_request.save(update_fields=["restriction_ground", "restricted_pending_at"])
    in_databases = {}
    marketing = _marketing_only_systems(subject_request)
    for task in system_tasks:
        restricted, error = (
            (None, "") if task.system_id in marketing else _restrict_in_source(task, actor)
        )
        task.refresh_from_db(fields=["result"])  # a check of claimed identifiers may be new
        task.result = {**task.result, "pending_restriction": True}
        if restricted is not None:
            task.result["restricted"] = restricted
            in_databases[task.system.key] = {c: e["rows"] for c, e in restricted.items()}
            code = "restricted_at_once"
        else:
            if error:
                task.result["restrict_error"] = error
            code = "restrict_at_once"
        if isinstance(task.result.get("notes"), list):
            task.result["notes"] = [code, *task.result["notes"]]
        note = str(TASK_NOTES[code])
        task.instructions = note + ("\n" + task.instructions if task.instructions else "")
        task.save(update_fields=["result", "instructions"])
    from waarborg.requests.actions.tasks import concerned_activities

    record_entry(
        subject_request.organisation,
        actor=actor,
        action="request.restricted_pending",
        obj=subject_request,
        new={
            "activities": [a.key for a in concerned_activities(subject_request)],
            "systems": [t.system.key for t in system_tasks if t.system],
            "database": in_databases,
        },
    )


def _restrict_in_source(task, actor):
    """(summary per table, None) after restricting the person's rows in the system's database,
    or (None, the reason it was not done) when the system has no working connection or the
    identifiers do not allow it (nothing verified, a claimed identifier finding another
    person): then it is done by hand."""
    from waarborg.requests.actions.identifiers import identities_for_task
    from waarborg.requests.actions.tasks import _source_of, _summary
    from waarborg.sources import actions as source_actions
    from waarborg.sources.annotation import AnnotationError
    from waarborg.sources.engine import SourceError

    source = _source_of(task.system) if task.system else None
    if source is None:
        return None, ""
    try:
        identities, _check = identities_for_task(task, source, actor=actor)
        evidence = source_actions.restrict_person(
            source, identities, actor=actor, reason=task.request.reference
        )
    except (RequestError, SourceError, AnnotationError) as error:
        return None, str(error)
    return _summary(evidence), None


def _marketing_only_systems(subject_request):
    """Systems that serve, of the activities concerned, only direct marketing: an objection to
    it is carried out in the consent ledger and the system's do-not-contact list, never by
    restricting the person's data there, which other processing (invoicing) may still need."""
    from waarborg.requests.actions.tasks import concerned_activities

    if subject_request.direct_marketing:
        return {s.pk for a in concerned_activities(subject_request) for s in a.systems.all()}
    other = set()
    marketing = set()
    for activity in concerned_activities(subject_request):
        target = marketing if activity.direct_marketing else other
        target.update(s.pk for s in activity.systems.all())
    return marketing - other


def stop_objected_processing(subject_request, *, actor):
    """An upheld objection stops the processing concerned for good (Art. 21(1), (3)): in each
    system whose task is done and that has a database connection, the person's rows stay
    restricted (restricted now where no restriction pending the decision was made); such a
    restriction is never offered for lifting. Called before the answer is written; the audit
    names the activities and systems stopped."""
    if subject_request.kind != Kind.OBJECTION:
        return {}
    from waarborg.requests.actions.tasks import concerned_activities

    stopped = {}
    done = subject_request.tasks.filter(
        kind=TaskKind.SYSTEM, outcome=TaskOutcome.DONE
    ).select_related("system")
    marketing = _marketing_only_systems(subject_request)
    for task in done:
        if task.result.get("restricted") is None and task.system_id not in marketing:
            # the handler stopped it by hand (the task is done); a connection that cannot
            # restrict is kept with the task and in the audit, never silently passed over
            restricted, error = _restrict_in_source(task, actor)
            if restricted is not None:
                task.result = {**task.result, "restricted": restricted}
            elif error:
                task.result = {**task.result, "restrict_error": error}
        task.result = {**task.result, "stopped": True}
        task.save(update_fields=["result"])
        stopped[task.system.key] = {
            c: e["rows"] for c, e in (task.result.get("restricted") or {}).items()
        }
    if stopped:
        systems = set(stopped)
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.objection_upheld",
            obj=subject_request,
            new={
                "activities": [
                    a.key
                    for a in concerned_activities(subject_request)
                    if {s.key for s in a.systems.all()} & systems
                ],
                "database": stopped,
            },
        )
    return stopped


def check_refusal(subject_request, ground, partly=False):
    """Art. 21: a direct-marketing objection is never refused; an Art. 21(1) objection only on
    compelling legitimate grounds or legal claims (or the grounds of Art. 12). An objection
    that concerns direct-marketing activities besides others may be refused only in part, and
    only once the direct marketing is stopped in each of their systems (tasks done)."""
    from waarborg.requests.actions.tasks import marketing_activities

    never = _("An objection to direct marketing can never be refused (Art. 21(2) and (3)).")
    if subject_request.kind == Kind.OBJECTION and subject_request.direct_marketing:
        raise RequestError(never)
    marketing = marketing_activities(subject_request)
    if subject_request.kind == Kind.OBJECTION and marketing:
        if not partly:
            raise RequestError(never)
        systems = {s.pk for a in marketing for s in a.systems.all()}
        stopped = set(
            subject_request.tasks.filter(
                kind=TaskKind.SYSTEM, system__in=systems, outcome=TaskOutcome.DONE
            ).values_list("system_id", flat=True)
        )
        if systems - stopped:
            raise RequestError(
                _(
                    "This objection also concerns direct marketing, which is always granted "
                    "(Art. 21(2) and (3)): stop it in each of its systems (the task done) "
                    "before refusing the rest."
                )
            )
    if ground in OBJECTION_GROUNDS and subject_request.kind != Kind.OBJECTION:
        raise RequestError(_("This ground is for refusing an objection only."))


def transmit(subject_request, package, *, actor):
    """Art. 20(2): send the controller the person named (and only it) an expiring link to the
    package, and record it."""
    from waarborg.requests.actions.common import local_date
    from waarborg.requests.actions.files import download_link

    context = _context(
        subject_request,
        controller=subject_request.transmit_to,
        link=download_link(package),
        link_valid_until=local_date(subject_request.organisation, package.expires_at),
    )
    address = subject_request.transmit_email
    organisation = subject_request.organisation
    language = subject_request.language
    subject_request.transmitted_at = timezone.now()
    subject_request.save(update_fields=["transmitted_at"])
    record_entry(
        organisation,
        actor=actor,
        action="request.transmitted",
        obj=subject_request,
        new={"controller": subject_request.transmit_to, "to": address},
    )
    transaction.on_commit(
        lambda: letters.send(
            organisation, "portability_transmission", language, context, to=address
        )
    )


def record_not_feasible(subject_request, *, actor, reason):
    """Direct transmission is not technically feasible: the reason is kept and the person told
    it in the answer, and the package goes to the person instead."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Say why direct transmission is not technically feasible."))
    if not subject_request.transmit_to:
        raise RequestError(_("The person did not ask for direct transmission."))
    with transaction.atomic():
        subject_request.transmission_not_feasible = reason
        subject_request.save(update_fields=["transmission_not_feasible"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.transmission_not_feasible",
            obj=subject_request,
            new={"reason": reason},
        )
    return subject_request
