"""The public Data Pro Statement: every section says something true from the register, or
says plainly that it is not recorded (and staff see that as a gap); a sub-processor is shown
by its name, establishment and locations, never by the organisation's internal note."""

import re

import pytest

from tests.processors.test_changes import _firm, _party
from waarborg.processors import actions
from waarborg.register.models import Party


def _section(html, section_id):
    return re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)[1]


def _text(fragment):
    return re.sub(r"<h2>.*?</h2>|<[^>]+>|\s+", " ", fragment, flags=re.S).strip()


@pytest.mark.django_db
def test_empty_sections_say_nothing_is_recorded_and_staff_see_the_gaps(
    organisation, owner, client, client_for
):
    service, _parties = _firm(organisation, owner, clients=1)
    nl, en = actions.publish_statement(service, actor=owner)
    for section in ("assistance", "security", "breaches"):
        assert _text(_section(nl.html, section)), section
        assert _text(_section(en.html, section)), section
    assert "Nog niet vastgelegd" in nl.html and "Not recorded" not in nl.html
    assert "Not recorded yet" in en.html and "Not recorded yet" not in nl.html
    page = client_for(owner).get(f"/processors/services/{service.pk}/").content.decode()
    assert 'class="gaps"' in page
    gaps = re.search(r'class="gaps".*?</ul>', page, re.S)[0]
    assert gaps.count("<li>") == 4


@pytest.mark.django_db
def test_recorded_sections_carry_the_text_and_no_gap_is_shown(organisation, owner, client_for):
    service, _parties = _firm(organisation, owner, clients=1)
    actions.save_processor_settings(
        organisation,
        actor=owner,
        rights_help={"nl": "Wij helpen binnen vijf dagen.", "en": "We help within five days."},
        end_of_service={"nl": "Wij wissen na dertig dagen.", "en": "We erase after 30 days."},
        breach_protocol={"nl": "Melding binnen 24 uur.", "en": "Notice within 24 hours."},
        certifications={"nl": "ISO 27001", "en": "ISO 27001"},
    )
    nl, en = actions.publish_statement(service, actor=owner)
    assert "Wij helpen binnen vijf dagen." in _section(nl.html, "assistance")
    assert "Notice within 24 hours." in _section(en.html, "breaches")
    assert "ISO 27001" in _section(en.html, "security")
    assert "Not recorded yet" not in _section(en.html, "assistance")
    page = client_for(owner).get(f"/processors/services/{service.pk}/").content.decode()
    # Only the security measures of the register are missing.
    gaps = re.search(r'class="gaps".*?</ul>', page, re.S)[0]
    assert gaps.count("<li>") == 1


@pytest.mark.django_db
def test_a_sub_processor_is_shown_without_its_internal_description(organisation, owner):
    service, _parties = _firm(organisation, owner, clients=1)
    backup = _party(
        organisation,
        "backup",
        Party.Kind.SUB_PROCESSOR,
        country="DE",
        locations=["DE"],
        description={"nl": "uit de catalogus van verwerkers", "en": "from the catalogue"},
    )
    service.sub_processors.add(backup)
    nl, en = actions.publish_statement(service, actor=owner)
    assert "catalogus" not in nl.html and "catalogue" not in en.html
    row = re.search(r'<tr class="sub-processor"><td>Backup</td>.*?</tr>', nl.html, re.S)[0]
    assert "Duitsland" in row
