"""Retention enforced: the plan (what is due and why), the sweep (doing it, with evidence),
review tasks for systems without a connector, and periods for Waarborg's own data.

A statutory minimum (a rule with bound `minimum`, e.g. invoices 7 years, art. 52 AWR) is never
cut short: a maximum rule on the same table only takes rows whose minimum period has ended.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.audit.models import AuditAnchor, AuditEntry
from waarborg.core.dates import cutoff, parse_duration
from waarborg.register.models import RetentionRule, Status, System
from waarborg.retention.models import (
    BUILTIN_DEFAULTS,
    BuiltinKind,
    RetentionRun,
    RetentionSettings,
    ReviewTask,
)
from waarborg.sources import sweep
from waarborg.sources.annotation import AnnotationError
from waarborg.sources.engine import SourceError
from waarborg.sources.models import SqlSource

REVIEW_EVERY = relativedelta(months=1)


class RetentionError(Exception):
    pass


def local_now():
    """Now as a naive local time: the way dates are kept in the databases of small firms."""
    return timezone.localtime(timezone.now()).replace(tzinfo=None)


@dataclass
class PlanItem:
    kind: str  # source, review, builtin
    action: str
    rule: RetentionRule | None = None
    system: System | None = None
    source: SqlSource | None = None
    collection: str = ""
    builtin: str = ""
    due: sweep.Due | None = None
    cutoff: object = None
    count: int | None = None
    oldest: object = None
    newest: object = None
    guards: list = field(default_factory=list)  # names of statutory minimums respected
    problem: str = ""  # an error: this item cannot be carried out
    note: str = ""
    task: ReviewTask | None = None

    @property
    def label(self):
        if self.kind == "source":
            return f"{self.system} · {self.collection}"
        if self.kind == "review":
            return str(self.system)
        return BuiltinKind(self.builtin).label

    def evidence(self):
        return {
            "kind": self.kind,
            "rule": self.rule.key if self.rule else self.builtin,
            "system": self.system.key if self.system else "",
            "collection": self.collection,
            "action": self.action,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "due": self.count,
            "oldest": self.oldest,
            "newest": self.newest,
            "guards": self.guards,
        }


def _source_items(organisation, now):
    rules = {
        rule.key: rule
        for rule in RetentionRule.objects.filter(organisation=organisation, status=Status.ACTIVE)
    }
    items = []
    sources = SqlSource.objects.filter(organisation=organisation).select_related("system")
    for source in sources.order_by("system__key"):
        try:
            dataset = source.dataset()
        except AnnotationError as error:
            items.append(
                PlanItem("source", "", system=source.system, source=source, problem=str(error))
            )
            continue
        for collection in dataset.active():
            specs = collection.retention or []
            minimums = [
                (spec, rules[spec["rule"]])
                for spec in specs
                if spec["rule"] in rules
                and rules[spec["rule"]].bound == RetentionRule.Bound.MINIMUM
                and spec.get("column")
            ]
            for spec in specs:
                items.append(_source_item(source, collection, spec, rules, minimums, now))
    return items


def _source_item(source, collection, spec, rules, minimums, now):
    rule = rules.get(spec["rule"])
    item = PlanItem("source", spec.get("action", ""), system=source.system, source=source)
    item.collection = collection.name
    if rule is None:
        item.problem = _("The register has no active retention rule %s") % spec["rule"]
        return item
    item.rule = rule
    item.action = spec.get("action") or rule.end_action
    try:
        item.cutoff = cutoff(now, rule.duration, rule.trigger)
    except ValueError:
        item.problem = _("The period %s of this rule cannot be read") % rule.duration
        return item
    guards = []
    if rule.bound == RetentionRule.Bound.MAXIMUM:
        for other_spec, other in minimums:
            guards.append((other_spec["column"], cutoff(now, other.duration, other.trigger)))
            item.guards.append(other.key)
    item.due = sweep.Due(
        collection=collection.name,
        action=item.action,
        cutoff=item.cutoff,
        column=spec.get("column"),
        activity=list(spec.get("activity") or []),
        guards=guards,
    )
    return item


def _review_items(organisation, today):
    """Systems without a database connection get a monthly review task per retention rule."""
    items = []
    connected = set(
        SqlSource.objects.filter(organisation=organisation).values_list("system_id", flat=True)
    )
    systems = (
        System.objects.filter(organisation=organisation, status=Status.ACTIVE)
        .exclude(pk__in=connected)
        .prefetch_related("retention_rules")
        .order_by("key")
    )
    open_tasks = {
        (task.system_id, task.rule_id): task
        for task in ReviewTask.objects.filter(organisation=organisation, done_at__isnull=True)
    }
    for system in systems:
        for rule in system.retention_rules.all():
            if rule.status != Status.ACTIVE:
                continue
            task = open_tasks.get((system.pk, rule.pk))
            items.append(
                PlanItem(
                    "review",
                    rule.end_action,
                    rule=rule,
                    system=system,
                    task=task,
                    count=1 if task is None or task.due_on <= today else 0,
                )
            )
    return items


def settings_for(organisation):
    found = RetentionSettings.objects.filter(organisation=organisation).first()
    return found or RetentionSettings(organisation=organisation)


def _builtin_items(organisation, now):
    periods = settings_for(organisation)
    items = []
    for kind in BuiltinKind:
        period = periods.period(kind)
        item = PlanItem("builtin", "delete", builtin=kind)
        if not period:
            item.note = _("kept: no period set")
            items.append(item)
            continue
        item.cutoff = cutoff(now, period)
        if kind == BuiltinKind.AUDIT_ENTRIES:
            moment = timezone.make_aware(item.cutoff)
            old = AuditEntry.objects.filter(organisation=organisation, created_at__lt=moment)
            item.count = old.count()
        else:
            item.count = 0  # these records arrive with the requests and consent parts
        items.append(item)
    return items


def build_plan(organisation, now=None):
    """Everything that retention would do now, with counts; changes nothing."""
    now = now or local_now()
    items = _source_items(organisation, now)
    for item in items:
        if item.due is None or item.problem:
            continue
        try:
            item.count, item.oldest, item.newest = sweep.summary(
                item.source.url, item.source.dataset(), item.due
            )
        except SourceError as error:
            item.problem = str(error)
    items += _review_items(organisation, now.date())
    items += _builtin_items(organisation, now)
    return items


# The sweep ---------------------------------------------------------------------------------


def queue_run(organisation, *, actor, trigger):
    """Record a run and hand it to the worker (after the transaction commits)."""
    from waarborg.retention.tasks import run_retention

    with transaction.atomic():
        run = start_run(organisation, actor=actor, trigger=trigger)
        record_entry(organisation, actor=actor, action="retention.queue", obj=run)
        transaction.on_commit(lambda: run_retention.enqueue(run.pk))
    return run


def start_run(organisation, *, actor, trigger):
    """A run to carry out now, in this process (the sweep command, the nightly task)."""
    return RetentionRun.objects.create(organisation=organisation, trigger=trigger, actor=actor)


def execute_run(run, now=None, report=None):
    """Carry out the plan of `run`'s organisation; store evidence per item; audit the run.

    A failure stops the run with its reason; the batch that failed is rolled back, the ones
    before it stay done, and the next run continues where this one stopped.
    """
    organisation = run.organisation
    now = now or local_now()
    if run.status in (RetentionRun.Status.DONE, RetentionRun.Status.FAILED):
        return run  # a retried task does not run twice
    run.status, run.started_at = RetentionRun.Status.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])
    report = report or (lambda text: None)
    errors = []
    items = build_plan(organisation, now)
    run.progress = {"items": len(items), "done": 0, "rows": 0}
    for index, item in enumerate(items):
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
        run.save(update_fields=["status", "error", "finished_at", "items", "progress"])
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
                "items": [
                    {k: item.get(k) for k in ("rule", "system", "collection", "action", "rows")}
                    for item in run.items
                ],
            },
        )
    return run


def _carry_out(run, item, now, report):
    evidence = item.evidence()
    evidence["rows"] = 0
    if item.problem:
        evidence["skipped"] = item.problem
        return evidence
    if item.kind == "source":
        if not item.count:
            return evidence
        label = f"{item.system.key}.{item.collection} ({item.rule.key})"

        def on_batch(rows):
            run.progress["current"] = {"item": label, "rows": rows, "of": item.count}
            run.save(update_fields=["progress"])
            report(f"{label}: {rows:,} / {item.count:,}")

        try:
            evidence.update(
                sweep.sweep(item.source.url, item.source.dataset(), item.due, on_batch=on_batch)
            )
        except SourceError as error:
            evidence["error"] = str(error)
            run.items.append(evidence)
            raise
        run.progress["rows"] = run.progress.get("rows", 0) + evidence["rows"]
        report(f"{label}: {evidence['rows']:,} rows, {item.action}")
    elif item.kind == "review":
        task = ensure_review_task(item.system, item.rule, now.date())
        evidence["review_task"] = task.pk
        evidence["review_due_on"] = task.due_on.isoformat()
    elif item.kind == "builtin" and item.builtin == BuiltinKind.AUDIT_ENTRIES and item.count:
        evidence["rows"] = prune_audit(run.organisation, item.cutoff, actor=run.actor)
    return evidence


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


def save_settings(organisation, periods, *, actor):
    """Set the periods of Waarborg's own data; '' keeps that data without end."""
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
        found.periods = {kind: value for kind, value in periods.items()}
        found.save()
        record_entry(
            organisation,
            actor=actor,
            action="retention.settings",
            obj=None,
            old=old,
            new=dict(found.periods),
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
