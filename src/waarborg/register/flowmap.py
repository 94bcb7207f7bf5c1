"""The register as a data-flow map: groups of people -> processing activities -> systems ->
processors and recipients -> countries, laid out here and drawn by the template as SVG (no
JavaScript). Every node links to its register page. A transfer is drawn in the style of its
mechanism and its mechanism is written beside the country, so the map reads without colour.
"""

import unicodedata

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.core.access import scoped
from waarborg.core.models import Adequacy, TermKind
from waarborg.core.taxonomy import TermIndex
from waarborg.register.models import ProcessingActivity, Status

COLUMN_WIDTH = 200
NODE_WIDTH = 170
NODE_HEIGHT = 28  # one line of text; each further line adds LINE_HEIGHT
LINE_HEIGHT = 14
LINES = 2  # a label wraps to at most this many lines; the rest is cut with "…"
PADDING = 8
GAP = 8
TOP = 40
NOTE_WIDTH = 170  # the mechanism written beside each country

COLUMNS = [
    ("groups", gettext_lazy("Groups of people")),
    ("activities", gettext_lazy("Processing activities")),
    ("systems", gettext_lazy("Systems")),
    ("parties", gettext_lazy("Processors and recipients")),
    ("countries", gettext_lazy("Countries")),
]

# How a flow to a country is safeguarded: (style key, colour, dash pattern).
STYLES = {
    "inside": ("#7a7a7a", ""),
    "eea": ("#7a7a7a", ""),
    "adequate": ("#2e7d32", ""),
    "safeguard": ("#1f5fa8", "6 3"),
    "derogation": ("#b26a00", "2 3"),
    "missing": ("#b3261e", "10 3 2 3"),
}
LEGEND = [
    ("eea", gettext_lazy("In the EEA: no transfer")),
    ("adequate", gettext_lazy("Adequacy decision (or a DPF-certified importer)")),
    ("safeguard", gettext_lazy("Appropriate safeguard: standard contractual clauses or BCR")),
    ("derogation", gettext_lazy("Derogation for a specific situation (Art. 49)")),
    ("missing", gettext_lazy("No valid mechanism recorded")),
]
SAFEGUARDS = ("scc_2021", "bcr")
# Written beside a country outside the EEA: its mechanism in a few words.
NOTES = {
    "adequate": gettext_lazy("adequacy decision"),
    "safeguard": gettext_lazy("SCC or BCR"),
    "derogation": gettext_lazy("Art. 49 derogation"),
    "missing": gettext_lazy("no valid mechanism!"),
}


# Advance widths of DejaVu Sans (what a Debian browser draws "sans-serif" with; other faces
# are narrower), in 1/2048 em: a line measured here fits in the browser with a little to spare.
# A browser test checks it against the drawn text.
_ADVANCE = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,-()…:&/'",
        [1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253]
        + [1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075]
        + [1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532]
        + [1612, 1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403]
        + [651, 651, 651, 739, 799, 799, 2048, 690, 1595, 690, 563],
        strict=True,
    )
)
FONT_SIZE = 12


def _width(text):
    """The width of `text` at FONT_SIZE in pixels, 5% generous; an accented letter as its
    letter, anything unknown as wide as a digit."""
    plain = unicodedata.normalize("NFD", text)
    units = sum(_ADVANCE.get(c, 1303) for c in plain if not unicodedata.combining(c))
    return units * FONT_SIZE / 2048 * 1.05


def _fit(text, room, end="…"):
    """The longest start of `text` that fits in `room` pixels with `end` after it."""
    while text and _width(text + end) > room:
        text = text[:-1]
    return text.rstrip() + end


def wrap(text, room=NODE_WIDTH - 2 * PADDING, lines=LINES):
    """A label in at most `lines` lines that each fit `room` pixels, broken between words (a
    word too long for a line is hyphenated); what does not fit ends in "…" (the node's <title>
    holds the full label)."""
    result, words = [], text.split()
    while words:
        line = words.pop(0)
        if _width(line) > room:  # one word longer than a line
            head = _fit(line, room, "-")[:-1] or line[:1]
            words.insert(0, line[len(head) :])
            line = head + "-"
        while words and _width(f"{line} {words[0]}") <= room:
            line = f"{line} {words.pop(0)}"
        result.append(line)
    if len(result) > lines:
        rest = " ".join(result[lines - 1 :]).replace("- ", "")
        result = [*result[: lines - 1], _fit(rest, room)]
    return result


