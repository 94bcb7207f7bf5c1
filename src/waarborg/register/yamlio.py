"""The register as a YAML file: export, and an all-or-nothing import with a dry run.

The format is documented in docs/register-yaml.md. Export is deterministic (items by key,
fields in a fixed order, defaults left out), so export -> import -> export gives the same bytes.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.core import actions as core_actions
from waarborg.core.access import scoped
from waarborg.core.models import OPEN_KINDS, Adequacy, Organisation, Term
from waarborg.core.taxonomy import TermIndex
from waarborg.register.actions import Resolver, add_term, write_item
from waarborg.register.models import Status
from waarborg.register.schema import (
    DPIA_FIELDS,
    KINDS,
    ORDER,
    check_item,
    current_data,
    prefetch,
    to_data,
)

FORMAT_VERSION = 1
TOP_KEYS = ["waarborg", "organisation", "terms", *ORDER]
TERM_KEYS = ["kind", "code", "nl", "en", "special", "criminal", "national_id", "adequacy"]
TERM_FLAGS = ("special", "criminal", "national_id")


class RegisterFileError(Exception):
    """The file cannot be imported; `problems` are messages that name the line and field."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


# libyaml's emitter when PyYAML has it: several times faster, the same output.
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    pass


def _text(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _organisation_data(organisation):
    data = {}
    for name in core_actions.ORGANISATION_FIELDS:
        value = getattr(organisation, name)
        default = organisation._meta.get_field(name).get_default()
        if name == "name" or value != default:
            data[name] = value
    return data


def _term_data(term):
    data = {"kind": term.kind, "code": term.code, "nl": term.label_nl, "en": term.label_en}
    data.update({flag: True for flag in TERM_FLAGS if getattr(term, flag)})
    if term.adequacy:
        data["adequacy"] = term.adequacy
    return data


def register_data(organisation):
    """The whole register of an organisation as plain data, in a fixed number of queries."""
    data = {"waarborg": FORMAT_VERSION, "organisation": _organisation_data(organisation)}
    own_terms = Term.objects.filter(organisation=organisation).order_by("kind", "code")
    if own_terms:
        data["terms"] = [_term_data(term) for term in own_terms]
    for name in ORDER:
        kind = KINDS[name]
        rows = prefetch(kind, scoped(kind.model, organisation).order_by("key"))
        items = [to_data(kind, row) for row in rows]
        if items:
            data[name] = items
    return data


def dump(data):
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def export_register(organisation):
    return dump(register_data(organisation))


# --- reading -------------------------------------------------------------------------------


MAX_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 200
MAX_DEPTH = 40
MAX_NODES = 1_000_000  # values built, counting each use of an alias anew


def _check_limits(text):
    """Refuse, from the event stream alone (nothing is built yet, nothing locked), a file that
    is too large, too deep or has too many aliases: a few hundred bytes of nested aliases
    would otherwise expand to gigabytes."""
    if len(text) > MAX_BYTES:
        raise RegisterFileError(
            [_("the file is larger than %(mb)s MB") % {"mb": MAX_BYTES // (1024 * 1024)}]
        )
    aliases = depth = 0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise RegisterFileError(
                        [_line(event, _("more than %(n)s aliases (*name)") % {"n": MAX_ALIASES})]
                    )
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise RegisterFileError(
                        [_line(event, _("nested more than %(n)s levels deep") % {"n": MAX_DEPTH})]
                    )
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def load_with_lines(text):
    """Parse YAML into plain data and a map from path (tuple of keys/indexes) to line number.

    Duplicate keys in a mapping are an error (PyYAML would silently keep the last one). Size,
    depth and aliases are limited (`_check_limits`), and so are the values built.
    """
    lines = {}
    budget = [MAX_NODES]
    try:
        _check_limits(text)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    except yaml.YAMLError:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # the parse below says why
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines

        def build(node, path):
            budget[0] -= 1
            if budget[0] < 0:
                raise RegisterFileError(
                    [
                        _line(
                            node, _("the file expands to more than %(n)s values") % {"n": MAX_NODES}
                        )
                    ]
                )
            lines[path] = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                result = {}
                for key_node, value_node in node.value:
                    key = loader.construct_object(key_node, deep=True)
                    if not isinstance(key, str | int | bool) or key is None:
                        raise RegisterFileError([_line(key_node, _("a key must be plain text"))])
                    if key in result:
                        raise RegisterFileError(
                            [_line(key_node, _("%(key)s appears twice") % {"key": key})]
                        )
                    result[key] = build(value_node, (*path, key))
                    lines[(*path, key, "@key")] = key_node.start_mark.line + 1
                return result
            if isinstance(node, yaml.SequenceNode):
                return [build(child, (*path, index)) for index, child in enumerate(node.value)]
            return loader.construct_object(node, deep=True)

        return build(node, ()), lines
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("line %(line)s") % {"line": mark.line + 1} if mark else _("the file")
        problem = getattr(error, "problem", None) or str(error)
        invalid = _("not valid YAML")
        raise RegisterFileError([f"{where}: {invalid}: {problem}"]) from error
    finally:
        loader.dispose()


def _line(node, message):
    where = _("line %(line)s") % {"line": node.start_mark.line + 1}
    return f"{where}: {message}"


@dataclass
class Plan:
    """What an import changes: filled by `plan_import`, carried out by `import_register`."""

    data: dict
    organisation_changes: list = field(default_factory=list)
    new_terms: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # (kind, key, "create"/"update"/"retire", fields)

    @property
    def is_empty(self):
        return not (self.organisation_changes or self.new_terms or self.changes)

    def lines(self):
        out = []
        verbs = {"create": _("create"), "update": _("update"), "retire": _("retire")}
        if self.organisation_changes:
            out.append(
                _("update organisation: %(fields)s")
                % {"fields": ", ".join(self.organisation_changes)}
            )
        out += [
            _("add term %(kind)s %(code)s") % {"kind": kind, "code": code}
            for kind, code in self.new_terms
        ]
        for kind, key, change, fields in self.changes:
            detail = f": {', '.join(fields)}" if change == "update" and fields else ""
            out.append(f"{verbs[change]} {kind}/{key}{detail}")
        return out or [_("no changes")]


class _Problems:
    def __init__(self, lines):
        self.lines = lines
        self.items = []

    def add(self, path, message, key_line=False):
        line = None
        for depth in range(len(path), -1, -1):
            probe = (*path[:depth], "@key") if key_line and depth == len(path) else path[:depth]
            line = self.lines.get(probe) or self.lines.get(path[:depth])
            if line:
                break
        label = ".".join(
            f"[{part}]" if isinstance(part, int) else str(part) for part in path
        ).replace(".[", "[")
        prefix = _("line %(line)s") % {"line": line} if line else _("the file")
        self.items.append(f"{prefix}: {label}: {message}" if label else f"{prefix}: {message}")


def _check_top(data, problems):
    if not isinstance(data, dict):
        problems.add(
            (),
            _("the file must be a mapping with the sections %(sections)s")
            % {"sections": ", ".join(TOP_KEYS)},
        )
        return False
    for key in data:
        if key not in TOP_KEYS:
            problems.add(
                (key,),
                _("unknown section; allowed: %(allowed)s") % {"allowed": ", ".join(TOP_KEYS)},
                key_line=True,
            )
    if data.get("waarborg") != FORMAT_VERSION:
        problems.add(
            ("waarborg",),
            _("must be %(version)s (the format version)") % {"version": FORMAT_VERSION},
        )
    for name in ["terms", *ORDER]:
        if name in data and not isinstance(data[name], list):
            problems.add((name,), _("must be a list"))
    return not problems.items


def _check_organisation(organisation, data, problems):
    section = data.get("organisation")
    if not isinstance(section, dict):
        problems.add(("organisation",), _("is required: a mapping with at least name"))
        return []
    allowed = core_actions.ORGANISATION_FIELDS
    for key in section:
        if key not in allowed:
            problems.add(
                ("organisation", key),
                _("unknown key; allowed: %(allowed)s") % {"allowed": ", ".join(allowed)},
                key_line=True,
            )
    candidate = Organisation.objects.get(pk=organisation.pk)
    for name in allowed:
        value = section.get(name, candidate._meta.get_field(name).get_default())
        setattr(candidate, name, "" if value is None else value)
    try:
        candidate.full_clean(exclude=["slug"])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            problems.add(("organisation", name), " ".join(messages))
    current = _organisation_data(organisation)
    wanted = _organisation_data(candidate)
    return sorted(name for name in {**current, **wanted} if current.get(name) != wanted.get(name))


def _check_terms(organisation, data, index, problems):
    new_terms = []
    for position, entry in enumerate(data.get("terms") or []):
        path = ("terms", position)
        if not isinstance(entry, dict):
            problems.add(path, _("must be a mapping"))
            continue
        for key in entry:
            if key not in TERM_KEYS:
                problems.add(
                    (*path, key),
                    _("unknown key; allowed: %(allowed)s") % {"allowed": ", ".join(TERM_KEYS)},
                    key_line=True,
                )
        kind, code = entry.get("kind"), entry.get("code")
        if kind not in OPEN_KINDS:
            problems.add(
                (*path, "kind"),
                _("%(value)r is not allowed; use one of: %(allowed)s")
                % {"value": kind, "allowed": ", ".join(OPEN_KINDS)},
            )
            continue
        if not isinstance(code, str) or not code or not isinstance(entry.get("nl"), str):
            problems.add(path, _("code and nl are required texts"))
            continue
        if entry.get("adequacy") not in (None, *Adequacy.values):
            problems.add(
                (*path, "adequacy"),
                _("%(value)r is not allowed; use one of: %(allowed)s")
                % {"value": entry["adequacy"], "allowed": ", ".join(Adequacy.values)},
            )
        existing = index.get(kind, code)
        if existing is None:
            new_terms.append((kind, code))
            index.add(
                Term(
                    organisation=organisation,
                    kind=kind,
                    code=code,
                    label_nl=entry["nl"],
                    label_en=entry.get("en") or entry["nl"],
                    adequacy=entry.get("adequacy", ""),
                    **{flag: bool(entry.get(flag)) for flag in TERM_FLAGS},
                )
            )
        elif existing.organisation_id is None:
            problems.add((*path, "code"), _("is a shipped term already; use it without adding it"))
    return new_terms


def _order_parties(items, problems):
    """Parties ordered so that each comes after its sub-processors; a cycle is an error."""
    by_key = {item.get("key"): (position, item) for position, item in enumerate(items)}
    ordered, state = [], {}

    def visit(key, trail):
        if state.get(key) == "done" or key not in by_key:
            return
        if state.get(key) == "busy":
            position = by_key[key][0]
            problems.add(
                ("parties", position, "sub_processors"),
                _("sub-processors form a cycle: %(cycle)s") % {"cycle": " -> ".join([*trail, key])},
            )
            return
        state[key] = "busy"
        for sub in by_key[key][1].get("sub_processors") or []:
            if isinstance(sub, str):
                visit(sub, [*trail, key])
        state[key] = "done"
        ordered.append(by_key[key])

    for key in by_key:
        visit(key, [])
    return ordered


def plan_import(organisation, text, merge=False):
    """Validate a register file completely and work out what importing it changes.

    The file is the whole register: items not in it are retired. With `merge` (the starter
    set), the file adds to the register: the organisation section is optional, items may refer
    to items already in the register, and nothing is retired. Raises RegisterFileError with
    every problem found; changes nothing.
    """
    data, lines = load_with_lines(text)
    problems = _Problems(lines)
    if not _check_top(data, problems):
        raise RegisterFileError(problems.items)
    plan = Plan(data=data)
    if not (merge and "organisation" not in data):
        plan.organisation_changes = _check_organisation(organisation, data, problems)
    index = TermIndex(organisation)
    plan.new_terms = _check_terms(organisation, data, index, problems)
    file_keys = {}
    for name in ORDER:
        keys = set()
        for position, item in enumerate(data.get(name) or []):
            key = item.get("key") if isinstance(item, dict) else None
            if key in keys:
                problems.add((name, position, "key"), _("%(key)r is used twice") % {"key": key})
            keys.add(key)
        file_keys[name] = keys
    current = {}
    for name in ORDER:
        kind = KINDS[name]
        rows = prefetch(kind, scoped(kind.model, organisation))
        current[name] = {row.key: to_data(kind, row) for row in rows}
        if merge:
            file_keys[name] |= set(current[name])
    for name in ORDER:
        kind = KINDS[name]
        for position, item in enumerate(data.get(name) or []):
            path = (name, position)
            if not isinstance(item, dict):
                problems.add(path, _("must be a mapping"))
                continue
            for error in check_item(kind, item, terms=index, keys=file_keys):
                problems.add(
                    (*path, error.field_name),
                    str(error.message),
                    key_line=error.field_name not in item or "unknown" in str(error),
                )
    if "parties" in data and not problems.items:
        _order_parties(data["parties"], problems)
    if problems.items:
        raise RegisterFileError(problems.items)
    for item in data.get("activities") or []:
        old = current["activities"].get(item["key"])
        if old is not None and not any(field in item for field in DPIA_FIELDS):
            item.update({f: old[f] for f in DPIA_FIELDS if f in old})
    for name in ORDER:
        wanted = {item["key"]: item for item in data.get(name) or []}
        for key, item in sorted(wanted.items()):
            old = current[name].get(key)
            if old is None:
                plan.changes.append((name, key, "create", []))
            elif old != item:
                changed = sorted(f for f in {**old, **item} if old.get(f) != item.get(f))
                plan.changes.append((name, key, "update", changed))
        for key, old in sorted(current[name].items()):
            if (
                not merge
                and key not in wanted
                and old.get("status", Status.ACTIVE) != Status.RETIRED
            ):
                plan.changes.append((name, key, "retire", []))
    return plan


@transaction.atomic
def import_register(organisation, text, *, actor, dry_run=False, merge=False):
    """Import a register file: all of it or, on any problem, nothing. Returns the Plan."""
    plan = plan_import(organisation, text, merge=merge)
    if dry_run or plan.is_empty:
        return plan
    data = plan.data
    if plan.organisation_changes:
        section = data["organisation"]
        core_actions.update_organisation(
            organisation,
            actor=actor,
            **{
                name: section.get(name, organisation._meta.get_field(name).get_default())
                for name in core_actions.ORGANISATION_FIELDS
            },
        )
    entries = {(entry["kind"], entry["code"]): entry for entry in data.get("terms") or []}
    for kind, code in plan.new_terms:
        entry = entries[(kind, code)]
        add_term(
            organisation,
            actor=actor,
            kind=kind,
            code=code,
            label_nl=entry["nl"],
            label_en=entry.get("en", ""),
            adequacy=entry.get("adequacy", ""),
            **{flag: bool(entry.get(flag)) for flag in TERM_FLAGS},
        )
    resolver = Resolver(organisation)
    changing = {(kind, key) for kind, key, _change, _fields in plan.changes}
    for name in ORDER:
        items = data.get(name) or []
        if name == "parties":
            items = [item for _position, item in _order_parties(items, _Problems({}))]
        for item in items:
            if (name, item["key"]) in changing:
                instance = resolver.get(name, item["key"])
                write_item(
                    name, organisation, item, actor=actor, instance=instance, resolver=resolver
                )
        for kind, key, change, _fields in plan.changes:
            if kind == name and change == "retire":
                row = resolver(name, key)
                retired = {**current_data(name, row), "status": Status.RETIRED}
                write_item(
                    name, organisation, retired, actor=actor, instance=row, resolver=resolver
                )
    record_entry(
        organisation,
        actor=actor,
        action="register.imported",
        new={
            "changes": len(plan.changes),
            "terms": len(plan.new_terms),
            "organisation": plan.organisation_changes,
        },
    )
    return plan


STARTER_FILE = Path(__file__).parent / "data" / "starter.yaml"


def apply_starter(organisation, *, actor):
    """Add the starter set of common small-firm activities to an organisation's register."""
    return import_register(
        organisation, STARTER_FILE.read_text(encoding="utf-8"), actor=actor, merge=True
    )
