"""The deadline calendar: an ICS feed per member and organisation, parsed back by the small
reader below. Who sees which requests, what an event may hold (never a person's name or
address), another organisation's requests, the secret address's life, and RFC 5545's form."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tests.conftest import make_user
from waarborg.audit.models import AuditEntry
from waarborg.core import actions as core_actions
from waarborg.core.models import Membership, Organisation, Role
from waarborg.requests import actions, calendar
from waarborg.requests.models import CalendarFeed, Kind, Status, SubjectRequest

# ---------------------------------------------------------------------------------------------
# A small reader of what the feed writes (RFC 5545 3.1, 3.3.11), strict about the form.


def physical_lines(body):
    """The lines as sent: each ends in CRLF, none longer than 75 octets, none cut inside a
    UTF-8 character."""
    assert body.endswith(b"\r\n")
    lines = body[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line and b"\n" not in line, line
        assert len(line) <= 75, line
        line.decode("utf-8")  # raises when a fold cut a character in two
    return lines


def unescape(value):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def content_lines(body):
    """(name, params, value) per unfolded content line."""
    physical_lines(body)
    text = body.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    out = []
    for line in text.split("\r\n")[:-1]:
        head, _colon, value = line.partition(":")
        name, *params = head.split(";")
        out.append((name, dict(p.split("=", 1) for p in params), value))
    return out


def parse(body):
    """The calendar's own properties and its events, each a dict name -> (params, value)."""
    lines = content_lines(body)
    assert lines[0][0:1] == ("BEGIN",) and lines[0][2] == "VCALENDAR"
    assert lines[-1][0] == "END" and lines[-1][2] == "VCALENDAR"
    calendar_props, events, current = {}, [], None
    for name, params, value in lines[1:-1]:
        if (name, value) == ("BEGIN", "VEVENT"):
            assert current is None
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            events.append(current)
            current = None
        elif current is not None:
            assert name not in current, f"{name} twice in one event"
            current[name] = (params, value)
        else:
            calendar_props[name] = (params, value)
    assert current is None
    return calendar_props, events


def by_uid(events):
    return {event["UID"][1]: event for event in events}


# ---------------------------------------------------------------------------------------------


def _make(organisation, **extra):
    values = {
        "kind": Kind.ACCESS,
        "channel": "email",
        "name": "Piet Pieters",
        "email": "piet@example.nl",
        **extra,
    }
    return actions.create_request(organisation, actor=None, **values)


LINK = r"http://testserver/requests/calendar/([^\"<\s]+)\.ics"


def _uid(subject_request):
    return f"request-{subject_request.pk}@testserver"


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.BASE_URL = "http://testserver"


def _link(organisation, user, language="en"):
    with translation.override(language):
        return actions.make_calendar_link(organisation, actor=user)


def _fetch(token, client=None):
    return (client or Client()).get(f"/requests/calendar/{token}.ics")


@pytest.fixture
def requests_of_firm(organisation, owner, handler):
    """Requests of every kind of interest: assigned to the handler, to nobody, extended,
    answered and closed."""
    mine = _make(organisation)
    actions.assign_request(mine, actor=owner, assignee=handler)
    unassigned = _make(organisation, kind=Kind.ERASURE)
    extended = _make(organisation, kind=Kind.OBJECTION)
    actions.assign_request(extended, actor=owner, assignee=handler)
    actions.extend_deadline(extended, actor=owner, reason="Many systems, much to do")
    answered = _make(organisation)
    actions.assign_request(answered, actor=owner, assignee=handler)
    SubjectRequest.objects.filter(pk=answered.pk).update(status=Status.ANSWERED)
    closed = _make(organisation)
    actions.assign_request(closed, actor=owner, assignee=handler)
    SubjectRequest.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    return {
        name: SubjectRequest.objects.get(pk=row.pk)
        for name, row in {
            "mine": mine,
            "unassigned": unassigned,
            "extended": extended,
            "answered": answered,
            "closed": closed,
        }.items()
    }


def test_an_owner_sees_every_open_request_a_handler_those_assigned(
    organisation, owner, handler, privacy_officer, requests_of_firm
):
    rows = requests_of_firm
    open_ones = {_uid(rows[name]) for name in ("mine", "unassigned", "extended")}
    for user in (owner, privacy_officer):
        _props, events = parse(_fetch(_link(organisation, user)).content)
        assert set(by_uid(events)) == open_ones
    _props, events = parse(_fetch(_link(organisation, handler)).content)
    assert set(by_uid(events)) == {_uid(rows["mine"]), _uid(rows["extended"])}


