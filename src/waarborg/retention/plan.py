"""The retention plan: per rule and place, what is due now and why; it changes nothing.

A statutory minimum (a rule with bound `minimum`, e.g. invoices 7 years, art. 52(4) AWR) is
never cut short: a maximum rule that deletes or anonymises takes only rows whose minimum has
ended, counted per row from its own date. A rule may have stages (restrict at the end of the
relationship, delete 7 years after the end of the financial year): each stage is its own item,
bound in the annotation with `stage: N` (without it, the rule's own period, its last stage).
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.models import AuditEntry
from waarborg.core.dates import cutoff, period_in_words
from waarborg.register.models import RetentionRule, Status, System
from waarborg.retention.models import BuiltinKind, RetentionSettings, ReviewTask
from waarborg.sources import sweep
from waarborg.sources.annotation import AnnotationError
from waarborg.sources.engine import SourceError
from waarborg.sources.holds import active_rules, minimum_holds
from waarborg.sources.models import RestrictionRecord, SqlSource

# Triggers whose date is the end of something: an empty one means it has not ended.
END_TRIGGERS = {"end_of_relationship", "consent_withdrawn", "unsubscribed"}
DESTRUCTIVE = {"delete", "anonymise"}


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
    total: int | None = None  # rows in the table
    no_date: int = 0  # rows without any date of the rule: never due, for a person to decide
    open: int = 0  # rows whose end date is empty: not ended
    referenced: int = 0  # due by date, kept while rows that stay refer to them
    examples: list = field(default_factory=list)  # keys of a few rows that would go
    stage: int | None = None  # the number of an earlier stage; None: the rule's own period
    stages: int = 1  # how many stages the rule has
    duration: str = ""
    trigger: str = ""
    guards: list = field(default_factory=list)  # names of statutory minimums respected
    problem: str = ""  # an error: this item cannot be carried out
    note: str = ""
    task: ReviewTask | None = None
    recorded: set = field(default_factory=set, repr=False)  # keys restricted by record before

    @property
    def label(self):
        if self.kind == "source":
            return f"{self.system} · {self.collection}"
        if self.kind == "review":
            return str(self.system)
        return BuiltinKind(self.builtin).label

    @property
    def key(self):
        """Names the item across plans, for a confirmation to refer to."""
        rule = self.rule.key if self.rule else self.builtin
        system = self.system.key if self.system else ""
        return f"{self.kind}:{system}:{self.collection}:{rule}:{self.stage or ''}"

    @property
    def share(self):
        return (self.count or 0) / self.total if self.total else 0.0

    @property
    def stage_number(self):
        return self.stage or self.stages

    def period_text(self):
        """The period in words, in the active language ('7 jaar na het einde van het boekjaar')."""
        return period_in_words(self.duration, self.trigger) if self.duration else ""

    def needs_confirmation(self, max_share):
        """Would this item destroy more than `max_share` (0-1) of its table?"""
        return (
            self.kind == "source"
            and not self.problem
            and self.action in DESTRUCTIVE
            and bool(self.count)
            and self.share > max_share
        )

    def evidence(self):
        return {
            "kind": self.kind,
            "key": self.key,
            "rule": self.rule.key if self.rule else self.builtin,
            "system": self.system.key if self.system else "",
            "collection": self.collection,
            "action": self.action,
            "stage": self.stage_number,
            "stages": self.stages,
            "duration": self.duration,
            "trigger": self.trigger,
            "cutoff": self.cutoff.isoformat() if self.cutoff else None,
            "due": self.count,
            "total": self.total,
            "no_date": self.no_date,
            "open": self.open,
            "referenced": self.referenced,
            "examples": self.examples,
            "oldest": self.oldest,
            "newest": self.newest,
            "guards": self.guards,
            "note": self.note,
            "label": str(self.label),
            "rule_name": str(self.rule) if self.rule else "",
        }


def _stage_of(rule, spec):
    """(duration, trigger, action, stage number or None) of the stage a binding names."""
    number = spec.get("stage")
    stages = rule.stages or []
    if number is None or number == len(stages) + 1:
        return rule.duration, rule.trigger, spec.get("action") or rule.end_action, None
    if not 1 <= number <= len(stages):
        raise ValueError(
            _("Rule %(rule)s has no stage %(stage)s") % {"rule": rule.key, "stage": number}
        )
    stage = stages[number - 1]
    return stage["duration"], stage["trigger"], spec.get("action") or stage["action"], number


def _kinds(dataset, due, spec, trigger):
    """The kind of each date of a binding: the field's own mark, the binding's, the trigger's."""
    implied = spec.get("date") or (sweep.END if trigger in END_TRIGGERS else sweep.EVENT)
    kinds = {}
    for table, column in due.dates():
        found = dataset.collections.get(table)
        marked = found.fields[column].date_kind if found and column in found.fields else None
        kinds[f"{table}.{column}"] = marked or implied
    return kinds


