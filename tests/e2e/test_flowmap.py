"""The data-flow map in a real browser: every label inside its box, no box over another."""

import os

import pytest

from tests.e2e.conftest import sign_in
from waarborg import demo
from waarborg.register.models import Party, ProcessingActivity

SHOT = os.environ.get("WAARBORG_FLOWMAP_SHOT")  # a picture of the map, to look at by eye
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEASURE = """() => [...document.querySelectorAll('figure.flowmap svg a')].map(a => {
  const rect = a.querySelector('rect').getBBox();
  const lines = [...a.querySelectorAll('tspan')].map(t => {
    const box = t.getBBox();
    return {x: box.x, y: box.y, width: box.width, height: box.height, text: t.textContent};
  });
  return {title: a.querySelector('title').textContent,
          rect: {x: rect.x, y: rect.y, width: rect.width, height: rect.height}, lines};
})"""


def test_every_label_fits_its_box(live_server, page, organisation, owner, viewer):
    demo.build_register(organisation, owner)
    long_name = "Klantadministratie en facturering voor alle vestigingen in de Benelux"
    activity = ProcessingActivity.objects.filter(organisation=organisation).first()
    activity.name = {"nl": long_name, "en": long_name}
    activity.save()
    party = Party.objects.filter(organisation=organisation).first()
    party.name = {"nl": "Wereldwijde Webwinkelmaatschappij MMW", "en": "Wereldwijde"}
    party.save()
    sign_in(page, live_server.url, viewer)
    page.goto(live_server.url + "/register/map/")
    nodes = page.evaluate(MEASURE)
    assert len(nodes) > 10 and any(n["title"] == long_name for n in nodes)
    for node in nodes:
        rect = node["rect"]
        assert node["lines"], node["title"]
        for line in node["lines"]:
            assert rect["x"] < line["x"] and line["x"] + line["width"] <= rect["x"] + rect["width"]
            assert (
                rect["y"] <= line["y"] and line["y"] + line["height"] <= rect["y"] + rect["height"]
            )
    wrapped = next(n for n in nodes if n["title"] == long_name)
    assert len(wrapped["lines"]) == 2
    if SHOT:
        page.locator("figure.flowmap").screenshot(path=SHOT)
    # boxes of one column do not overlap
    by_column = {}
    for node in nodes:
        by_column.setdefault(node["rect"]["x"], []).append(node["rect"])
    for rects in by_column.values():
        rects.sort(key=lambda r: r["y"])
        for upper, lower in zip(rects, rects[1:], strict=False):
            assert upper["y"] + upper["height"] <= lower["y"]
