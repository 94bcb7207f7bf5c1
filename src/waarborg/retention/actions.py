"""Retention enforced: the sweep (carrying out the plan, with evidence and guards), review
tasks for systems without a connector, and periods for Waarborg's own data.

The plan itself (what is due and why) is `retention.plan`. Before destruction: a rule that
would delete or anonymise more than the organisation's share of its table (default 50%) runs
only after a person confirmed it (audited); the nightly sweep skips it, runs the rest and
tells the privacy officers.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.audit.models import AuditAnchor, AuditEntry
from waarborg.core.dates import parse_duration
from waarborg.jobs.worker import checkpoint
from waarborg.retention.models import (
    BUILTIN_DEFAULTS,
    BuiltinKind,
    RetentionRun,
    ReviewTask,
)
from waarborg.retention.plan import (  # noqa: F401 (the plan's names, used through actions)
    PlanItem,
    build_plan,
    local_now,
    settings_for,
)
from waarborg.sources import sweep
from waarborg.sources.engine import SourceError
from waarborg.sources.models import RestrictionRecord

REVIEW_EVERY = relativedelta(months=1)
RECORD_CHUNK = 10_000  # keys per restriction record


class RetentionError(Exception):
    pass


# The sweep ---------------------------------------------------------------------------------


def queue_run(organisation, *, actor, trigger, confirmed=None):
    """Record a run and hand it to the worker (after the transaction commits).

    `confirmed` ({plan item key: rows seen}) are the large items the actor confirmed; an item
    that has grown since is skipped all the same."""
    from waarborg.retention.tasks import run_retention

    with transaction.atomic():
        run = start_run(organisation, actor=actor, trigger=trigger, confirmed=confirmed)
        record_entry(organisation, actor=actor, action="retention.queue", obj=run)
        transaction.on_commit(lambda: run_retention.enqueue(run.pk))
    return run


def start_run(organisation, *, actor, trigger, confirmed=None):
    """A run to carry out now, in this process (the sweep command, the nightly task)."""
    with transaction.atomic():
        run = RetentionRun.objects.create(
            organisation=organisation, trigger=trigger, actor=actor, confirmed=confirmed or {}
        )
        if confirmed:
            record_entry(
                organisation,
                actor=actor,
                action="retention.confirm",
                obj=run,
                new={"confirmed": confirmed},
            )
    return run


def large_items(items, organisation):
    """The plan items that take more than the organisation's share of their table."""
    max_share = settings_for(organisation).max_share / 100
    return [item for item in items if item.needs_confirmation(max_share)]


def confirmations(items, organisation):
    """{key: rows} of the large items of a plan a person has seen: what confirming them means.
    A run confirmed so takes such an item only while it has not grown."""
    return {item.key: item.count for item in large_items(items, organisation)}


def execute_run(run, now=None, report=None):
    """Carry out the plan of `run`'s organisation, taken at the start; store evidence per item;
    audit each item that changed data and the run.

    A failure stops the item with its reason; the batch that failed is rolled back, the ones
    before it stay done, and the next run continues where this one stopped. A large item that
    was not confirmed (or has grown since) is skipped; a nightly run mails what it skipped.
    A run whose process died (still RUNNING when it is taken up again) resumes: what the earlier
    attempt did stays in its evidence, and the plan, taken anew, has only the rest.
    """
    organisation = run.organisation
    now = now or local_now()
    if run.status in (RetentionRun.Status.DONE, RetentionRun.Status.FAILED):
        return run  # a retried task does not run twice
    resumed = run.status == RetentionRun.Status.RUNNING
    run.status = RetentionRun.Status.RUNNING
    run.started_at = run.started_at or timezone.now()
    attempt = (run.progress or {}).get("attempt", 0) + 1
    earlier = _earlier_attempt(run) if resumed else []
    run.items = earlier
    with transaction.atomic():
        run.save(update_fields=["status", "started_at", "items"])
        if resumed:
            rows_before = sum(item.get("rows", 0) for item in earlier)
            record_entry(
                organisation,
                actor=run.actor,
                action="retention.resume",
                obj=run,
                new={"attempt": attempt, "rows_before": rows_before},
            )
    report = report or (lambda text: None)
    errors = []
    items = build_plan(organisation, now)
    large = {item.key for item in large_items(items, organisation)}
    run.progress = {"items": len(items), "done": 0, "rows": 0, "attempt": attempt}
    skipped = []
    for index, item in enumerate(items):
        checkpoint()  # a worker asked to stop stops here; the run resumes when taken up again
        seen = run.confirmed.get(item.key)
        if item.key in large and (seen is None or item.count > seen):
            run.items.append(_skip(item))
            skipped.append(run.items[-1])
            report(f"{item.label}: {run.items[-1]['skipped']}")
        else:
            try:
                run.items.append(_carry_out(run, item, now, report))
            except (SourceError, RetentionError) as error:
                errors.append(f"{item.label}: {error}")  # the failed batch was rolled back
            if item.problem:
                errors.append(f"{item.label}: {item.problem}")
        run.progress["done"] = index + 1
        run.save(update_fields=["items", "progress"])
    run.status = RetentionRun.Status.FAILED if errors else RetentionRun.Status.DONE
    run.error = "\n".join(errors)
    run.finished_at = timezone.now()
    with transaction.atomic():
        # only the attempt that moves the run from running to its end writes the audit entry:
        # two workers that both took the run up cannot end it twice
        ended = RetentionRun.objects.filter(pk=run.pk, status=RetentionRun.Status.RUNNING).update(
            status=run.status,
            error=run.error,
            finished_at=run.finished_at,
            items=run.items,
            progress=run.progress,
        )
        if not ended:
            run.refresh_from_db()
            return run
        record_entry(
            organisation,
            actor=run.actor,
            action="retention.sweep"
            if run.status == RetentionRun.Status.DONE
            else "retention.fail",
            obj=run,
            new={
                "trigger": run.trigger,
                "rows": run.rows(),
                "error": run.error,
                "skipped": [item["key"] for item in skipped],
                "items": [
                    {k: item.get(k) for k in ("rule", "system", "collection", "action", "rows")}
                    for item in run.items
                ],
            },
        )
        if skipped and run.trigger == "schedule":
            from waarborg.retention.emails import send_skipped

            transaction.on_commit(lambda: send_skipped(run, skipped))
    return run