def _due(dataset, collection, spec, rules, now, seen=()):
    """The `sweep.Due` of one binding, with the parents its rows follow."""
    rule = rules[spec["rule"]]
    duration, trigger, action, _number = _stage_of(rule, spec)
    due = sweep.Due(
        collection=collection,
        action=action,
        cutoff=cutoff(now, duration, trigger),
        column=spec.get("column"),
        activity=list(spec.get("activity") or []),
    )
    due.kinds = _kinds(dataset, due, spec, trigger)
    # Rows whose dates are all their parent's follow that parent's own binding of the same
    # rule: a client's document is never due while the client is not.
    if all(table != collection for table, _column in due.dates()):
        for child, parent in sorted(dataset.foreign_keys()):
            if child != collection or parent in seen:
                continue
            for other in dataset.collections[parent].retention or []:
                if other["rule"] == spec["rule"] and other.get("stage") == spec.get("stage"):
                    parent_due = _due(dataset, parent, other, rules, now, (*seen, collection))
                    parent_due.action = "delete"  # only its dates are asked
                    due.parents.append(parent_due)
                    break
    if rule.bound == RetentionRule.Bound.MAXIMUM and action in DESTRUCTIVE:
        for column, until, _key in minimum_holds(dataset, collection, rules, now):
            due.guards.append((column, until))
    if action == "delete":
        due.children = _staying_children(dataset, collection, rules, now, (*seen, collection))
    return due


def _staying_children(dataset, collection, rules, now, seen):
    """[(child collection, [its deleting Dues])]: a row is deleted only when no row that
    references it stays (an invoice kept 7 years keeps its client), so no foreign key trips
    and no kept row loses what it refers to. Children go first; those not due stay."""
    children = []
    for child, parent in sorted(dataset.foreign_keys()):
        if parent != collection or child == collection or child in seen:
            continue
        dues = []
        for spec in dataset.collections[child].retention or []:
            if spec["rule"] not in rules:
                continue
            try:
                found = _due(dataset, child, spec, rules, now, seen)
            except ValueError:
                continue
            if found.action == "delete":
                dues.append(found)
        children.append((child, dues))
    return children


def _source_items(organisation, now):
    rules = active_rules(organisation)
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
        for collection in sweep.children_first(dataset):
            for spec in collection.retention or []:
                items.append(_source_item(source, dataset, collection, spec, rules, now))
    return items


def _source_item(source, dataset, collection, spec, rules, now):
    rule = rules.get(spec["rule"])
    item = PlanItem("source", spec.get("action", ""), system=source.system, source=source)
    item.collection = collection.name
    if rule is None:
        item.problem = _("The register has no active retention rule %s") % spec["rule"]
        return item
    item.rule = rule
    item.stages = len(rule.stages or []) + 1
    try:
        item.duration, item.trigger, item.action, item.stage = _stage_of(rule, spec)
    except ValueError as error:
        item.problem = str(error)
        return item
    if not item.duration:  # set by a scheme or contract, not recorded: nothing goes on a guess
        item.problem = _(
            "The period of this rule is set by %(source)s and not recorded; record it to act on it"
        ) % {"source": rule.legal_source}
        return item
    try:
        item.cutoff = cutoff(now, item.duration, item.trigger)
        item.due = _due(dataset, collection.name, spec, rules, now)
    except ValueError:
        item.problem = _("The period %s of this rule cannot be read") % item.duration
        return item
    if rule.bound == RetentionRule.Bound.MINIMUM and item.action in DESTRUCTIVE and item.stage:
        item.problem = _(
            "An earlier stage of a statutory minimum may only restrict: %(action)s would cut "
            "the minimum short"
        ) % {"action": item.action}
        return item
    if rule.bound == RetentionRule.Bound.MAXIMUM and item.action in DESTRUCTIVE:
        item.guards = [key for _c, _u, key in minimum_holds(dataset, collection.name, rules, now)]
    return item


def _recorded_keys(source, collection):
    """Keys of rows Waarborg already restricted by its own record (no flag column)."""
    keys = set()
    records = RestrictionRecord.objects.filter(
        source=source, collection=collection, lifted_at__isnull=True
    )
    for record in records:
        keys.update(_hashable(key) for key in record.keys)
    return keys


def _hashable(key):
    return tuple(key) if isinstance(key, list) else key


def count_item(item):
    """Fill in the counts of a source item from its database (read-only)."""
    dataset = item.source.dataset()
    found = sweep.summary(item.source.url, dataset, item.due)
    item.count, item.oldest, item.newest = found.count, found.oldest, found.newest
    item.total, item.no_date, item.open = found.total, found.no_date, found.open
    item.referenced = found.referenced
    item.examples = found.examples
    if item.action == "restrict" and not dataset.collections[item.collection].restrict:
        item.recorded = _recorded_keys(item.source, item.collection)
        keys = [
            key
            for key in sweep.due_keys(item.source.url, dataset, item.due)
            if _hashable(key) not in item.recorded
        ]
        item.count, item.examples = len(keys), keys[: sweep.EXAMPLES]


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
                    duration=rule.duration,
                    trigger=rule.trigger,
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
        item = PlanItem("builtin", "delete", builtin=kind, duration=period)
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
            count_item(item)
        except SourceError as error:
            item.problem = str(error)
    items += _review_items(organisation, now.date())
    items += _builtin_items(organisation, now)
    return items
