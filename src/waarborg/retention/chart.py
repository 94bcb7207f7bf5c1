"""Retention due per system, for the overview's SVG bar chart: per connected system the rows
its rules take at the next sweep against the rows it holds, and the systems reviewed by hand.
Each bar carries its numbers in words, so the chart reads without colour."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

LABEL_WIDTH = 190
BAR_WIDTH = 320
NOTE_WIDTH = 260
ROW = 26
TOP = 8


def build(items):
    """The chart of a retention plan (`actions.build_plan`), or None without any system."""
    systems = {}
    for item in items:
        if item.kind not in ("source", "review") or item.system is None:
            continue
        entry = systems.setdefault(
            item.system.pk,
            {"system": item.system, "due": 0, "tables": {}, "review": False, "problem": False},
        )
        if item.kind == "review":
            entry["review"] = True
            continue
        if item.problem:
            entry["problem"] = True
        entry["due"] += item.count or 0
        if item.total is not None:  # one table under several rules is counted once
            entry["tables"][item.collection] = max(
                entry["tables"].get(item.collection, 0), item.total
            )
    if not systems:
        return None
    rows = sorted(systems.values(), key=lambda e: (-e["due"], str(e["system"]).lower()))
    most = max([sum(e["tables"].values()) for e in rows] + [1])
    bars = []
    for number, entry in enumerate(rows):
        total = sum(entry["tables"].values())
        y = TOP + number * ROW
        if entry["review"] and not entry["tables"]:
            note = _("no connection: reviewed by hand")
        elif entry["problem"] and not total:
            note = _("not counted: see the table below")
        else:
            note = _("%(due)s of %(total)s rows due") % {
                "due": number_format(entry["due"], force_grouping=True),
                "total": number_format(total, force_grouping=True),
            }
        bars.append(
            {
                "system": entry["system"],
                "y": y,
                "text_y": y + ROW // 2 + 4,
                "total_width": round(total * BAR_WIDTH / most) if total else 0,
                "due_width": round(entry["due"] * BAR_WIDTH / most) if entry["due"] else 0,
                "note": note,
                "due": entry["due"],
            }
        )
    return {
        "bars": bars,
        "width": LABEL_WIDTH + BAR_WIDTH + NOTE_WIDTH,
        "height": TOP + len(bars) * ROW + 4,
        "bar_x": LABEL_WIDTH,
        "note_x": LABEL_WIDTH + BAR_WIDTH + 8,
        "bar_height": ROW - 10,
    }
