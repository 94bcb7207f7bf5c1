"""The rule engine: rules register themselves with `@rule`, `run` applies them to a context.

A rule is a small function over a `Context` (the register as plain data, as the YAML file holds
it, and the organisation's operational data, loaded once each) that yields `Hit`s. The engine
turns each hit into a `Finding`: the rule's id, severity, article and explanation, the object
it is about, a fingerprint of that object's data (a dismissal holds while it is unchanged) and
the link to the page where it is fixed.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from waarborg.core.dates import parse_duration
from waarborg.core.fields import translated
from waarborg.core.models import TermKind

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_LABELS = {ERROR: _("Error"), WARNING: _("Warning"), INFO: _("Note")}

# What a rule needs besides the register; a rule whose needs the context lacks does not run
# (a register file checked without importing it has no requests, ledger or statement).
REGISTER, OPERATIONS = "register", "operations"

AREAS = {
    "organisation": _("Organisation"),
    "activities": _("Processing activities"),
    "retention": _("Retention"),
    "processors": _("Processors"),
    "transfers": _("Transfers"),
    "marketing": _("Consent and marketing"),
    "cookies": _("Cookies"),
    "dpia": _("DPIA"),
    "requests": _("Requests"),
    "breaches": _("Data breaches"),
    "security": _("Security"),
    "statement": _("Privacy statement"),
    "reference": _("Reference data"),
}


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    area: str
    severity: str
    article: str  # the legal source, cited as written (not translated)
    title: str
    explanation: str
    func: object
    guidance: bool = False  # rests on AP guidance or a code, not on the text of the law
    # In the statement's completeness check: True (an error blocks publishing), "warning"
    # (shown there, never blocking), False (not about what the statement says).
    statement: object = False
    needs: str = REGISTER
    field: str = ""  # the register field an object's finding is about: its form opens there


REGISTRY = {}


def rule(id, *, area, severity, article, title, explanation, guidance=False, statement=False,
         needs=REGISTER, field=""):  # fmt: skip
    """Register the decorated function as a rule. Other apps add rules the same way."""

    def decorator(func):
        if id in REGISTRY:
            raise ValueError(f"two rules with the id {id}")
        REGISTRY[id] = Rule(
            id, area, severity, article, title, explanation, func, guidance, statement, needs,
            field,
        )  # fmt: skip
        return func

    return decorator


@dataclass
class Hit:
    """What a rule found: the object (kind and key), a message about it, and its data."""

    kind: str  # a register section, "organisation", "requests", "consent", "retention", ...
    key: str
    message: str
    data: object = None  # hashed into the fingerprint; the object's own data by default
    part: str = ""  # tells two hits of one rule on one object apart (a party of an activity)
    name: str = ""


@dataclass
class Finding:
    rule: Rule
    kind: str
    key: str
    name: str
    message: str
    fingerprint: str
    url: str = ""
    part: str = ""
    dismissal: object = None

    @property
    def id(self):
        return ":".join(p for p in (self.rule.id, self.kind, self.key, self.part) if p)

    @property
    def severity(self):
        return self.rule.severity

    @property
    def detail(self):
        """The message where it adds to the rule's title (not a repetition of it)."""
        message = str(self.message)
        if message.rstrip(".").lower() == str(self.rule.title).rstrip(".").lower():
            return ""
        return message

    @property
    def location(self):
        return f"{self.kind}/{self.key}" if self.key else self.kind

    def as_dict(self):
        return {
            "id": self.id,
            "rule": self.rule.id,
            "severity": self.severity,
            "area": self.rule.area,
            "article": self.rule.article,
            "guidance": self.rule.guidance,
            "object": self.location,
            "name": self.name,
            "message": str(self.message),
            "explanation": str(self.rule.explanation),
            "url": self.url,
            "dismissed": self.dismissal is not None,
        }


def fingerprint(data):
    text = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def people_date(value):
    """A date as people read it: '1 december 2026' / '1 December 2026'."""
    return formats.date_format(value, "j F Y") if value else ""


_BASE = datetime.date(2000, 1, 1)


def period_days(duration):
    """The length of an ISO 8601 period in days (from a fixed date), or None if malformed."""
    try:
        return ((_BASE + parse_duration(duration)) - _BASE).days
    except (ValueError, TypeError):
        return None


REGISTER_URL_KINDS = {"activities", "parties", "systems", "retention_rules", "security_measures"}


def default_url(kind, key):
    """The page where an object of the register is fixed; '' outside an installation."""
    try:
        if kind in REGISTER_URL_KINDS and key:
            return reverse("register:detail", kwargs={"kind_name": kind, "key": key})
        if kind == "organisation":
            return reverse("core:organisation_edit")
    except NoReverseMatch:
        return ""
    return ""


