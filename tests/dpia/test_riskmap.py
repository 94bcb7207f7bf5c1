"""The risk map: every risk is in its cell before and after measures, named or counted, and
each cell says its level in words (readable without colour)."""

import re
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from waarborg.dpia.models import level
from waarborg.dpia.riskmap import outcome_chart, risk_map

SCALE = st.integers(1, 4)
RISK = st.builds(
    SimpleNamespace,
    severity=SCALE,
    likelihood=SCALE,
    residual_severity=SCALE,
    residual_likelihood=SCALE,
)


def shown(svg):
    """(named risk numbers, the total of the "+n" counts) in a map."""
    names = re.findall(r'font-size="12">R(\d+)</text>', svg)
    counts = [int(n) for n in re.findall(r'font-size="12">\+(\d+)</text>', svg)]
    return names, sum(counts)


@given(st.lists(RISK, max_size=30), st.booleans())
def test_every_risk_is_named_or_counted(risks, after):
    svg = risk_map(risks, after=after, title="kaart")
    names, counted = shown(svg)
    assert len(names) + counted == len(risks)
    assert len(set(names)) == len(names)


def test_a_risk_sits_in_its_cell_and_cells_say_their_level():
    risk = SimpleNamespace(severity=4, likelihood=3, residual_severity=2, residual_likelihood=1)
    before = risk_map([risk], title="Vóór")
    after = risk_map([risk], after=True, title="Na")
    # the cell of severity 4 (top row) and likelihood 3 (third column)
    x, y = 118 + 2 * 62, 34
    assert f'<text x="{x + 16}" y="{y + 28}" font-weight="bold" font-size="12">R1</text>' in before
    x, y = 118 + 0 * 62, 34 + 2 * 62
    assert f'<text x="{x + 16}" y="{y + 28}" font-weight="bold" font-size="12">R1</text>' in after
    assert before.count(">hoog</text>") + before.count(">high</text>") == sum(
        level(s, likelihood) == "high" for s in range(1, 5) for likelihood in range(1, 5)
    )
    assert 'fill="url(#hatch0)"' in before and "<title" in before


def test_outcome_chart_has_a_symbol_for_each_outcome():
    rows = [
        ("A", "needed", "Nodig"),
        ("B", "not_screened", "Niet gescreend"),
        ("C <b>", "done", "Gedaan"),
    ]
    svg = outcome_chart(rows)
    assert ">!!</text>" in svg and ">?</text>" in svg and ">✓</text>" in svg
    assert "C &lt;b&gt;" in svg  # names are escaped