def test_an_event_is_an_all_day_event_on_the_deadline_the_extended_one_if_extended(
    organisation, owner, requests_of_firm
):
    rows = requests_of_firm
    assert rows["extended"].extended_to > rows["extended"].due_on
    response = _fetch(_link(organisation, owner))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    props, events = parse(response.content)
    assert props["VERSION"][1] == "2.0" and props["PRODID"][1]
    events = by_uid(events)
    for name in ("mine", "extended"):
        event, deadline = events[_uid(rows[name])], rows[name].deadline
        assert event["DTSTART"] == ({"VALUE": "DATE"}, f"{deadline:%Y%m%d}")
        assert event["DTEND"] == ({"VALUE": "DATE"}, f"{deadline + timedelta(days=1):%Y%m%d}")
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"][1])
    extended = events[_uid(rows["extended"])]
    assert extended["DTSTART"][1] == f"{rows['extended'].extended_to:%Y%m%d}"
    assert unescape(extended["SUMMARY"][1]) == (
        f"Deadline {rows['extended'].reference}: Objection (Art. 21) (extended)"
    )
    mine = events[_uid(rows["mine"])]
    assert unescape(mine["SUMMARY"][1]) == f"Deadline {rows['mine'].reference}: Access (Art. 15)"
    assert mine["URL"][1] == f"http://testserver/requests/{rows['mine'].pk}/"


def test_the_kind_is_in_the_language_the_link_was_made_in(organisation, owner, requests_of_firm):
    body = _fetch(_link(organisation, owner, "nl"), Client(HTTP_COOKIE="waarborg_language=en"))
    props, events = parse(body.content)
    rows = requests_of_firm
    summary = unescape(by_uid(events)[_uid(rows["mine"])]["SUMMARY"][1])
    assert summary == f"Termijn {rows['mine'].reference}: Inzage (art. 15)"
    extended = unescape(by_uid(events)[_uid(rows["extended"])]["SUMMARY"][1])
    assert extended == f"Termijn {rows['extended'].reference}: Bezwaar (art. 21) (verlengd)"
    assert unescape(props["X-WR-CALNAME"][1]) == "Termijnen van verzoeken, Firma Een B.V."


def test_the_uid_stays_the_same_across_fetches_and_a_renewed_link(
    organisation, owner, requests_of_firm
):
    first = by_uid(parse(_fetch(_link(organisation, owner)).content)[1])
    again = by_uid(parse(_fetch(_link(organisation, owner)).content)[1])
    assert set(first) == set(again) and len(first) == 3


def test_no_name_address_or_description_of_a_person_reaches_the_feed(organisation, owner, handler):
    person = {
        "name": "Zebediah Quixotewhistle",
        "email": "zq.unmistakable@leak-test.example",
        "phone": "+31 6 98765432",
        "customer_number": "CUST-7788-XQ",
        "description": "Mijn geheime klacht over de bakkerij",
        "postal_address": "Geheimstraat 99, 9999 ZZ Nergensdorp",
    }
    subject_request = _make(organisation, **person)
    actions.assign_request(subject_request, actor=owner, assignee=handler)
    for user in (owner, handler):
        body = _fetch(_link(organisation, user)).content
        unfolded = body.replace(b"\r\n ", b"")  # a fold must not hide a name either
        assert len(parse(body)[1]) == 1
        for value in person.values():
            for part in [value, *value.split()]:
                if len(part) < 5:
                    continue
                for text in (body, unfolded):
                    assert part.encode() not in text
                    assert part.lower().encode() not in text.lower()
        assert b"leak-test" not in unfolded and b"Zebediah" not in unfolded


def test_another_organisations_requests_never_appear(
    organisation, owner, other_organisation, other_owner
):
    ours = _make(organisation)
    theirs = _make(other_organisation, name="Theodora Anderorg", email="theo@ander.example")
    assert ours.reference == theirs.reference  # references count per organisation
    # a member of both organisations gets a feed per organisation
    core_actions.add_member(other_organisation, actor=other_owner, user=owner, role=Role.OWNER)
    ours_feed = _fetch(_link(organisation, owner)).content
    theirs_feed = _fetch(_link(other_organisation, owner)).content
    assert set(by_uid(parse(ours_feed)[1])) == {_uid(ours)}
    assert set(by_uid(parse(theirs_feed)[1])) == {_uid(theirs)}
    assert b"Anderorg" not in ours_feed.replace(b"\r\n ", b"")
    other = set(by_uid(parse(_fetch(_link(other_organisation, other_owner)).content)[1]))
    assert other == {_uid(theirs)}
    # both links of the member live side by side
    assert CalendarFeed.objects.filter(user=owner).count() == 2


