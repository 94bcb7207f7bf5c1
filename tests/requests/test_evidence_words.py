"""A task's evidence on the request's page in words of the page's language: never the codes
sources.engine keeps ("masked", "held")."""

import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

import waarborg
from waarborg.requests.templatetags.request_pages import EVIDENCE_ACTIONS

SOURCES = Path(waarborg.__file__).parent / "sources"


def test_every_action_the_engine_records_has_words():
    written = set()
    for path in SOURCES.rglob("*.py"):
        written |= set(re.findall(r'"action": "(\w+)"', path.read_text(encoding="utf-8")))
    assert {"deleted", "masked", "held", "kept"} <= written
    assert written <= set(EVIDENCE_ACTIONS), written - set(EVIDENCE_ACTIONS)


def test_the_words_are_in_the_pages_language():
    page = Template("{% load request_pages %}{{ code|evidence_action }}")
    with translation.override("nl"):
        assert page.render(Context({"code": "masked"})) == "persoonsvelden gemaskeerd"
        assert page.render(Context({"code": "held"})) == "bewaard onder een bewaarplicht"
    with translation.override("en"):
        assert page.render(Context({"code": "kept"})) == "kept as they were"
