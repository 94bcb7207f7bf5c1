"""Staff pages of the processor side speak one language: status counts, who answered, dates,
country names and the transfer mechanism in the reader's language, never codes; the outcome of
an objection only for a client that objected."""

import datetime
import re

import pytest
from django.core.management import call_command

from tests.processors.test_changes import _firm, _party
from waarborg.processors import actions
from waarborg.register.models import Party


def _page(client, url, language):
    client.cookies["waarborg_language"] = language
    return client.get(url).content.decode()


def _announced(organisation, owner, clients=3):
    service, parties = _firm(organisation, owner, clients=clients)
    backup = _party(
        organisation,
        "backup",
        Party.Kind.SUB_PROCESSOR,
        country="US",
        locations=["IE", "NL", "US"],
        transfer_mechanism="eu_us_dpf",
    )
    change = actions.plan_change(
        organisation,
        actor=owner,
        services=[service],
        party=backup,
        effective_on=datetime.date(2026, 12, 18),
    )
    actions.announce_change(change, actor=owner, per_minute=0)
    return service, parties, change


@pytest.mark.django_db(transaction=True)
def test_change_page_counts_answers_and_outcomes_in_the_readers_language(
    organisation, owner, client_for, smtp_server
):
    _service, parties, change = _announced(organisation, owner)
    call_command("jobs_worker", "--batch", verbosity=0)
    row = change.clients.get(client=parties[1])
    actions.answer_change(row, actor=None, answer="objected", via_link=True)
    browser = client_for(owner)
    url = f"/processors/changes/{change.pk}/"
    nl, en = _page(browser, url, "nl"), _page(browser, url, "en")
    assert "Verstuurd: 3" in nl and "sent: 3" not in nl
    assert "Sent: 3" in en and "sent: 3" not in en
    assert "client (link)" not in nl and "de klant, via de link in het bericht" in nl
    assert "the client, through the link in the message" in en
    # The outcome column: a form for the objection, nothing ("Open") for the others.
    cells = re.findall(r'<tr id="client-\d+">(.*?)</tr>', nl, re.S)
    assert len(cells) == 3
    assert sum("objection_resolve" in c or "/resolve/" in c for c in cells) == 1
    assert ">Open<" not in nl
    assert "Open" not in en.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


@pytest.mark.django_db
def test_overview_writes_the_date_as_people_do(organisation, owner, client_for):
    _service, parties, change = _announced(organisation, owner)
    actions.answer_change(change.clients.get(client=parties[0]), actor=owner, answer="objected")
    browser = client_for(owner)
    nl = _page(browser, "/processors/", "nl")
    en = _page(browser, "/processors/", "en")
    assert "2026-12-18" not in nl and "2026-12-18" not in en
    assert "18 december 2026" in nl and "18 December 2026" in en


@pytest.mark.django_db
def test_service_page_names_countries_and_the_mechanism(organisation, owner, client_for):
    service, _parties, _change = _announced(organisation, owner)
    service.sub_processors.add(Party.objects.get(organisation=organisation, key="backup"))
    browser = client_for(owner)
    nl = _page(browser, f"/processors/services/{service.pk}/", "nl")
    en = _page(browser, f"/processors/services/{service.pk}/", "en")
    assert "IE, NL, US" not in nl and "eu_us_dpf" not in nl and "eu_us_dpf" not in en
    assert "Ierland, Nederland, Verenigde Staten" in nl
    assert "Ireland, Netherlands, United States" in en


@pytest.mark.django_db
def test_catalogue_names_countries_and_the_mechanism(organisation, owner, client_for):
    browser = client_for(owner)
    nl = _page(browser, "/catalogue/", "nl")
    en = _page(browser, "/catalogue/", "en")
    for page in (nl, en):
        assert "eu_us_dpf" not in page and "scc_2021" not in page
        assert not re.search(r"<td>(?:[A-Z]{2}, )+[A-Z]{2}</td>", page)
        assert not re.search(r"\((?:US|IE|NL|DE)\)", page)
    assert "Verenigde Staten" in nl and "United States" in en


@pytest.mark.django_db
def test_a_change_is_named_with_its_date_as_people_write_it(organisation, owner):
    from django.utils import translation

    service, _parties = _firm(organisation, owner, clients=1)
    party = _party(organisation, "mailer", Party.Kind.SUB_PROCESSOR)
    change = actions.plan_change(
        organisation,
        actor=owner,
        services=[service],
        party=party,
        effective_on=datetime.date(2026, 12, 18),
    )
    with translation.override("nl"):
        assert str(change).endswith("(18 december 2026)")
    with translation.override("en"):
        assert str(change).endswith("(18 December 2026)")
    assert "2026-12-18" not in str(change)
