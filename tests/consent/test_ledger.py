"""The consent ledger: keys, events with proof, the chain, state, checks, import."""

import pytest
from django.utils import translation

from waarborg.consent import actions
from waarborg.consent.actions import Action, ConsentError, Evidence, Source
from waarborg.consent.models import ConsentEvent, ConsentState, Mechanism, PurposeVersion


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def calls(organisation, owner):
    return actions.save_purpose(
        organisation,
        actor=owner,
        key="calls",
        name={"nl": "Belacties"},
        channel="phone",
        mechanism=Mechanism.OPT_OUT,
        direct_marketing=True,
        wording={"nl": "We bellen klanten soms met aanbiedingen."},
    )


def test_keys_are_normalised():
    assert actions.person_key(" Jan@Example.NL ") == ("jan@example.nl", "email")
    assert actions.person_key("06 1234 5678") == ("+31612345678", "phone")
    assert actions.person_key("+32 470 12 34 56") == ("+32470123456", "phone")
    assert actions.person_key("c-7f3a9b2e4d1c") == ("c-7f3a9b2e4d1c", "cookie")
    for bad in ("", "jan@", "12"):
        with pytest.raises(ConsentError):
            actions.person_key(bad)


def test_ip_addresses_are_truncated():
    assert actions.truncate_ip("203.0.113.77") == "203.0.113.0/24"
    assert actions.truncate_ip("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert actions.truncate_ip("nonsense") == ""


def test_new_wording_is_a_new_hashed_version(organisation, owner, newsletter):
    first = newsletter.current_version()
    actions.save_purpose(
        organisation,
        actor=owner,
        instance=newsletter,
        wording={"nl": "Ja, stuur mij de maandelijkse nieuwsbrief."},
    )
    second = newsletter.current_version()
    assert (first.number, second.number) == (1, 2)
    assert second.hash == PurposeVersion.compute_hash(second.wording) != first.hash


def test_events_are_chained_and_the_state_follows(organisation, newsletter):
    evidence = Evidence(ip="203.0.113.0/24", user_agent="Firefox", page="https://x.example/")
    actions.record_event(
        newsletter,
        "jan@example.nl",
        Action.GRANTED,
        source=Source.FORM,
        evidence=evidence,
        pending=True,
    )
    state = ConsentState.objects.get()
    assert state.status == "pending"
    actions.record_event(
        newsletter, "JAN@example.nl", Action.CONFIRMED, source=Source.DOUBLE_OPT_IN
    )
    state.refresh_from_db()
    assert state.status == "granted" and state.version.number == 1
    actions.record_event(newsletter, "jan@example.nl", Action.WITHDRAWN, source=Source.EMAIL_LINK)
    events = list(actions.history(organisation, "jan@example.nl"))
    assert [e.action for e in events] == ["granted", "confirmed", "withdrawn"]
    assert events[0].version.wording["nl"].startswith("Ja, stuur")
    assert events[1].prev_hash == events[0].hash
    assert actions.verify_ledger(organisation) == []


def test_verify_names_an_edited_event(organisation, newsletter):
    for address in ("a@example.nl", "b@example.nl", "c@example.nl"):
        actions.record_event(newsletter, address, Action.GRANTED, source=Source.FORM)
    assert ConsentEvent.objects.filter(seq__isnull=True).count() == 3  # not yet committed
    assert actions.seal(organisation.pk) == 3
    ConsentEvent.objects.filter(seq=2).update(person_key="x@example.nl")
    assert actions.verify_ledger(organisation) == [(2, "edited after it was written")]
    ConsentEvent.objects.filter(seq=3).delete()  # the queryset: a database-level delete
    problems = actions.verify_ledger(organisation)
    assert (3, "the newest events are missing") in problems


def test_check_answers_per_entry_with_the_reason(organisation, newsletter, calls):
    actions.record_event(newsletter, "ja@example.nl", Action.GRANTED, source=Source.FORM)
    actions.record_event(
        newsletter, "wacht@example.nl", Action.GRANTED, source=Source.FORM, pending=True
    )
    actions.record_event(newsletter, "weg@example.nl", Action.GRANTED, source=Source.FORM)
    actions.record_event(newsletter, "weg@example.nl", Action.WITHDRAWN, source=Source.EMAIL_LINK)
    answers = actions.check_contacts(
        newsletter,
        ["ja@example.nl", "wacht@example.nl", "weg@example.nl", "nooit@example.nl", "geen adres"],
    )
    assert [(a.may_contact, a.reason) for a in answers] == [
        (True, "consent"),
        (False, "pending_confirmation"),
        (False, "withdrawn"),
        (False, "no_consent"),
        (False, "invalid"),
    ]
    # opt-out purpose: yes until the person objects; an objection stops all direct marketing
    assert actions.check_contacts(calls, ["0612345678"])[0].reason == "legitimate_interest"
    actions.object_to_direct_marketing(organisation, "06-12345678", source=Source.PHONE)
    assert actions.check_contacts(calls, ["+31612345678"])[0].reason == "objected"


def test_a_suppression_outlives_the_erasure_of_the_events(organisation, newsletter):
    actions.record_event(newsletter, "weg@example.nl", Action.OBJECTED, source=Source.STAFF)
    ConsentState.objects.all().delete()  # what erasing the person's data leaves
    answer = actions.check_contacts(newsletter, ["weg@example.nl"])[0]
    assert (answer.may_contact, answer.reason) == (False, "suppressed")


def test_an_import_never_overrides_a_later_withdrawal(organisation, owner, newsletter):
    actions.record_event(newsletter, "weg@example.nl", Action.WITHDRAWN, source=Source.EMAIL_LINK)
    imported, skipped = actions.import_subscribers(
        newsletter,
        [
            {"email": "nieuw@example.nl", "date": "2024-03-01", "ip": "198.51.100.7"},
            {"email": "weg@example.nl", "date": "2023-01-01"},
        ],
        actor=owner,
    )
    assert (imported, skipped) == (1, 1)
    event = ConsentEvent.objects.get(person_key="nieuw@example.nl")
    assert event.source == "import" and event.ip == "198.51.100.0/24"
    assert event.occurred_at.year == 2024
    assert actions.check_contacts(newsletter, ["weg@example.nl"])[0].may_contact is False
    with pytest.raises(ConsentError, match="row 3: This is not an e-mail address"):
        actions.import_subscribers(
            newsletter, [{"email": "ok@example.nl"}, {"email": "fout@"}], actor=owner
        )
    assert not ConsentEvent.objects.filter(person_key="ok@example.nl").exists()


def test_the_worker_seals_what_writers_left(organisation, newsletter):
    from waarborg.audit.keys import current_key
    from waarborg.consent.tasks import schedule_sealing, seal_ledgers

    actions.record_event(newsletter, "a@example.nl", Action.GRANTED, source=Source.FORM)
    assert ConsentEvent.objects.get().seq is None
    seal_ledgers.call()
    event = ConsentEvent.objects.get()
    key = current_key()  # the chain is keyed (audit.keys)
    assert event.seq == 1 and event.hash == ConsentEvent.link(
        1, event.prev_hash, event.body_hash(), key
    )
    assert schedule_sealing() is None  # one waiting run is enough


def test_a_banner_choice_is_stored_as_recorded(organisation, owner):
    """On PostgreSQL the states and events of a choice are written in one statement from
    JSON; every field arrives as recorded, times to the microsecond, and the chain holds."""
    from datetime import UTC, datetime

    cookies = [
        actions.save_purpose(
            organisation,
            actor=owner,
            key=key,
            name={"nl": key},
            channel="cookie",
            mechanism=Mechanism.OPT_IN,
            wording={"nl": f"Cookies voor {key}."},
        )
        for key in ("statistiek", "advertenties")
    ]
    moment = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    recorded = actions.record_events(
        [
            (cookies[0], Action.GRANTED, cookies[0].current_version()),
            (cookies[1], Action.WITHDRAWN, None),
        ],
        "c-0123456789abcdef",
        source=Source.BANNER,
        evidence=Evidence(ip="203.0.113.0/24", user_agent="Brave “nightly”", page="https://é.nl/"),
        details={"revision": "r1", "nested": {"ü": [1, None, True]}},
        occurred_at=moment,
        kind="cookie",
    )
    stored = {e.pk: e for e in ConsentEvent.objects.filter(pk__in=[e.pk for e in recorded])}
    assert len(stored) == 2
    for event in recorded:
        again = stored[event.pk]
        for field in ConsentEvent._meta.concrete_fields:
            assert getattr(again, field.attname) == getattr(event, field.attname), field.name
        assert again.occurred_at == moment
    states = {s.purpose.key: (s.status, s.version_id) for s in ConsentState.objects.all()}
    assert states == {
        "statistiek": ("granted", cookies[0].current_version().pk),
        "advertenties": ("withdrawn", None),
    }
    assert actions.seal(organisation.pk) == 2
    assert actions.verify_ledger(organisation) == []
