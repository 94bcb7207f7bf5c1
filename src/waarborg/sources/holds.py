"""Statutory minimums as holds per row: the register's `minimum` rules bound to a date column
keep each row until its own period has ended (Art. 17(3)(b) GDPR; AWR art. 52(4): 7 years from
the end of the financial year of each record). Erasure and retention both read them here."""

from django.utils import timezone

from waarborg.core.dates import cutoff
from waarborg.register.models import RetentionRule, Status


def active_rules(organisation):
    return {
        rule.key: rule
        for rule in RetentionRule.objects.filter(organisation=organisation, status=Status.ACTIVE)
    }


def minimum_holds(dataset, collection, rules, now):
    """[(column, cutoff, rule key)]: the statutory minimums of a collection, per row by date.
    Only a rule's own period (its last stage) is a minimum; earlier stages restrict."""
    holds = []
    for spec in dataset.collections[collection].retention or []:
        rule = rules.get(spec["rule"])
        if (
            rule is None
            or rule.bound != RetentionRule.Bound.MINIMUM
            or not spec.get("column")
            or spec.get("stage") not in (None, len(rule.stages or []) + 1)
        ):
            continue
        holds.append((spec["column"], cutoff(now, rule.duration, rule.trigger), rule.key))
    return holds


def holds_for(organisation, dataset, now=None):
    """{collection: [(column, cutoff)]} of every collection with a dated statutory minimum."""
    now = now or timezone.localtime(timezone.now()).replace(tzinfo=None)
    rules = active_rules(organisation)
    found = {}
    for collection in dataset.active():
        holds = minimum_holds(dataset, collection.name, rules, now)
        if holds:
            found[collection.name] = [(column, until) for column, until, _key in holds]
    return found
