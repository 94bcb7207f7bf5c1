"""State changes of the register. Each writes its audit entry; activities keep old versions."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.audit.actions import actor_label, json_ready, record_entry
from waarborg.audit.models import AuditEntry
from waarborg.core.access import scoped
from waarborg.core.models import OPEN_KINDS, Term
from waarborg.core.taxonomy import TermIndex
from waarborg.register.models import ActivityVersion, Status
from waarborg.register.schema import (
    KINDS,
    ItemError,
    apply_item,
    check_item,
    current_data,
)

AUDIT_NOUN = {
    "security_measures": "security_measure",
    "retention_rules": "retention_rule",
    "parties": "party",
    "systems": "system",
    "activities": "activity",
}


class RegisterError(Exception):
    """Invalid register data; `errors` is a list of (where, field, message)."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{where} {name}: {message}" for where, name, message in errors))
        self.errors = errors


class Resolver:
    """Finds the rows that items refer to by key, and terms by code, for one organisation."""

    def __init__(self, organisation, index=None):
        self.organisation = organisation
        self.index = index or TermIndex(organisation)
        self.rows = {}

    def keys(self, kind_name):
        return set(self._rows(kind_name))

    def _rows(self, kind_name):
        if kind_name not in self.rows:
            model = KINDS[kind_name].model
            self.rows[kind_name] = {row.key: row for row in scoped(model, self.organisation)}
        return self.rows[kind_name]

    def get(self, kind_name, key):
        return self._rows(kind_name).get(key)

    def remember(self, kind_name, row):
        self._rows(kind_name)[row.key] = row

    def __call__(self, kind_name, key):
        return self._rows(kind_name)[key]

    def terms(self, term_kind, codes):
        return [self.index.get(term_kind, code) for code in codes]


def _all_keys(resolver):
    return {name: resolver.keys(name) for name in KINDS}


def _diff(old, new):
    names = [name for name in {**old, **new} if old.get(name) != new.get(name)]
    return {n: old.get(n) for n in names}, {n: new.get(n) for n in names}


# Saves of one activity's sections in one walk through the form are one editing session: one
# version in the history, however many sections were saved (each save keeps its audit entry).
EDITING_SESSION = timedelta(hours=1)


def last_entry_seq(organisation):
    """The number of the organisation's last audit entry (0 if none): what a form walk keeps to
    know, at its next save, that nothing happened in between."""
    last = AuditEntry.objects.filter(organisation=organisation).order_by("-seq").first()
    return last.seq if last is not None else 0


def _same_session(organisation, activity, actor, after):
    """Whether this save goes on from the person's previous save of the same activity in the
    same walk: the organisation's last audit entry is still that save (number `after`), made
    within EDITING_SESSION. Anything in between (a DPIA signed on this version, a statement
    published, another person's change) ends the session, so what was pinned to a version is
    never changed under it."""
    if after is None or actor is None or not hasattr(actor, "email"):
        return False
    last = AuditEntry.objects.filter(organisation=organisation).order_by("-seq").first()
    return (
        last is not None
        and last.seq == after
        and last.actor_id == actor.pk
        and last.action in ("register.activity.created", "register.activity.updated")
        and last.object_type == activity._meta.label_lower
        and last.object_id == str(activity.pk)
        and last.created_at >= timezone.now() - EDITING_SESSION
    )


def write_item(
    kind_name, organisation, data, *, actor, instance=None, resolver=None, session_after=None
):
    """Create or update one item from its register data (must run in a transaction).

    `session_after`: for a save that goes on a walk through the activity form's sections, the
    number of the audit entry of the walk's previous save; while nothing else happened since,
    the change joins the version that save made instead of making another.

    Returns (row, change) where change is "created", "updated" or None (nothing differed).
    """
    kind = KINDS[kind_name]
    resolver = resolver or Resolver(organisation)
    old = current_data(kind_name, instance) if instance is not None else None
    if old == data:
        return instance, None
    retiring = old is not None and old.get("status") != Status.RETIRED
    retiring = retiring and data.get("status") == Status.RETIRED
    if (
        instance is not None
        and kind_name == "activities"
        and (retiring or not _same_session(organisation, instance, actor, session_after))
    ):
        ActivityVersion.objects.create(
            activity=instance,
            version=instance.version,
            snapshot=json_ready(old),
            changed_by=actor_label(actor),
        )
        instance.version += 1
    row = apply_item(kind, organisation, data, instance=instance, resolve=resolver)
    resolver.remember(kind_name, row)
    change = "retired" if retiring else "created" if instance is None else "updated"
    before, after = _diff(old or {}, data)
    record_entry(
        organisation,
        actor=actor,
        action=f"register.{AUDIT_NOUN[kind_name]}.{change}",
        obj=row,
        old=before if old is not None else None,
        new=after,
    )
    return row, change


def _check_one(kind_name, organisation, data, resolver, instance):
    kind = KINDS[kind_name]
    errors = check_item(kind, data, terms=resolver.index, keys=_all_keys(resolver))
    existing = scoped(kind.model, organisation).filter(key=data.get("key"))
    if instance is not None:
        existing = existing.exclude(pk=instance.pk)
    if existing.exists():
        errors.append(ItemError("key", _("another item already uses this key")))
    if errors:
        raise RegisterError([("", e.field_name, e.message) for e in errors])


@transaction.atomic
def save_item(kind_name, organisation, data, *, actor, instance=None, session_after=None):
    """Create or change one register item from the staff UI or the API, after validation
    (`session_after`: see `write_item`)."""
    resolver = Resolver(organisation)
    _check_one(kind_name, organisation, data, resolver, instance)
    row, _change = write_item(
        kind_name,
        organisation,
        data,
        actor=actor,
        instance=instance,
        resolver=resolver,
        session_after=session_after,
    )
    return row


@transaction.atomic
def retire_item(kind_name, row, *, actor):
    """Retire an item: it stays in the register's history but is no longer in use."""
    data = {**current_data(kind_name, row), "status": Status.RETIRED}
    return save_item(kind_name, row.organisation, data, actor=actor, instance=row)


@transaction.atomic
def add_term(organisation, *, actor, kind, code, label_nl, label_en="", **flags):
    """Add an organisation's own taxonomy entry (a data category, group of people, purpose)."""
    if kind not in OPEN_KINDS:
        raise RegisterError([("", "kind", _("this list cannot be extended"))])
    if TermIndex(organisation).get(kind, code):
        raise RegisterError([("", "code", _("this code exists already"))])
    term = Term.objects.create(
        organisation=organisation,
        kind=kind,
        code=code,
        label_nl=label_nl,
        label_en=label_en or label_nl,
        **flags,
    )
    record_entry(
        organisation,
        actor=actor,
        action="register.term.created",
        obj=term,
        new={"kind": kind, "code": code, "nl": label_nl, "en": term.label_en, **flags},
    )
    return term