def _style(country, party):
    """The style key of the flow from a party to one of its countries."""
    if country is None or country.adequacy == Adequacy.EEA:
        return "eea"
    mechanism = party.transfer_mechanism
    if mechanism == "eu_us_dpf":
        return "adequate" if country.adequacy == Adequacy.DPF else "missing"
    if mechanism in SAFEGUARDS:
        return "safeguard"
    if mechanism == "art49":
        return "derogation"
    if country.adequacy == Adequacy.ADEQUATE or mechanism == "adequacy":
        return "adequate" if country.adequacy == Adequacy.ADEQUATE else "missing"
    return "missing"


def build(organisation):
    """The map's columns of nodes and its edges, positioned, for the template."""
    index = TermIndex(organisation)
    activities = list(
        scoped(ProcessingActivity, organisation)
        .exclude(status=Status.RETIRED)
        .prefetch_related("data_subjects", "systems__operator", "recipients")
        .order_by("key")
    )
    nodes = {name: {} for name, _label in COLUMNS}
    edges = set()
    mechanisms = {}

    def node(column, key, label, url, note=""):
        nodes[column].setdefault(key, {"label": label, "url": url, "note": note})
        return (column, key)

    def detail(kind, key):
        return reverse("register:detail", args=[kind, key])

    for activity in activities:
        a = node("activities", activity.key, str(activity), detail("activities", activity.key))
        for term in activity.data_subjects.all():
            query = urlencode({"data_subjects__code": term.code})
            url = f"{reverse('register:list', args=['activities'])}?{query}"
            g = node("groups", term.code, term.label(), url)
            edges.add((g, a, "inside"))
        parties = []
        for system in activity.systems.all():
            if system.status == Status.RETIRED:
                continue
            s = node("systems", system.key, str(system), detail("systems", system.key))
            edges.add((a, s, "inside"))
            if system.operator is not None and system.operator.status != Status.RETIRED:
                parties.append((s, system.operator))
        operators = {party.pk for _s, party in parties}
        parties += [
            (a, party)
            for party in activity.recipients.all()
            if party.pk not in operators and party.status != Status.RETIRED
        ]
        for source, party in parties:
            p = node("parties", party.key, str(party), detail("parties", party.key))
            edges.add((source, p, "inside"))
            for code in dict.fromkeys([party.country, *(party.locations or [])]):
                if not code:
                    continue
                country = index.get(TermKind.COUNTRY, code)
                style = _style(country, party)
                name = country.label() if country else code
                mechanisms.setdefault(code, set()).add(style)
                url = reverse("register:list", args=["parties"])
                c = node("countries", code, name, f"{url}?{urlencode({'country': code})}")
                edges.add((p, c, style))

    columns, position = [], {}
    for number, (name, label) in enumerate(COLUMNS):
        x = 10 + number * COLUMN_WIDTH
        items = sorted(nodes[name].items(), key=lambda item: item[1]["label"].lower())
        placed, y = [], TOP
        for key, item in items:
            lines = wrap(item["label"])
            height = NODE_HEIGHT + (len(lines) - 1) * LINE_HEIGHT
            note, worst = "", "eea"
            if name == "countries":
                worst = _worst(mechanisms.get(key, set()))
                note = str(NOTES[worst]) if worst in NOTES else ""
            placed.append(
                {
                    **item,
                    "x": x,
                    "y": y,
                    "lines": lines,
                    "height": height,
                    "note": note,
                    "meaning": str(dict(LEGEND)[worst]) if note else "",
                    "text_x": x + PADDING,
                    "text_y": y + height // 2 + 4 - (len(lines) - 1) * LINE_HEIGHT // 2,
                    "note_x": x + NODE_WIDTH + 6,
                }
            )
            position[(name, key)] = (x, y + height // 2)
            y += height + GAP
        columns.append({"label": label, "x": x, "nodes": placed, "bottom": y})
    drawn = []
    for source, target, style in sorted(edges):
        x1, y1 = position[source]
        x2, y2 = position[target]
        x1 += NODE_WIDTH
        middle = (x1 + x2) // 2
        colour, dash = STYLES[style]
        drawn.append(
            {
                "path": f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2},{y2}",
                "colour": colour,
                "dash": dash,
                "width": 2 if style not in ("inside", "eea") else 1,
            }
        )
    bottom = max((column["bottom"] for column in columns), default=TOP)
    return {
        "columns": columns,
        "edges": drawn,
        "width": 10 + len(COLUMNS) * COLUMN_WIDTH + NOTE_WIDTH,
        "height": max(bottom, TOP + NODE_HEIGHT + GAP) + 10,
        "node_width": NODE_WIDTH,
        "line_height": LINE_HEIGHT,
        "legend": [
            {"label": label, "colour": STYLES[key][0], "dash": STYLES[key][1]}
            for key, label in LEGEND
        ],
        "empty": not activities,
        "title": _("Data-flow map of the register"),
    }


def _worst(styles):
    for style in ("missing", "derogation", "safeguard", "adequate"):
        if style in styles:
            return style
    return "eea"
