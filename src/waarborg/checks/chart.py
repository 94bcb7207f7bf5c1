"""The dashboard's small picture: open findings per area over the last 12 weeks, as SVG shapes
computed here and drawn by the template (no JavaScript)."""

import datetime

from waarborg.checks.engine import AREAS
from waarborg.checks.models import CheckRun
from waarborg.core.access import scoped

WEEKS = 12
WIDTH, HEIGHT, BAR, GAP, LEGEND = 360, 120, 22, 8, 14
# One colour per area, readable on white and told apart without relying on red/green alone.
COLOURS = [
    "#1b4f72", "#b9770e", "#7d3c98", "#117a65", "#a93226", "#2e86c1", "#6e2c00", "#5d6d7e",
    "#239b56", "#d68910", "#884ea0",
]  # fmt: skip


def weekly_counts(organisation, today, current=None):
    """[(week start, {area: open findings})] for 12 weeks: the last nightly run of each week;
    this week's bar shows `current` (the counts right now) when given."""
    first = today - datetime.timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    runs = scoped(CheckRun, organisation).filter(run_on__gte=first).order_by("run_on")
    weeks = {}
    for run in runs.only("run_on", "counts"):
        start = run.run_on - datetime.timedelta(days=run.run_on.weekday())
        weeks[start] = {area: sum(by.values()) for area, by in run.counts.items()}
    if current is not None:
        weeks[today - datetime.timedelta(days=today.weekday())] = {
            area: sum(by.values()) for area, by in current.items()
        }
    return [
        (start, weeks.get(start))
        for start in (first + datetime.timedelta(weeks=n) for n in range(WEEKS))
    ]


def bars(organisation, today, current=None):
    """Stacked bars: {"bars": [...], "legend": [...], "max": n, "width", "height"}."""
    data = weekly_counts(organisation, today, current)
    areas = [area for area in AREAS if any(counts and counts.get(area) for _w, counts in data)]
    colour = {area: COLOURS[i % len(COLOURS)] for i, area in enumerate(AREAS)}
    top = max([sum(counts.values()) for _w, counts in data if counts] or [0]) or 1
    out = []
    for position, (start, counts) in enumerate(data):
        x = position * (BAR + GAP)
        y = HEIGHT
        parts = []
        for area in areas:
            value = (counts or {}).get(area, 0)
            if not value:
                continue
            height = max(1, round(value * HEIGHT / top))
            y -= height
            parts.append(
                {"x": x, "y": y, "height": height, "colour": colour[area], "area": AREAS[area],
                 "value": value}
            )  # fmt: skip
        out.append(
            {"x": x, "start": start, "parts": parts, "missing": counts is None,
             "total": sum((counts or {}).values())}
        )  # fmt: skip
    legend = [{"label": AREAS[area], "colour": colour[area]} for area in areas]
    return {
        "bars": out,
        "legend": legend,
        "max": top,
        "width": WEEKS * (BAR + GAP),
        "height": HEIGHT,
        "bar": BAR,
    }
