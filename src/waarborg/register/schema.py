"""The register's items as plain data: one description per kind drives everything else.

`to_data(kind, obj)` gives an item as the YAML file holds it (codes and keys, defaults left
out); the same dict is the audit trail's old/new and an activity's stored version.
`check_item(...)` validates such a dict and `apply_item(...)` writes it. The staff forms, the
YAML import and the starter set all go through these, so they cannot drift apart.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import LANGUAGES, normalise
from waarborg.core.models import TermKind
from waarborg.register.models import (
    Party,
    ProcessingActivity,
    RetentionRule,
    SecurityMeasure,
    System,
    key_validator,
)

DURATION_RE = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text translated choice term terms countries domains ref refs date duration bool
    # stages
    required: bool = False
    term_kind: str = ""
    ref_kind: str = ""


@dataclass(eq=False)
class Kind:
    name: str  # section name in YAML and in URLs
    model: type
    fields: list = field(default_factory=list)
    label: str = ""
    label_plural: str = ""

    def field(self, name):
        return next(f for f in self.fields if f.name == name)

    @property
    def relation_fields(self):
        return [f for f in self.fields if f.type in ("terms", "refs")]


KEY = Field("key", "key", required=True)
STATUS = Field("status", "choice")
NAME = Field("name", "translated", required=True)

KINDS = {
    "security_measures": Kind(
        "security_measures",
        SecurityMeasure,
        [
            KEY,
            NAME,
            STATUS,
            Field("kind", "choice", required=True),
            Field("description", "translated"),
            Field("review_interval", "duration"),
            Field("last_reviewed", "date"),
        ],
    ),
    "retention_rules": Kind(
        "retention_rules",
        RetentionRule,
        [
            KEY,
            NAME,
            STATUS,
            Field("duration", "duration", required=True),  # unless a scheme sets it
            Field("trigger", "choice", required=True),
            Field("bound", "choice", required=True),
            Field("end_action", "choice"),
            Field("legal_source", "text"),
            Field("description", "translated"),
            Field("stages", "stages"),
        ],
    ),
    "parties": Kind(
        "parties",
        Party,
        [
            KEY,
            NAME,
            STATUS,
            Field("kind", "choice", required=True),
            Field("description", "translated"),
            Field("country", "term", required=True, term_kind=TermKind.COUNTRY),
            Field("locations", "countries", term_kind=TermKind.COUNTRY),
            Field("contact", "text"),
            Field("language", "choice"),
            Field("transfer_mechanism", "term", term_kind=TermKind.TRANSFER_MECHANISM),
            Field("scc_module", "choice"),
            Field("transfer_assessment_on", "date"),
            Field("agreement_signed_on", "date"),
            Field("agreement_document", "text"),
            Field("agreement_review_on", "date"),
            Field("dpf_checked_on", "date"),
            Field("web_domains", "domains"),
            Field("sub_processors", "refs", ref_kind="parties"),
        ],
    ),
    "systems": Kind(
        "systems",
        System,
        [
            KEY,
            NAME,
            STATUS,
            Field("description", "translated"),
            Field("operator", "ref", ref_kind="parties"),
            Field("data_categories", "terms", term_kind=TermKind.DATA_CATEGORY),
            Field("data_subjects", "terms", term_kind=TermKind.DATA_SUBJECT),
            Field("retention_rules", "refs", ref_kind="retention_rules"),
            Field("manual_instructions", "translated"),
        ],
    ),
    "activities": Kind(
        "activities",
        ProcessingActivity,
        [
            KEY,
            NAME,
            STATUS,
            Field("role", "choice", required=True),
            Field("controller", "ref", ref_kind="parties"),
            Field("purpose", "translated", required=True),
            Field("purpose_terms", "terms", term_kind=TermKind.PURPOSE),
            Field("direct_marketing", "bool"),
            Field("legal_basis", "term", term_kind=TermKind.LEGAL_BASIS),
            Field("legal_basis_detail", "translated"),
            Field("art9_ground", "term", term_kind=TermKind.ART9_GROUND),
            Field("data_subjects", "terms", term_kind=TermKind.DATA_SUBJECT),
            Field("data_categories", "terms", term_kind=TermKind.DATA_CATEGORY),
            Field("subject_type", "choice"),
            Field("source", "choice"),
            Field("source_detail", "translated"),
            Field("recipients", "refs", ref_kind="parties"),
            Field("systems", "refs", ref_kind="systems"),
            Field("retention_rules", "refs", ref_kind="retention_rules"),
            Field("retention_note", "translated"),
            Field("security_measures", "refs", ref_kind="security_measures"),
            Field("automated_decisions", "bool"),
            Field("automated_decisions_detail", "translated"),
            Field("dpia", "choice"),
            Field("dpia_screened_on", "date"),
            Field("dpia_reason", "translated"),
            Field("dpia_done_on", "date"),
            Field("requirement", "choice"),
            Field("requirement_consequence", "translated"),
            Field("reviewed_at", "date"),
        ],
    ),
}
# An activity's DPIA fields, set by the screening and the sign-off (waarborg.dpia): the staff
# form keeps them, and a register file that has none of them leaves them as they are.
DPIA_FIELDS = ("dpia", "dpia_screened_on", "dpia_reason", "dpia_done_on")
# Items may refer only to kinds earlier in this order (and parties to parties).
ORDER = list(KINDS)
for _kind, _label, _plural in [
    ("security_measures", _("security measure"), _("Security measures")),
    ("retention_rules", _("retention rule"), _("Retention rules")),
    ("parties", _("party"), _("Parties")),
    ("systems", _("system"), _("Systems")),
    ("activities", _("processing activity"), _("Processing activities")),
]:
    KINDS[_kind].label, KINDS[_kind].label_plural = _label, _plural


def model_field(kind, name):
    return kind.model._meta.get_field(name)


@functools.cache
def default_of(kind, spec):
    """The value a field has when the YAML leaves it out (kept per kind and field)."""
    if spec.type in ("terms", "refs", "countries", "domains"):
        return []
    if spec.type == "translated":
        return {}
    if spec.type in ("ref", "date"):
        return None
    return model_field(kind, spec.name).get_default()


def canonical(kind, values):
    """Register data in its one written form: texts stripped, lists sorted, defaults left out."""
    data = {}
    for spec in kind.fields:
        if spec.name not in values:
            continue
        value = values[spec.name]
        if spec.type == "translated":
            value = {lang: text for lang, text in normalise(value).items() if text}
        elif spec.type in ("terms", "refs"):
            value = sorted(value or [])
        elif spec.type == "countries":
            value = list(dict.fromkeys(value or []))
        elif spec.type == "domains":
            value = sorted({d.strip().lower().rstrip(".") for d in value or [] if d.strip()})
        elif spec.type in ("text", "duration", "key") and isinstance(value, str):
            value = value.strip()
        elif value is None and spec.type not in ("ref", "date"):
            value = default_of(kind, spec)
        if spec.required or value != default_of(kind, spec):
            data[spec.name] = value
    return data


def to_data(kind, obj):
    """The item as the register file holds it: codes and keys, defaults left out.

    Relations are read through `.all()`, so callers prefetch them for many items.
    """
    values = {}
    for spec in kind.fields:
        if spec.type == "terms":
            values[spec.name] = [term.code for term in getattr(obj, spec.name).all()]
        elif spec.type == "refs":
            values[spec.name] = [item.key for item in getattr(obj, spec.name).all()]
        elif spec.type == "ref":
            related = getattr(obj, spec.name)
            values[spec.name] = related.key if related is not None else None
        else:
            values[spec.name] = getattr(obj, spec.name)
    return canonical(kind, values)


class ItemError(Exception):
    def __init__(self, field_name, message):
        super().__init__(message)
        self.field_name = field_name
        self.message = message


def _allowed(values):
    return ", ".join(str(v) for v in values)


def check_item(kind, data, *, terms, keys):
    """Validate one item dict; return a list of ItemError (empty when it is fine).

    `terms` is a TermIndex (plus the file's own terms); `keys[kind_name]` the set of keys an
    item may refer to.
    """
    errors = []
    known = {spec.name for spec in kind.fields}
    for name in data:
        if name not in known:
            errors.append(
                ItemError(
                    name,
                    _("unknown key; allowed: %(allowed)s") % {"allowed": _allowed(sorted(known))},
                )
            )
    # A period a scheme or contract sets may be unknown: recorded without a made-up duration,
    # but then with the scheme or contract that sets it.
    by_scheme = kind.name == "retention_rules" and data.get("bound") == "scheme"
    if by_scheme and not str(data.get("legal_source") or "").strip():
        errors.append(ItemError("legal_source", _("name the scheme or contract that sets it")))
    for spec in kind.fields:
        if by_scheme and spec.name == "duration" and not data.get("duration"):
            continue
        if spec.name not in data:
            if spec.required:
                errors.append(ItemError(spec.name, _("is required")))
            continue
        error = _check_value(kind, spec, data[spec.name], terms, keys)
        if error:
            errors.append(ItemError(spec.name, error))
    return errors


def _check_value(kind, spec, value, terms, keys):  # noqa: C901 (one branch per field type)
    if spec.type == "key":
        if not isinstance(value, str) or not key_validator.regex.match(value):
            return str(key_validator.message)
    elif spec.type == "text":
        if not isinstance(value, str):
            return _("must be text")
    elif spec.type == "translated":
        if isinstance(value, str):
            return _("must be a text per language, e.g. {nl: ..., en: ...}") if not value else None
        if not isinstance(value, dict) or not set(value) <= set(LANGUAGES):
            return _("must be a text per language, e.g. {nl: ..., en: ...}")
        if not all(isinstance(text, str) for text in value.values()):
            return _("must be text")
        if spec.required and not (value.get("nl") or value.get("en")):
            return _("is required")
    elif spec.type == "choice":
        allowed = [code for code, _label in model_field(kind, spec.name).choices]
        if value not in allowed:
            return _("%(value)r is not allowed; use one of: %(allowed)s") % {
                "value": value,
                "allowed": _allowed(allowed),
            }
    elif spec.type in ("term", "terms", "countries"):
        values = value if spec.type != "term" else [value]
        if spec.type != "term" and not isinstance(value, list):
            return _("must be a list")
        allowed = terms.codes(spec.term_kind)
        for item in values:
            if item not in allowed:
                return _("%(value)r is not allowed; use one of: %(allowed)s") % {
                    "value": item,
                    "allowed": _allowed(allowed),
                }
    elif spec.type in ("ref", "refs"):
        values = value if spec.type == "refs" else [value]
        if spec.type == "refs" and not isinstance(value, list):
            return _("must be a list")
        for item in values:
            if item not in keys[spec.ref_kind]:
                return _("%(value)r is not the key of any item in %(section)s") % {
                    "value": item,
                    "section": spec.ref_kind,
                }
    elif spec.type == "date":
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            return _("must be a date as YYYY-MM-DD")
    elif spec.type == "duration":
        if not isinstance(value, str) or not DURATION_RE.match(value):
            return _("must be an ISO 8601 period such as P7Y, P5M, P4W or P30D")
    elif spec.type == "bool":
        if not isinstance(value, bool):
            return _("must be true or false")
    elif spec.type == "stages":
        return check_stages(value)
    elif spec.type == "domains":
        return check_domains(value)
    return None


DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def check_domains(value):
    """A party's web domains: a list of host names such as google-analytics.com."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return _("must be a list of domains such as google-analytics.com")
    for item in value:
        if not DOMAIN_RE.match(item.strip().lower().rstrip(".")):
            return _("%(value)r is not a domain such as google-analytics.com") % {"value": item}
    return None


def check_stages(value):
    """The earlier stages of a retention rule: a list of {duration, trigger, action}."""
    if not isinstance(value, list):
        return _("must be a list of stages with duration, trigger and action")
    triggers = [code for code, _label in RetentionRule.Trigger.choices]
    actions = [code for code, _label in RetentionRule.EndAction.choices]
    for stage in value:
        if not isinstance(stage, dict) or set(stage) != {"duration", "trigger", "action"}:
            return _("must be a list of stages with duration, trigger and action")
        if not isinstance(stage["duration"], str) or not DURATION_RE.match(stage["duration"]):
            return _("must be an ISO 8601 period such as P7Y, P5M, P4W or P30D")
        for name, allowed in (("trigger", triggers), ("action", actions)):
            if stage[name] not in allowed:
                return _("%(value)r is not allowed; use one of: %(allowed)s") % {
                    "value": stage[name],
                    "allowed": _allowed(allowed),
                }
    return None


def apply_item(kind, organisation, data, *, instance=None, resolve):
    """Write one checked item dict to `instance` (or a new row). Returns the saved row.

    `resolve(kind_name, key)` gives the row an item refers to; `resolve_terms(kind, codes)` is
    reached through `resolve.terms`.
    """
    obj = instance or kind.model(organisation=organisation)
    later = {}
    for spec in kind.fields:
        value = data.get(spec.name, default_of(kind, spec))
        if spec.type in ("terms", "refs"):
            later[spec.name] = (spec, value)
        elif spec.type == "ref":
            setattr(obj, spec.name, resolve(spec.ref_kind, value) if value else None)
        elif spec.type == "translated":
            setattr(obj, spec.name, normalise(value))
        else:
            setattr(obj, spec.name, value)
    obj.save()
    for name, (spec, value) in later.items():
        if spec.type == "terms":
            targets = resolve.terms(spec.term_kind, value)
        else:
            targets = [resolve(spec.ref_kind, key) for key in value]
        getattr(obj, name).set(targets)
    return obj


class _Linked(list):
    """Stands in for a prefetched many-to-many queryset: `.all()` gives the list itself."""

    def all(self):
        return self


def prefetch(kind, queryset):
    """The rows of `queryset` with every relation `to_data` reads, in a fixed number of queries.

    Unlike `prefetch_related`, each target (a term, a party) is built once however many rows
    link to it, and links are read from the through tables as plain id pairs: for a register
    of thousands of items this is several times faster.
    """
    rows = list(queryset.select_related(*[s.name for s in kind.fields if s.type == "ref"]))
    ids = [row.pk for row in rows]
    for spec in kind.relation_fields:
        field = kind.model._meta.get_field(spec.name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        links = (
            list(
                through.objects.filter(**{f"{source}_id__in": ids}).values_list(
                    f"{source}_id", f"{target}_id"
                )
            )
            if ids
            else []
        )
        targets = field.related_model._default_manager.in_bulk({t for _s, t in links})
        grouped = {}
        for source_id, target_id in links:
            grouped.setdefault(source_id, []).append(targets[target_id])
        for row in rows:
            cache = row.__dict__.setdefault("_prefetched_objects_cache", {})
            cache[spec.name] = _Linked(grouped.get(row.pk, ()))
    return rows


def current_data(kind_name, row):
    """The register data of one row as it is in the database now."""
    kind = KINDS[kind_name]
    return to_data(kind, prefetch(kind, kind.model.objects.filter(pk=row.pk))[0])
