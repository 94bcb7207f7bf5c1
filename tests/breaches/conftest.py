import datetime
from zoneinfo import ZoneInfo

import pytest

from waarborg.breaches import actions
from waarborg.core.models import Term, TermKind

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Friday 23 October 2026, 17:00 in Amsterdam (summer time; it ends on Sunday the 25th).
FRIDAY_FIVE = datetime.datetime(2026, 10, 23, 17, 0, tzinfo=AMSTERDAM)

FACTS = {
    "title": "Laptop gestolen",
    "description": "Laptop met de klantenadministratie gestolen uit de auto, niet versleuteld.",
    "confidentiality": True,
    "integrity": False,
    "availability": True,
    "cause": "device",
    "encrypted": "no",
    "people_count": 1200,
    "records_count": 1200,
    "consequences": "Misbruik van adressen en telefoonnummers voor oplichting (phishing).",
    "measures_taken": "Wachtwoorden van de klantportalen ingetrokken; aangifte gedaan.",
    "measures_planned": "Alle laptops krijgen schijfversleuteling.",
}


def record(organisation, actor, **values):
    facts = {"aware_at": FRIDAY_FIVE, **FACTS, **values}
    links = facts.pop("links", None)
    return actions.record_breach(organisation, actor=actor, links=links, **facts)


@pytest.fixture
def breach(organisation, handler):
    return record(organisation, handler)


@pytest.fixture
def name_category(db):
    return Term.objects.filter(kind=TermKind.DATA_CATEGORY, special=False).first()
