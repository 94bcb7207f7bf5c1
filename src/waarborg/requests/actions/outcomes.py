"""How tasks end: an outcome each (done, nothing found, legal hold, restricted, not applicable),
read from what an automatic run did or chosen by the handler with its reason, or a waiver by a
privacy officer with the reason. Answers, refusals and closure wait for every task."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import actor_label, record_entry
from waarborg.core.models import Membership, Role
from waarborg.requests.actions.common import RequestError
from waarborg.requests.models import Kind, TaskOutcome, TaskStatus
from waarborg.requests.statements import held_parts

WAIVING_ROLES = (Role.PRIVACY_OFFICER, Role.OWNER)
CHANGED = ("deleted", "masked", "rectified", "flagged", "recorded")


def automatic_outcome(kind, result):
    """(outcome, reason) of an automatic run from its result."""
    if kind in (Kind.ACCESS, Kind.PORTABILITY):
        found = result.get("found") or {}
        rows = sum(len(item.get("rows") or []) for item in found.values())
        return (TaskOutcome.DONE if rows else TaskOutcome.NOTHING_FOUND), ""
    if "purposes" in result:  # the consent ledger
        done = any(result["purposes"].values())
        return (TaskOutcome.DONE if done else TaskOutcome.NOTHING_FOUND), ""
    evidence = result.get("evidence") or {}
    changed = sum(
        entry.get("rows") or 0 for entry in evidence.values() if entry.get("action") in CHANGED
    )
    if kind == Kind.ERASURE:
        parts = held_parts(result)
        if not changed and parts:
            reasons = sorted({reason for _what, _rows, reason in parts if reason})
            return TaskOutcome.LEGAL_HOLD, "; ".join(reasons)
    return (TaskOutcome.DONE if changed else TaskOutcome.NOTHING_FOUND), ""


def check_outcome(outcome, reason):
    if outcome not in TaskOutcome.values:
        raise RequestError(_("Unknown outcome: %s") % outcome)
    if outcome in (TaskOutcome.LEGAL_HOLD, TaskOutcome.NOT_APPLICABLE) and not reason.strip():
        raise RequestError(_("This outcome needs its reason; the person reads it."))


def unresolved_tasks(subject_request):
    """Tasks neither resolved with an outcome nor waived."""
    return [task for task in subject_request.tasks.all() if task.is_open]


def waive_task(task, *, actor, reason):
    """A privacy officer waives a task with the reason (audited): it is then not done, and the
    answer says so. Needed before a refusal or closure of a request with work left."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("A waiver needs its reason."))
    if (
        actor is None
        or not Membership.objects.filter(
            organisation=task.organisation, user=actor, role__in=WAIVING_ROLES
        ).exists()
    ):
        raise RequestError(_("Only a privacy officer or owner can waive a task."))
    if not task.request.is_open:
        raise RequestError(_("This request is no longer open."))
    if not task.is_open:
        raise RequestError(_("This task is no longer open."))
    with transaction.atomic():
        old = {"status": task.status}
        task.status = TaskStatus.WAIVED
        task.waiver_reason = reason
        task.outcome = ""
        task.completed_at = timezone.now()
        task.completed_by = actor_label(actor)
        task.save()
        record_entry(
            task.organisation,
            actor=actor,
            action="request.task_waived",
            obj=task.request,
            old=old,
            new={"task": task.pk, "reason": reason},
        )
    return task


def waive_open_tasks(subject_request, *, actor, reason):
    return [
        waive_task(task, actor=actor, reason=reason) for task in unresolved_tasks(subject_request)
    ]
