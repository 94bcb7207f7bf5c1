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
    # The texts for the people, in Dutch and English (TranslatedTextField).
    "description": {
        "nl": "Laptop met de klantenadministratie gestolen uit de auto, niet versleuteld.",
        "en": "Laptop with the customer administration stolen from the car, not encrypted.",
    },
    "confidentiality": True,
    "integrity": False,
    "availability": True,
    "cause": "device",
    "encrypted": "no",
    "people_count": 1200,
    "records_count": 1200,
    "consequences": {
        "nl": "Misbruik van adressen en telefoonnummers voor oplichting (phishing).",
        "en": "Misuse of addresses and phone numbers for fraud (phishing).",
    },
    "measures_taken": {
        "nl": "Wachtwoorden van de klantportalen ingetrokken; aangifte gedaan.",
        "en": "Passwords of the customer portals revoked; reported to the police.",
    },
    "measures_planned": {
        "nl": "Alle laptops krijgen schijfversleuteling.",
        "en": "Every laptop gets disk encryption.",
    },
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