def test_renewing_voids_the_old_link_and_revoking_the_new(organisation, owner, requests_of_firm):
    old = _link(organisation, owner)
    assert _fetch(old).status_code == 200
    new = _link(organisation, owner)
    assert new != old
    assert _fetch(old).status_code == 404
    assert _fetch(new).status_code == 200
    assert actions.revoke_calendar_link(organisation, actor=owner) is True
    assert _fetch(new).status_code == 404
    assert actions.revoke_calendar_link(organisation, actor=owner) is False
    assert not CalendarFeed.objects.exists()


def test_unknown_forged_and_revoked_links_get_the_same_bare_404(
    organisation, owner, requests_of_firm
):
    revoked = _link(organisation, owner)
    actions.revoke_calendar_link(organisation, actor=owner)
    live = _link(organisation, owner)
    feed = CalendarFeed.objects.get()
    answers = []
    for token in (
        revoked,
        "x" * 32,
        live[:-1] + ("A" if live[-1] != "A" else "B"),  # one character off
        feed.token_hash,  # the stored hash is not the key
        f"{live}:signature",
        "a" * 200,
    ):
        response = _fetch(token)
        assert response.status_code == 404, token
        assert response.content == b""
        assert not response.cookies
        answers.append((response.content, response["Content-Type"]))
    assert len(set(answers)) == 1
    assert _fetch(live).status_code == 200


def test_a_member_who_left_or_became_a_viewer_has_no_feed(
    organisation, owner, handler, requests_of_firm
):
    token = _link(organisation, handler)
    assert _fetch(token).status_code == 200
    membership = Membership.objects.get(organisation=organisation, user=handler)
    core_actions.change_role(membership, actor=owner, role=Role.VIEWER)
    assert _fetch(token).status_code == 404
    core_actions.change_role(membership, actor=owner, role=Role.HANDLER)
    assert _fetch(token).status_code == 200
    core_actions.remove_member(membership, actor=owner)
    assert _fetch(token).status_code == 404


def test_a_viewer_cannot_make_a_link(organisation, viewer):
    with pytest.raises(actions.RequestError):
        actions.make_calendar_link(organisation, actor=viewer)
    other = make_user("stranger@elders.example")
    with pytest.raises(actions.RequestError):
        actions.make_calendar_link(organisation, actor=other)
    assert not CalendarFeed.objects.exists()


def test_only_get_and_head_fetch_the_feed(organisation, owner):
    token = _link(organisation, owner)
    assert Client().head(f"/requests/calendar/{token}.ics").status_code == 200
    assert Client().post(f"/requests/calendar/{token}.ics").status_code == 405


# ---------------------------------------------------------------------------------------------
# The page


def test_the_page_makes_a_link_shows_it_once_and_audits(organisation, handler, client_for):
    client = client_for(handler)
    page = client.get("/requests/calendar/")
    assert page.status_code == 200 and "/requests/calendar/" in page.content.decode()
    response = client.post("/requests/calendar/")
    assert response.status_code == 200
    link = re.search(LINK, response.content.decode())
    assert link is not None
    assert _fetch(link[1]).status_code == 200
    assert link[1] not in client.get("/requests/calendar/").content.decode()
    entry = AuditEntry.objects.filter(organisation=organisation).latest("seq")
    assert entry.action == "request.calendar_link" and entry.actor == handler
    assert entry.new["renewed"] is False
    assert link[1] not in str(entry.new) and link[1] not in entry.object_repr
    # renew from the page
    renewed = client.post("/requests/calendar/")
    second = re.search(r"/requests/calendar/([^\"<\s]+)\.ics", renewed.content.decode())[1]
    assert _fetch(link[1]).status_code == 404 and _fetch(second).status_code == 200
    assert AuditEntry.objects.filter(organisation=organisation).latest("seq").new["renewed"]
    # revoke
    assert client.get("/requests/calendar/revoke/").status_code == 405
    response = client.post("/requests/calendar/revoke/")
    assert response.status_code == 302
    assert _fetch(second).status_code == 404
    entry = AuditEntry.objects.filter(organisation=organisation).latest("seq")
    assert entry.action == "request.calendar_revoke" and entry.actor == handler


def test_the_page_shows_the_link_on_the_configured_address_not_the_host(
    organisation, owner, client_for, settings
):
    settings.BASE_URL = "https://waarborg.firma.example"
    settings.ALLOWED_HOSTS = ["*"]
    response = client_for(owner).post("/requests/calendar/", HTTP_HOST="evil.example")
    text = response.content.decode()
    assert "https://waarborg.firma.example/requests/calendar/" in text
    assert "evil.example" not in text


def test_the_page_refuses_viewers_and_strangers(organisation, viewer, other_owner, client_for):
    assert client_for(viewer).get("/requests/calendar/").status_code == 403
    assert client_for(viewer).post("/requests/calendar/").status_code == 403
    assert client_for(viewer).post("/requests/calendar/revoke/").status_code == 403
    assert Client().get("/requests/calendar/").status_code == 302
    assert not CalendarFeed.objects.exists()


