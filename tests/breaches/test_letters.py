# ruff: noqa: E501
"""Informing the people (Art. 34): the letter states what Art. 34(2) asks and only recorded
facts, in the person's language; each address gets it at most once per breach, whichever
mailing; a public notice or the Art. 34(3) exemption is recorded with its ground. And the
processor side (Art. 33(2)): each affected client-controller notified, its time recorded."""

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from tests.breaches.conftest import record
from waarborg.audit.models import AuditEntry
from waarborg.breaches import actions
from waarborg.breaches.models import Breach, ControllerNotice, Letter, LetterRecipient
from waarborg.register.models import Party, ProcessingActivity


@pytest.fixture
def officer_breach(organisation, owner, handler):
    from waarborg.core import actions as core

    core.update_organisation(organisation, actor=owner, privacy_email="privacy@firma.example")
    return record(
        organisation,
        handler,
        advice_to_people={
            "nl": "Let op mails die om uw wachtwoord vragen.",
            "en": "Watch out for e-mails that ask for your password.",
        },
    )


def deliver(letter):
    # Unthrottled here: the throttle waits between two messages, which tests need not do.
    Letter.objects.filter(pk=letter.pk).update(per_minute=0)
    return actions.deliver_letter(letter.pk, actor=None)


def test_the_letter_in_each_language_states_the_recorded_facts(
    officer_breach, privacy_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        letter = actions.send_letters(
            officer_breach, actor=privacy_officer,
            recipients=[("jan@voorbeeld.nl", "nl"), ("ann@example.com", "en")],
        )  # fmt: skip
    mail.outbox.clear()
    assert deliver(letter).status == "done"
    by_address = {m.to[0]: m for m in mail.outbox}
    dutch, english = by_address["jan@voorbeeld.nl"], by_address["ann@example.com"]
    assert dutch.subject == "Firma Een B.V.: een datalek dat u betreft"
    assert english.subject == "Firma Een B.V.: a data breach that concerns you"
    for message, language in ((dutch, "nl"), (english, "en")):
        other = "en" if language == "nl" else "nl"
        for name in ("description", "consequences", "measures_taken", "advice_to_people"):
            assert officer_breach.text(name, language) in message.body
            assert officer_breach.text(name, other) not in message.body  # never mixed
        assert "privacy@firma.example" in message.body
    assert "Wat u zelf kunt doen" in dutch.body and "What you can do yourself" in english.body
    officer_breach.refresh_from_db()
    assert officer_breach.communication == "letters" and officer_breach.communicated_at
    sent = AuditEntry.objects.get(action="breach.letters_sent")
    assert sent.new["sent"] == 2


def test_a_letter_needs_what_article_34_2_asks(organisation, handler, privacy_officer):
    breach = record(organisation, handler, consequences="", measures_taken="", measures_planned="")
    with pytest.raises(actions.BreachError) as error:
        actions.send_letters(breach, actor=privacy_officer, recipients=[("a@b.nl", "nl")])
    assert "gevolgen" in str(error.value) and "maatregelen" in str(error.value)
    assert not LetterRecipient.objects.exists()


def test_never_twice_across_mailings(
    officer_breach, privacy_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = actions.send_letters(
            officer_breach, actor=privacy_officer, recipients=[("a@x.nl", "nl"), ("b@x.nl", "nl")]
        )
        second = actions.send_letters(
            officer_breach, actor=privacy_officer, recipients=[("b@x.nl", "nl"), ("c@x.nl", "en")]
        )
        again = actions.send_letters(
            officer_breach, actor=privacy_officer, recipients=[("c@x.nl", "nl")]
        )
    assert again is None
    mail.outbox.clear()
    deliver(first)
    deliver(second)
    deliver(second)  # a repeated run sends nothing more
    assert sorted(m.to[0] for m in mail.outbox) == ["a@x.nl", "b@x.nl", "c@x.nl"]


@given(batches=st.lists(st.lists(st.integers(0, 15), max_size=8), min_size=1, max_size=4))
def test_property_each_address_at_most_once(
    batches, organisation, handler, privacy_officer, django_capture_on_commit_callbacks
):
    """Whatever lists are sent, in whatever order, an address gets one letter per breach."""
    breach = record(organisation, handler, contact_point="privacy@firma.example")
    mail.outbox.clear()
    letters = []
    with django_capture_on_commit_callbacks(execute=False):
        for batch in batches:
            recipients = list(dict.fromkeys((f"p{n}@x.nl", "nl") for n in batch))
            if recipients:
                letters.append(
                    actions.send_letters(breach, actor=privacy_officer, recipients=recipients)
                )
    for letter in filter(None, letters):
        deliver(letter)
    wanted = {f"p{n}@x.nl" for batch in batches for n in batch}
    received = [m.to[0] for m in mail.outbox]
    assert sorted(received) == sorted(wanted)
    Breach.objects.filter(pk=breach.pk).delete()


def test_an_interrupted_letter_is_marked_uncertain_not_sent_again(
    officer_breach, privacy_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        letter = actions.send_letters(
            officer_breach, actor=privacy_officer, recipients=[("a@x.nl", "nl"), ("b@x.nl", "nl")]
        )
    # A worker claimed the first and died before it could mark it.
    LetterRecipient.objects.filter(email="a@x.nl").update(status="claimed")
    mail.outbox.clear()
    deliver(letter)
    assert [m.to[0] for m in mail.outbox] == ["b@x.nl"]
    assert LetterRecipient.objects.get(email="a@x.nl").status == "uncertain"


def test_the_letters_page_refuses_bad_addresses_and_sends_nothing(
    officer_breach, privacy_officer, client_for
):
    client = client_for(privacy_officer)
    response = client.post(
        f"/breaches/{officer_breach.pk}/letters/",
        {"addresses": "jan@voorbeeld.nl\ngeen-adres\n", "per_minute": 60},
    )
    assert response.status_code == 302
    assert not LetterRecipient.objects.exists()
    page = client.get(response.url).content.decode()
    assert "geen-adres" in page


def test_public_notice_and_exemption_are_recorded_with_their_ground(breach, privacy_officer):
    with pytest.raises(actions.BreachError):
        actions.record_communication(
            breach, actor=privacy_officer, communication="exempt", note="x"
        )
    with pytest.raises(actions.BreachError):
        actions.record_communication(
            breach, actor=privacy_officer, communication="public", note=" "
        )
    actions.record_communication(
        breach, actor=privacy_officer, communication="exempt", exemption="a",
        note="De laptop was volledig versleuteld (BitLocker, sterke sleutel).",
    )  # fmt: skip
    breach.refresh_from_db()
    assert breach.exemption == "a"
    assert AuditEntry.objects.get(action="breach.communication").new["exemption"] == "a"


def test_the_processor_notifies_each_affected_client(
    organisation,
    handler,
    privacy_officer,
    other_organisation,
    django_capture_on_commit_callbacks,
    client_for,
):
    client_a = Party.objects.create(
        organisation=organisation,
        key="klant-a",
        name={"nl": "Klant A"},
        kind="client_controller",
        country="NL",
    )
    client_b = Party.objects.create(
        organisation=organisation,
        key="klant-b",
        name={"nl": "Klant B"},
        kind="client_controller",
        country="NL",
    )
    unaffected = Party.objects.create(
        organisation=organisation,
        key="klant-c",
        name={"nl": "Klant C"},
        kind="client_controller",
        country="NL",
    )
    activities = [
        ProcessingActivity.objects.create(
            organisation=organisation, key=f"payroll-{p.key}", role="processor",
            name={"nl": f"Salarisadministratie {p.key}"}, purpose={"nl": "Salaris"}, controller=p,
        )
        for p in (client_a, client_b)
    ]  # fmt: skip
    breach = record(organisation, handler, links={"activities": activities})
    assert set(actions.affected_controllers(breach)) == {client_a, client_b}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify_controller(
            breach, actor=privacy_officer, controller=client_a, email="fg@klant-a.nl"
        )
        actions.notify_controller(
            breach,
            actor=privacy_officer,
            controller=client_b,
            email="dpo@client-b.eu",
            language="en",
        )
    with pytest.raises(actions.BreachError):
        actions.notify_controller(
            breach, actor=privacy_officer, controller=unaffected, email="x@c.nl"
        )
    theirs = Party.objects.create(
        organisation=other_organisation,
        key="klant-a",
        name={"nl": "A"},
        kind="client_controller",
        country="NL",
    )
    with pytest.raises(actions.BreachError):
        actions.notify_controller(breach, actor=privacy_officer, controller=theirs, email="x@c.nl")
    notices = list(ControllerNotice.objects.order_by("sent_at"))
    assert [n.controller for n in notices] == [client_a, client_b]
    assert all(n.sent_at for n in notices)
    assert [m.to[0] for m in mail.outbox] == ["fg@klant-a.nl", "dpo@client-b.eu"]
    assert breach.reference in mail.outbox[0].subject
    assert breach.description["nl"] in mail.outbox[0].body and "Ontdekt op" in mail.outbox[0].body
    assert breach.description["en"] in mail.outbox[1].body
    assert breach.description["nl"] not in mail.outbox[1].body
    assert "We became aware" in mail.outbox[1].body
    page = client_for(privacy_officer).get(f"/breaches/{breach.pk}/").content.decode()
    assert 'id="controllers"' in page and "fg@klant-a.nl" in page and "Klant B" in page


def test_an_uploaded_csv_list_is_queued(officer_breach, privacy_officer, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "adressen.csv", "\ufeffemail,taal\njan@voorbeeld.nl,nl\nann@example.com,en\n".encode()
    )
    response = client_for(privacy_officer).post(
        f"/breaches/{officer_breach.pk}/letters/", {"upload": upload, "per_minute": 60}
    )
    assert response.status_code == 302
    assert dict(LetterRecipient.objects.values_list("email", "language")) == {
        "jan@voorbeeld.nl": "nl",
        "ann@example.com": "en",
    }
    assert AuditEntry.objects.get(action="breach.letters_queued").new["recipients"] == 2
