"""Pictures drawn on the server as SVG: the risk map of a DPIA (severity x likelihood, before
and after measures) and the activities by screening outcome.

Both are readable without colour: each cell of the map says its level in words and carries a
pattern for "high", risks are numbered markers, and each outcome has its own symbol.
"""

from django.utils.html import escape
from django.utils.translation import gettext as _

from waarborg.dpia.models import HIGH, LEVEL_LABELS, LOW, SCALE, level

CELL = 62
LEFT, TOP = 118, 34
FILL = {LOW: "#e3f1e6", "medium": "#fbefd0", HIGH: "#f6d2cf"}


def risk_map(risks, *, after=False, title=""):
    """An SVG of the 4 x 4 map with the numbered risks in their cells."""
    size_w = LEFT + 4 * CELL + 12
    size_h = TOP + 4 * CELL + 64
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size_w} {size_h}" '
        f'width="{size_w}" height="{size_h}" role="img" aria-labelledby="t{int(after)}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
        f'<title id="t{int(after)}">{escape(title)}</title>',
        f'<defs><pattern id="hatch{int(after)}" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="8" stroke="#b0413e" '
        'stroke-width="1.2" opacity="0.35"/></pattern></defs>',
        f'<text x="{LEFT}" y="16" font-weight="bold" font-size="13">{escape(title)}</text>',
    ]
    cells = {}
    for number, risk in enumerate(risks, start=1):
        severity = risk.residual_severity if after else risk.severity
        likelihood = risk.residual_likelihood if after else risk.likelihood
        cells.setdefault((severity, likelihood), []).append(f"R{number}")
    labels = dict(SCALE)
    for severity in range(4, 0, -1):
        y = TOP + (4 - severity) * CELL
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + CELL / 2 + 4}" text-anchor="end">'
            f"{escape(str(labels[severity]))}</text>"
        )
        for likelihood in range(1, 5):
            x = LEFT + (likelihood - 1) * CELL
            cell_level = level(severity, likelihood)
            parts.append(
                f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" '
                f'fill="{FILL[cell_level]}" stroke="#5b6575" stroke-width="1"/>'
            )
            if cell_level == HIGH:
                parts.append(
                    f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" '
                    f'fill="url(#hatch{int(after)})"/>'
                )
            parts.append(
                f'<text x="{x + 4}" y="{y + 12}" font-size="9" fill="#3a4150">'
                f"{escape(str(LEVEL_LABELS[cell_level]))}</text>"
            )
            names = cells.get((severity, likelihood), [])
            if len(names) > 6:  # the rest as a count, so that no risk leaves the picture
                names = [*names[:5], f"+{len(names) - 5}"]
            for position, name in enumerate(names):
                cx = x + 16 + (position % 2) * 30
                cy = y + 28 + (position // 2) * 14
                parts.append(
                    f'<text x="{cx}" y="{cy}" font-weight="bold" font-size="12">{name}</text>'
                )
    for likelihood in range(1, 5):
        x = LEFT + (likelihood - 1) * CELL + CELL / 2
        parts.append(
            f'<text x="{x}" y="{TOP + 4 * CELL + 14}" text-anchor="middle" font-size="10">'
            f"{escape(str(labels[likelihood]))}</text>"
        )
    parts.append(
        f'<text x="{LEFT + 2 * CELL}" y="{TOP + 4 * CELL + 34}" text-anchor="middle" '
        f'font-weight="bold">{escape(_("Likelihood"))} →</text>'
    )
    parts.append(
        f'<text x="14" y="{TOP + 2 * CELL}" font-weight="bold" '
        f'transform="rotate(-90 14 {TOP + 2 * CELL})" text-anchor="middle">'
        f"{escape(_('Severity'))} →</text>"
    )
    parts.append("</svg>")
    return "".join(parts)


OUTCOME_STYLE = {
    # outcome: (fill, symbol)
    "not_screened": ("#e1e4ea", "?"),
    "not_needed": ("#d5ecd9", "–"),
    "advisable": ("#fbefd0", "!"),
    "needed": ("#f6d2cf", "!!"),
    "done": ("#cfe3f3", "✓"),
}


def outcome_chart(rows):
    """An SVG list of activities, each with the colour and the symbol of its outcome.

    `rows` are (name, outcome code, outcome label) tuples.
    """
    height = 22 * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 {height}" width="560" '
        f'height="{height}" role="img" aria-label="{escape(_("Activities by screening outcome"))}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">'
    ]
    for position, (name, code, label) in enumerate(rows):
        y = 4 + position * 22
        fill, symbol = OUTCOME_STYLE.get(code, OUTCOME_STYLE["not_screened"])
        parts.append(
            f'<rect x="2" y="{y}" width="150" height="18" rx="3" fill="{fill}" '
            'stroke="#5b6575" stroke-width="0.8"/>'
            f'<text x="10" y="{y + 13}" font-weight="bold">{escape(symbol)}</text>'
            f'<text x="30" y="{y + 13}">{escape(str(label))}</text>'
            f'<text x="162" y="{y + 13}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