def test_revoking_on_the_page_touches_only_ones_own_link(organisation, owner, handler, client_for):
    owners = _link(organisation, owner)
    client_for(handler).post("/requests/calendar/revoke/")
    assert _fetch(owners).status_code == 200


# ---------------------------------------------------------------------------------------------
# The form of the standard, on random text


@given(st.text(max_size=300))
def test_escaped_and_folded_text_reads_back_the_same(text):
    line = calendar.fold("SUMMARY:" + calendar.escape_text(text))
    body = line.encode("utf-8")
    (name, _params, value) = content_lines(body)[0]
    assert name == "SUMMARY"
    assert len(content_lines(body)) == 1
    assert unescape(value) == text.replace("\r\n", "\n").replace("\r", "\n")


@given(st.text(alphabet=st.sampled_from("aé€😀,;\\\n"), min_size=70, max_size=400))
def test_folding_never_cuts_a_character_and_keeps_lines_short(text):
    body = calendar.fold("SUMMARY:" + calendar.escape_text(text)).encode("utf-8")
    lines = physical_lines(body)
    assert all(line.startswith(b" ") for line in lines[1:])
    assert all(len(line) in range(72, 76) for line in lines[:-1])


def test_a_request_whose_month_has_not_started_is_left_out(organisation, owner, settings):
    waiting = _make(organisation)
    SubjectRequest.objects.filter(pk=waiting.pk).update(due_on=None)  # clock waits for identity
    counted = _make(organisation)
    assert set(by_uid(parse(_fetch(_link(organisation, owner)).content)[1])) == {_uid(counted)}


ROLES = [Role.HANDLER, Role.PRIVACY_OFFICER, Role.OWNER]


class TestTheFeedHoldsExactlyWhatTheRuleSays(HypothesisTestCase):
    """Property: for any mix of requests (either organisation, any status, any handler or none,
    extended or not, a deadline or not), a member's feed holds exactly the open requests with a
    deadline of the feed's organisation, all of them for a privacy officer or owner, those
    assigned to the member for a handler; each on its deadline; never a person's name."""

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        role=st.sampled_from(ROLES),
        rows=st.lists(
            st.tuples(
                st.booleans(),  # in the member's organisation
                st.sampled_from(list(Status)),
                st.sampled_from(["member", "colleague", None]),
                st.booleans(),  # extended
                st.booleans(),  # has a deadline
            ),
            max_size=8,
        ),
    )
    def test_property(self, role, rows):
        from datetime import date

        boss = make_user("baas@firma.example")
        ours = core_actions.create_organisation(actor=boss, owner=boss, name="Ons", slug="ons")
        theirs = core_actions.create_organisation(actor=boss, owner=boss, name="Hun", slug="hun")
        member, colleague = make_user("lid@firma.example"), make_user("collega@firma.example")
        for organisation in (ours, theirs):
            core_actions.add_member(organisation, actor=boss, user=member, role=role)
            core_actions.add_member(organisation, actor=boss, user=colleague, role=Role.HANDLER)
        users = {"member": member, "colleague": colleague, None: None}
        expected = {}
        for number, (in_ours, status, assignee, extended, has_deadline) in enumerate(rows):
            organisation = ours if in_ours else theirs
            due = date(2027, 1, 1) + timedelta(days=number) if has_deadline else None
            row = SubjectRequest.objects.create(
                organisation=organisation,
                reference=f"2027-{number:04d}",
                kind=Kind.ERASURE,
                channel="web",
                language="nl",
                name=f"Geheime Naam{number}",
                email=f"geheim{number}@persoon.example",
                received_at=timezone.now(),
                status=status,
                assignee=users[assignee],
                due_on=due,
                extended_to=due + timedelta(days=60) if due and extended else None,
            )
            if (
                in_ours
                and status in (Status.AWAITING_IDENTITY, Status.IN_PROGRESS)
                and has_deadline
                and (role != Role.HANDLER or assignee == "member")
            ):
                expected[_uid(row)] = row.extended_to or row.due_on
        with translation.override("nl"):
            token = actions.make_calendar_link(ours, actor=member)
        body = _fetch(token).content
        events = by_uid(parse(body)[1])
        assert {uid: event["DTSTART"][1] for uid, event in events.items()} == {
            uid: f"{day:%Y%m%d}" for uid, day in expected.items()
        }
        unfolded = body.replace(b"\r\n ", b"")
        assert b"Geheime" not in unfolded and b"persoon.example" not in unfolded
        assert Organisation.objects.count() == 2