class Context:
    """What the rules read: the register as data, its taxonomy and reference data, today.

    `operations` (an `Operations`, see operations.py) is None when a file is checked on its
    own; rules that need it then do not run.
    """

    def __init__(self, snapshot, index, *, reference, today=None, organisation=None,
                 operations=None):  # fmt: skip
        self.snapshot = snapshot
        self.index = index
        self.reference = reference
        self.today = today or timezone.localdate()
        self.organisation = organisation
        self.operations = operations

    @cached_property
    def items(self):
        """{section: {key: item}} of the items in use (retired ones are left out)."""
        return {
            section: {
                item["key"]: item
                for item in self.snapshot.get(section, [])
                if item.get("status", "active") != "retired"
            }
            for section in REGISTER_URL_KINDS
        }

    @property
    def activities(self):
        return self.items["activities"].values()

    @property
    def parties(self):
        return self.items["parties"]

    def term(self, kind, code):
        own = self._own_terms.get((kind, code))
        return own if own is not None else self.index.get(kind, code)

    @cached_property
    def _own_terms(self):
        # Terms a register file defines itself (not yet in the database).
        from types import SimpleNamespace

        terms = {}
        for entry in self.snapshot.get("terms", []):
            terms[(entry["kind"], entry["code"])] = SimpleNamespace(
                code=entry["code"],
                special=entry.get("special", False),
                criminal=entry.get("criminal", False),
                national_id=entry.get("national_id", False),
                adequacy=entry.get("adequacy", ""),
                label=lambda language=None, entry=entry: entry.get("nl") or entry["code"],
            )
        return terms

    def country(self, code):
        return self.term(TermKind.COUNTRY, code)

    def label(self, kind, code):
        term = self.term(kind, code)
        return term.label() if term is not None else code

    def name(self, item):
        return translated(item.get("name")) or item.get("key", "")

    def retention_rules_of(self, item):
        rules = self.items["retention_rules"]
        return [rules[key] for key in item.get("retention_rules", []) if key in rules]


def selected_rules(*, statement_only=False, ids=None):
    rules = REGISTRY.values()
    if statement_only:
        rules = [r for r in rules if r.statement]
    if ids is not None:
        rules = [r for r in rules if r.id in ids]
    return list(rules)


def run(context, rules=None, dismissals=None):
    """The findings of `rules` (all registered rules by default), errors first.

    `dismissals` maps a finding id to its `Dismissal`; a dismissal applies while the object's
    fingerprint is the one it was dismissed at, so a change brings the finding back.
    """
    dismissals = dismissals or {}
    findings = []
    for current in rules if rules is not None else REGISTRY.values():
        if current.needs == OPERATIONS and context.operations is None:
            continue
        for hit in current.func(context):
            data = hit.data
            if data is None:
                data = _object_data(context, hit.kind, hit.key)
            finding = Finding(
                rule=current,
                kind=hit.kind,
                key=hit.key,
                part=hit.part,
                name=hit.name or _object_name(context, hit.kind, hit.key),
                message=hit.message,
                fingerprint=fingerprint(data),
                url=_url(context, hit.kind, hit.key),
            )
            dismissal = dismissals.get(finding.id)
            if dismissal is not None and dismissal.fingerprint == finding.fingerprint:
                finding.dismissal = dismissal
            findings.append(finding)
    order = {severity: position for position, severity in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.rule.area, f.rule.id, f.kind, f.key))
    return findings


def _object_data(context, kind, key):
    if kind in context.items:
        return context.items[kind].get(key)
    if kind == "organisation":
        return context.snapshot.get("organisation")
    return key


def _object_name(context, kind, key):
    if kind in context.items and key in context.items[kind]:
        return context.name(context.items[kind][key])
    if kind == "organisation":
        return context.snapshot.get("organisation", {}).get("name", "")
    return key


def _url(context, kind, key):
    if context.organisation is None:
        return ""
    if context.operations is not None:
        url = context.operations.url(kind, key)
        if url is not None:
            return url
    return default_url(kind, key)


def counts(findings):
    """{area: {severity: n}} of the findings that are not dismissed."""
    result = {}
    for finding in findings:
        if finding.dismissal is None:
            area = result.setdefault(finding.rule.area, dict.fromkeys(SEVERITIES, 0))
            area[finding.severity] += 1
    return result


@dataclass
class Summary:
    findings: list
    open: list = field(default_factory=list)
    dismissed: list = field(default_factory=list)

    def __post_init__(self):
        self.open = [f for f in self.findings if f.dismissal is None]
        self.dismissed = [f for f in self.findings if f.dismissal is not None]

    def of(self, severity):
        return [f for f in self.open if f.severity == severity]

    @property
    def errors(self):
        return self.of(ERROR)
