"""The open requests against their deadlines, laid out for the dashboard's SVG timeline: one
row per request, a bar from receipt to the deadline, the days past it drawn hatched, and
today as a line. Each row says its state in words, so the picture reads without colour."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waarborg.core.dates import format_day

LABEL_WIDTH = 110
CHART_WIDTH = 520
NOTE_WIDTH = 200
ROW = 22
TOP = 24
MOST_ROWS = 40


def build(rows, today, local_date):
    """The timeline of the open requests among `rows` that have a deadline (at most 40, the
    most urgent first, as the dashboard orders them), or None when there is none."""
    shown = [r for r in rows if r.is_open and r.deadline][:MOST_ROWS]
    if not shown:
        return None
    starts = {r.pk: local_date(r.received_at) for r in shown}
    first = min(min(starts.values()), today)
    last = max(max(r.deadline for r in shown), today) + timedelta(days=1)
    span = max((last - first).days, 1)

    def x(day):
        return LABEL_WIDTH + round((day - first).days * CHART_WIDTH / span)

    bars = []
    for number, r in enumerate(shown):
        y = TOP + number * ROW
        start, due = starts[r.pk], r.deadline
        late = (today - due).days
        if late > 0:
            note = ngettext("%(days)s day overdue", "%(days)s days overdue", late) % {"days": late}
        elif late == 0:
            note = _("due today")
        else:
            note = _("due %(day)s") % {"day": format_day(due)}
        bars.append(
            {
                "reference": r.reference,
                "pk": r.pk,
                "kind": r.get_kind_display(),
                "y": y,
                "text_y": y + ROW // 2 + 4,
                "x": x(start),
                "width": max(x(due) - x(start), 2),
                "late_x": x(due),
                "late_width": max(x(today) - x(due), 0) if late > 0 else 0,
                "urgency": r.urgency(today),
                "note": note,
                "span": _("received %(start)s, due %(due)s")
                % {"start": format_day(start), "due": format_day(due)},
            }
        )
    height = TOP + len(shown) * ROW + 6
    return {
        "bars": bars,
        "width": LABEL_WIDTH + CHART_WIDTH + NOTE_WIDTH,
        "height": height,
        "today_x": x(today),
        "today_label": _("today, %(day)s") % {"day": format_day(today)},
        "note_x": LABEL_WIDTH + CHART_WIDTH + 8,
        "bar_height": ROW - 8,
        "more": max(len([r for r in rows if r.is_open and r.deadline]) - MOST_ROWS, 0),
    }
