"""What an answer says happened, built from the tasks' outcomes and from nothing else.

Each system task gives exactly one statement, in the person's language: erased, corrected,
restricted, found and enclosed, nothing found, kept under a legal hold (with the reason), not
applicable (with the reason), or not handled (a privacy officer's waiver, with the reason). A
system is never said to be erased and kept at once: an erasure that had to keep some rows says
"erased, except ..." in one statement, naming what was kept and why; its mail and documents
add how many messages were deleted and how many items were kept and why.
"""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waarborg.core.fields import translated
from waarborg.requests.models import HitDecision, Kind, TaskKind, TaskOutcome, TaskStatus


def task_name(task, language):
    item = task.system or task.party
    return (translated(item.name, language) if item else "") or task.title


def held_parts(result):
    """[(what, rows, reason)] that an automatic erasure kept because the law requires it."""
    parts = []
    for table, entry in sorted((result.get("evidence") or {}).items()):
        if entry.get("action") == "held" and entry.get("rows"):
            parts.append((table, entry["rows"], entry.get("reason", "")))
        nested = entry.get("held") or {}
        if nested.get("rows"):
            parts.append((table, nested["rows"], nested.get("reason", "")))
        for field, reason in sorted((entry.get("held_fields") or {}).items()):
            parts.append((f"{table}.{field}", None, reason))
    return parts


def _parts_text(parts):
    pieces = []
    for what, rows, reason in parts:
        count = f" ({rows})" if rows else ""
        pieces.append(f"{what}{count}: {reason}" if reason else f"{what}{count}")
    return "; ".join(pieces)


def _done_text(kind, name, task):
    if kind == Kind.ERASURE:
        parts = held_parts(task.result)
        if parts:
            return _(
                "%(system)s: erased, except what the law requires us to keep: %(parts)s. We "
                "have restricted that data: we use it only for that duty and erase it when the "
                "period ends."
            ) % {"system": name, "parts": _parts_text(parts)}
        return _("%(system)s: erased.") % {"system": name}
    texts = {
        Kind.ACCESS: _("%(system)s: we found your data; it is in the overview."),
        Kind.PORTABILITY: _("%(system)s: we found your data; it is in the file."),
        Kind.RECTIFICATION: _("%(system)s: corrected."),
        Kind.RESTRICTION: _(
            "%(system)s: restricted: we keep your data but no longer use it, except with your "
            "consent or where the law allows it."
        ),
        Kind.OBJECTION: _("%(system)s: we have stopped using your data for this processing."),
        Kind.WITHDRAWAL: _("%(system)s: your consent is withdrawn."),
    }
    return texts[kind] % {"system": name}


def statement(kind, task, language):
    """{"task", "system", "outcome", "text", "note"} of one system task, in `language`."""
    with translation.override(language):
        name = task_name(task, language)
        reason = (task.outcome_reason or "").strip()
        values = {"system": name, "reason": reason}
        if task.status == TaskStatus.WAIVED:
            outcome = "waived"
            text = _("%(system)s: not handled: %(reason)s.") % {
                "system": name,
                "reason": (task.waiver_reason or "").strip().rstrip("."),
            }
        else:
            outcome = task.outcome or (
                TaskOutcome.NOT_APPLICABLE
                if task.status == TaskStatus.NOT_APPLICABLE
                else TaskOutcome.DONE
            )
            values["reason"] = reason.rstrip(".")
            if outcome == TaskOutcome.DONE:
                text = _done_text(kind, name, task)
            elif outcome == TaskOutcome.NOTHING_FOUND:
                text = _("%(system)s: we found no data of yours.") % values
            elif outcome == TaskOutcome.LEGAL_HOLD:
                text = (
                    _(
                        "%(system)s: kept, because the law requires it: %(reason)s. We have "
                        "restricted it: we use it only for that duty and erase it when the "
                        "period ends."
                    )
                    % values
                )
            elif outcome == TaskOutcome.RESTRICTED:
                text = (
                    _("%(system)s: restricted: %(reason)s.") % values
                    if reason
                    else _("%(system)s: restricted: we keep your data but no longer use it.")
                    % values
                )
            else:
                text = _("%(system)s: not applicable: %(reason)s.") % values
        if kind == Kind.ERASURE and task.status != TaskStatus.WAIVED:
            extra = _documents_text(task, language)
            text = f"{text} {extra}" if extra else text
        if kind == Kind.ACCESS and task.status == TaskStatus.DONE:
            included = task.document_hits.filter(decision=HitDecision.INCLUDED).count()
            if included:
                text += " " + ngettext(
                    "Mail and documents: %(count)s message or file in which we found you is in "
                    "the package.",
                    "Mail and documents: %(count)s messages and files in which we found you are "
                    "in the package.",
                    included,
                ) % {"count": included}
    note = task.notes.strip() if task.notes_for_person and task.notes else ""
    return {"task": task.pk, "system": name, "outcome": str(outcome), "text": text, "note": note}


def _documents_text(task, language):
    """What happened to the person's mail and documents of the task, as recorded."""
    from waarborg.requests.document_holds import facts_text

    return facts_text(list(task.document_hits.select_related("source", "hold_rule")), language)


def statements(subject_request, tasks=None):
    """One statement per resolved system task of the request, in task order."""
    tasks = subject_request.tasks.all() if tasks is None else tasks
    return [
        statement(subject_request.kind, task, subject_request.language)
        for task in tasks
        if task.kind == TaskKind.SYSTEM and not task.is_open
    ]


def told_recipients(subject_request, tasks=None):
    """The recipients actually told (Art. 19): notice tasks done."""
    tasks = subject_request.tasks.all() if tasks is None else tasks
    language = subject_request.language
    return [
        task_name(task, language)
        for task in tasks
        if task.kind == TaskKind.NOTIFY
        and task.status == TaskStatus.DONE
        and task.outcome in ("", TaskOutcome.DONE)
    ]