def _earlier_attempt(run):
    """The evidence an interrupted attempt left: the items that changed rows, and the item it
    was in the middle of, with the rows of its committed batches."""
    earlier = [dict(item, attempt=item.get("attempt", 1)) for item in run.items if item.get("rows")]
    current = (run.progress or {}).get("current")
    if current and current.get("rows") and current.get("key"):
        earlier.append(
            {
                **current.get("evidence", {}),
                "rows": current["rows"],
                "interrupted": True,
                "attempt": (run.progress or {}).get("attempt", 1),
            }
        )
    return earlier


def _skip(item):
    evidence = item.evidence()
    evidence["rows"] = 0
    evidence["needs_confirmation"] = True
    numbers = {"count": item.count, "total": item.total, "share": round(item.share * 100)}
    evidence["share_skipped"] = numbers  # pages and mail say it in their reader's language
    evidence["skipped"] = (
        _(
            "not run: it would take %(count)s of the %(total)s rows of the table (%(share)s%%); "
            "a person must confirm it first"
        )
        % numbers
    )
    return evidence


def _carry_out(run, item, now, report):
    evidence = item.evidence()
    evidence["rows"] = 0
    if item.problem:
        evidence["skipped"] = item.problem
        return evidence
    if item.kind == "source":
        if not item.count:
            return evidence
        label = f"{item.label} ({item.rule})"

        def on_batch(rows):
            run.progress["current"] = {
                "item": label,
                "key": item.key,
                "rows": rows,
                "of": item.count,
                "evidence": {k: evidence[k] for k in ("kind", "key", "rule", "system",
                                                        "collection", "action", "stage",
                                                        "stages", "cutoff")},
            }  # fmt: skip
            run.save(update_fields=["progress"])
            report(f"{label}: {rows:,} / {item.count:,}")
            checkpoint()  # between two committed batches

        try:
            if item.due.action == "restrict" and _by_record(item):
                evidence.update(_restrict_by_record(run, item))
            else:
                evidence.update(
                    sweep.sweep(item.source.url, item.source.dataset(), item.due, on_batch=on_batch)
                )
        except SourceError as error:
            evidence["error"] = str(error)
            run.items.append(evidence)
            raise
        run.progress["rows"] = run.progress.get("rows", 0) + evidence["rows"]
        run.progress.pop("current", None)
        report(f"{label}: {evidence['rows']:,}")
        if evidence["rows"]:
            with transaction.atomic():  # the rows are gone: say so now, not at the run's end
                run.save(update_fields=["items", "progress"])
                record_entry(
                    run.organisation,
                    actor=run.actor,
                    action="retention.item",
                    obj=run,
                    new={k: evidence.get(k) for k in ("key", "action", "rows", "cutoff", "due")},
                )
    elif item.kind == "review":
        task = ensure_review_task(item.system, item.rule, now.date())
        evidence["review_task"] = task.pk
        evidence["review_due_on"] = task.due_on.isoformat()
    elif item.kind == "builtin" and item.builtin == BuiltinKind.AUDIT_ENTRIES and item.count:
        evidence["rows"] = prune_audit(run.organisation, item.cutoff, actor=run.actor)
    return evidence


