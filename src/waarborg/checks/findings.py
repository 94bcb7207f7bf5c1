"""Findings of an organisation (from the database) or of a register file (without importing it)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.checks import engine, reference
from waarborg.checks.models import Dismissal
from waarborg.checks.operations import Operations
from waarborg.core.access import scoped
from waarborg.core.models import OPEN_KINDS, Term, TermKind
from waarborg.core.taxonomy import FLAGS, TermIndex, shipped_entries
from waarborg.register.schema import KINDS, ORDER, check_item
from waarborg.register.yamlio import RegisterFileError, load_with_lines, register_data


def context_for(organisation, today=None):
    today = today or timezone.localdate()
    return engine.Context(
        register_data(organisation),
        TermIndex(organisation),
        reference=reference.load(),
        today=today,
        organisation=organisation,
        operations=Operations(organisation, today),
    )


def dismissals_of(organisation):
    return {d.finding: d for d in scoped(Dismissal, organisation).select_related("dismissed_by")}


def findings_for(organisation, *, today=None, statement_only=False):
    """The organisation's findings now, dismissed ones marked."""
    context = context_for(organisation, today)
    rules = engine.selected_rules(statement_only=statement_only)
    return engine.run(context, rules, dismissals_of(organisation))


def statement_findings(snapshot, index, organisation=None):
    """The rules a statement needs (Art. 13), over a snapshot: the statement's check."""
    context = engine.Context(snapshot, index, reference=reference.load(), organisation=organisation)
    return engine.run(context, engine.selected_rules(statement_only=True))


class ShippedIndex(TermIndex):
    """The shipped taxonomy read from its file: a register file is checked without a database."""

    def __init__(self):
        self._codes = {}
        self.by_kind = {kind: {} for kind in TermKind.values}
        for kind, entry in shipped_entries():
            term = Term(
                kind=kind,
                code=str(entry["code"]),
                label_nl=entry["nl"],
                label_en=entry["en"],
                article=entry.get("article", ""),
                adequacy=entry.get("adequacy", ""),
                **{flag: flag in entry.get("flags", ()) for flag in FLAGS},
            )
            self.by_kind[kind][term.code] = term


def check_file(text, today=None):
    """The findings of a register file, read and validated as an import would, not imported.

    Raises RegisterFileError naming each problem's line when the file is not a valid register.
    """
    data, lines = load_with_lines(text)
    if not isinstance(data, dict):
        raise RegisterFileError([f"{_where(lines, ())}: {_('not a register file')}"])
    index = ShippedIndex()
    for entry in data.get("terms") or []:
        if isinstance(entry, dict) and entry.get("kind") in OPEN_KINDS and entry.get("code"):
            index.add(
                Term(
                    kind=entry["kind"],
                    code=str(entry["code"]),
                    label_nl=str(entry.get("nl") or entry["code"]),
                    label_en=str(entry.get("en") or entry.get("nl") or entry["code"]),
                    adequacy=entry.get("adequacy", ""),
                    **{flag: bool(entry.get(flag)) for flag in FLAGS},
                )
            )
    problems = []
    keys = {
        name: {item.get("key") for item in data.get(name) or [] if isinstance(item, dict)}
        for name in ORDER
    }
    for name in ORDER:
        for position, item in enumerate(data.get(name) or []):
            if not isinstance(item, dict):
                problems.append(f"{_where(lines, (name, position))}: {name}[{position}]: ?")
                continue
            for error in check_item(KINDS[name], item, terms=index, keys=keys):
                path = (name, position, error.field_name)
                problems.append(
                    f"{_where(lines, path)}: {name}[{position}].{error.field_name}: {error.message}"
                )
    if problems:
        raise RegisterFileError(problems)
    context = engine.Context(
        data, index, reference=reference.load(), today=today or timezone.localdate()
    )
    return engine.run(context)


def _where(lines, path):
    for depth in range(len(path), -1, -1):
        if path[:depth] in lines:
            return _("line %(line)s") % {"line": lines[path[:depth]]}
    return _("the file")
