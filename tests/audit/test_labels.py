"""Every action the code records has a label in words, in both languages: the audit trail
never shows "processors change sent" on a Dutch page."""

import re
from pathlib import Path

from django.utils import translation

import waarborg
from waarborg.audit.labels import LABELS, action_label

PACKAGE = Path(waarborg.__file__).parent
CODE = re.compile(r'action="([a-z_]+\.[a-z_.]+)"')


def test_every_recorded_action_has_a_label_in_dutch_and_english():
    found = set()
    for path in PACKAGE.rglob("*.py"):
        found |= set(CODE.findall(path.read_text(encoding="utf-8")))
    assert len(found) > 50
    missing = sorted(code for code in found if code not in LABELS)
    assert not missing, missing
    for code in found:
        with translation.override("nl"):
            dutch = action_label(code)
        with translation.override("en"):
            english = action_label(code)
        assert dutch != code.replace(".", " ") and english != code.replace(".", " ")
