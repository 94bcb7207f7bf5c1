"""The dashboard's timeline: each open request with a deadline as a bar from receipt to the
deadline, its state in words; closed requests and another organisation's stay off it."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from waarborg.requests import actions
from waarborg.requests.models import Kind, Status, SubjectRequest

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _make(organisation, name, when):
    with time_machine.travel(when, tick=False):
        return actions.create_request(
            organisation, actor=None, kind=Kind.ACCESS, channel="email", name=name,
            email=f"{name.split()[0].lower()}@example.nl",
        )  # fmt: skip


def _timeline(page):
    found = re.search(r'<figure class="timeline">.*?</figure>', page, re.S)
    assert found, "the dashboard shows the timeline"
    return found.group(0)


def test_each_open_request_is_a_bar_that_says_its_state_in_words(
    organisation, other_organisation, client_for, viewer
):
    late = _make(organisation, "Te Laat", datetime(2026, 10, 1, 9, 0, tzinfo=AMSTERDAM))
    fresh = _make(organisation, "Vers Binnen", datetime(2026, 11, 20, 9, 0, tzinfo=AMSTERDAM))
    other = _make(other_organisation, "Ander Mens", datetime(2026, 11, 20, 9, 0, tzinfo=AMSTERDAM))
    with time_machine.travel(datetime(2026, 11, 27, 9, 0, tzinfo=AMSTERDAM), tick=False):
        page = client_for(viewer).get("/requests/").content.decode()
    chart = _timeline(page)
    assert f'href="/requests/{late.pk}/"' in chart and f'href="/requests/{fresh.pk}/"' in chart
    assert f'href="/requests/{other.pk}/"' not in chart
    days = (datetime(2026, 11, 27).date() - late.deadline).days
    assert f"{days} dagen te laat" in chart
    assert f"uiterlijk {fresh.deadline.day} december 2026" in chart
    assert "vandaag, 27 november 2026" in chart
    # no person's name in the picture: the table beside it has them
    assert "Te Laat" not in chart and "Vers Binnen" not in chart


def test_an_answered_request_leaves_the_timeline(organisation, client_for, viewer):
    done = _make(organisation, "Klaar Al", datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM))
    still = _make(organisation, "Nog Open", datetime(2026, 11, 3, 9, 0, tzinfo=AMSTERDAM))
    SubjectRequest.objects.filter(pk=done.pk).update(status=Status.ANSWERED)
    with time_machine.travel(datetime(2026, 11, 10, 9, 0, tzinfo=AMSTERDAM), tick=False):
        page = client_for(viewer).get("/requests/").content.decode()
    chart = _timeline(page)
    assert f'href="/requests/{still.pk}/"' in chart
    assert f'href="/requests/{done.pk}/"' not in chart


def test_no_open_request_no_timeline(organisation, client_for, viewer):
    page = client_for(viewer).get("/requests/").content.decode()
    assert 'class="timeline"' not in page