def _by_record(item):
    return not item.source.dataset().collections[item.collection].restrict


def _restrict_by_record(run, item):
    """Restrict due rows of a table without a flag column: Waarborg records their keys (staff
    must not use these rows), once per row."""
    dataset = item.source.dataset()
    keys = [
        key
        for key in sweep.due_keys(item.source.url, dataset, item.due)
        if (tuple(key) if isinstance(key, list) else key) not in item.recorded
    ]
    key_columns = dataset.collections[item.collection].primary_key
    with transaction.atomic():
        for start in range(0, len(keys), RECORD_CHUNK):
            RestrictionRecord.objects.create(
                organisation=run.organisation,
                source=item.source,
                collection=item.collection,
                key_columns=key_columns,
                keys=keys[start : start + RECORD_CHUNK],
                reason=(_("retention rule %s") % item.rule.key)[:300],
            )
    return {"rows": len(keys), "recorded": True, "batches": 1 if keys else 0}


def ensure_review_task(system, rule, today):
    """The open review task of this system and rule, made when the last one is a month old."""
    with transaction.atomic():
        task = ReviewTask.objects.filter(system=system, rule=rule, done_at__isnull=True).first()
        if task:
            return task
        last = (
            ReviewTask.objects.filter(system=system, rule=rule, done_at__isnull=False)
            .order_by("-done_at")
            .first()
        )
        due_on = today
        if last is not None:
            due_on = max(today, timezone.localtime(last.done_at).date() + REVIEW_EVERY)
        task = ReviewTask.objects.create(
            organisation=system.organisation, system=system, rule=rule, due_on=due_on
        )
        record_entry(system.organisation, actor=None, action="retention.review_due", obj=task)
    return task


def confirm_review(task, *, actor, note=""):
    """A handler confirms that the data past the period was deleted by hand."""
    with transaction.atomic():
        task = ReviewTask.objects.select_for_update().get(pk=task.pk)
        if task.done_at:
            raise RetentionError(_("This review was already confirmed."))
        task.done_at, task.done_by, task.note = timezone.now(), actor, note
        task.save(update_fields=["done_at", "done_by", "note"])
        record_entry(
            task.organisation,
            actor=actor,
            action="retention.review_done",
            obj=task,
            new={"note": note},
        )
    return task


def save_settings(organisation, periods, *, actor, max_share=None):
    """Set the periods of Waarborg's own data ('' keeps that data without end) and the share
    of a table the sweep takes without asking."""
    periods = dict(periods)
    max_share = periods.pop("max_share", max_share)
    if max_share is not None and not (isinstance(max_share, int) and 1 <= max_share <= 100):
        raise RetentionError(_("The share must be a whole percentage from 1 to 100."))
    for kind, value in periods.items():
        if kind not in BUILTIN_DEFAULTS:
            raise RetentionError(_("Unknown kind of data: %s") % kind)
        if value:
            try:
                parse_duration(value)
            except ValueError as error:
                raise RetentionError(_("Not a period: %s") % value) from error
    with transaction.atomic():
        found = settings_for(organisation)
        old = {kind.value: found.period(kind) for kind in BuiltinKind}
        old["max_share"] = found.max_share
        found.periods = {kind: value for kind, value in periods.items()}
        if max_share is not None:
            found.max_share = max_share
        found.save()
        record_entry(
            organisation,
            actor=actor,
            action="retention.settings",
            obj=None,
            old=old,
            new={**found.periods, "max_share": found.max_share},
        )
    return found


def prune_audit(organisation, before, *, actor):
    """Delete audit entries older than `before` (naive local time), keeping the chain provable:
    the last deleted entry's number and hash become the anchor `verify_chain` starts from."""
    moment = timezone.make_aware(before)
    with transaction.atomic():
        last = (
            AuditEntry.objects.filter(organisation=organisation, created_at__lt=moment)
            .order_by("-seq")
            .first()
        )
        if last is None:
            return 0
        doomed = AuditEntry.objects.filter(organisation=organisation, seq__lte=last.seq)
        count = doomed.count()
        AuditAnchor.objects.update_or_create(
            organisation=organisation,
            defaults={"seq": last.seq, "hash": last.hash, "pruned_at": timezone.now()},
        )
        doomed.delete()  # the queryset, not Model.delete, which refuses
        record_entry(
            organisation,
            actor=actor,
            action="audit.prune",
            new={"entries": count, "up_to": last.seq, "before": moment.isoformat()},
        )
    return count


def next_nightly(now=None, hour=2):
    """The next time the nightly sweep runs (02:00 local)."""
    local = timezone.localtime(now or timezone.now())
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment if moment > local else moment + timedelta(days=1)
