"""The access report tells the person how long and to whom as the statement does: the period
phrased for its trigger and the activity's groups of people, a recipient's role once."""

import pytest
from django.utils import translation

from waarborg.core.taxonomy import TermIndex
from waarborg.register.models import ProcessingActivity
from waarborg.requests import package

pytestmark = pytest.mark.django_db


def _info(firm, key, language):
    activity = ProcessingActivity.objects.get(organisation=firm, key=key)
    with translation.override(language):
        return package._activity_info(activity, TermIndex(firm), language)


def test_periods_are_said_for_their_trigger_and_the_people(firm):
    newsletter = " ".join(_info(firm, "newsletter", "nl")["retention"])
    assert "tot u zich afmeldt" in newsletter and "bij het afmelden" not in newsletter
    recruitment = " ".join(_info(firm, "recruitment", "nl")["retention"])
    assert "sollicitatieprocedure" in recruitment
    assert "einde van de relatie" not in recruitment
    english = " ".join(_info(firm, "recruitment", "en")["retention"])
    assert "application procedure" in english and "relationship" not in english


def test_a_recipients_role_is_written_once(firm):
    for key in ("customer-administration", "newsletter", "recruitment"):
        for party in _info(firm, key, "nl")["recipients"]:
            assert party["named"].count("(") <= 1, party["named"]
            assert "((" not in party["named"] and "))" not in party["named"]
