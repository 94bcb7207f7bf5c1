"""No letter or notice mixes languages (issue #19): the texts staff type for the people are
kept in Dutch and English; a letter in English carries the English texts only, and is refused,
naming the missing fields, when one it needs has no English, never filled in with Dutch."""

import pytest
from django.core import mail
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.breaches.conftest import FACTS, record
from tests.breaches.test_register import form_data
from waarborg.audit.models import AuditEntry
from waarborg.breaches import actions
from waarborg.breaches.models import TRANSLATED_FIELDS, Breach, Letter, LetterRecipient
from waarborg.register.models import Party, ProcessingActivity

DUTCH_ONLY = {name: {"nl": value["nl"]} for name, value in FACTS.items() if isinstance(value, dict)}


def deliver(letter):
    Letter.objects.filter(pk=letter.pk).update(per_minute=0)
    return actions.deliver_letter(letter.pk, actor=None)


@pytest.fixture
def dutch_only(organisation, owner, handler):
    from waarborg.core import actions as core

    core.update_organisation(organisation, actor=owner, privacy_email="privacy@firma.example")
    return record(organisation, handler, **DUTCH_ONLY)


def test_english_letters_are_refused_naming_the_fields_without_english(dutch_only, privacy_officer):
    with pytest.raises(actions.BreachError) as error:
        actions.send_letters(
            dutch_only, actor=privacy_officer, recipients=[("ann@example.com", "en")]
        )
    message = str(error.value)
    assert message.startswith("De Engelse brief mist nog:")
    for name in ("wat er is gebeurd", "waarschijnlijke gevolgen", "genomen maatregelen"):
        assert name in message.lower(), name
    assert not LetterRecipient.objects.exists() and not Letter.objects.exists()
    assert not AuditEntry.objects.filter(action="breach.letters_queued").exists()


def test_a_mixed_list_is_refused_whole_and_dutch_alone_goes(
    dutch_only, privacy_officer, django_capture_on_commit_callbacks
):
    with pytest.raises(actions.BreachError, match="Engelse brief"):
        actions.send_letters(
            dutch_only, actor=privacy_officer,
            recipients=[("jan@voorbeeld.nl", "nl"), ("ann@example.com", "en")],
        )  # fmt: skip
    assert not LetterRecipient.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        letter = actions.send_letters(
            dutch_only, actor=privacy_officer, recipients=[("jan@voorbeeld.nl", "nl")]
        )
    mail.outbox.clear()
    deliver(letter)
    [message] = mail.outbox
    assert dutch_only.description["nl"] in message.body


def test_a_text_in_dutch_only_is_missing_from_the_english_letter_too(
    organisation, handler, privacy_officer
):
    breach = record(
        organisation, handler, contact_point={"nl": "Servicedesk, 020 123 4567", "en": "x"},
        advice_to_people={"nl": "Wijzig uw wachtwoord."},
    )  # fmt: skip
    assert actions.letter_missing(breach, "nl") == []
    assert [str(m) for m in actions.letter_missing(breach, "en")] == [
        "wat betrokkenen zelf kunnen doen"
    ]
    with pytest.raises(actions.BreachError, match="wat betrokkenen zelf kunnen doen"):
        actions.send_letters(breach, actor=privacy_officer, recipients=[("a@example.com", "en")])


def test_english_text_removed_after_queueing_fails_the_letter_not_mixes_it(
    organisation, owner, handler, privacy_officer, django_capture_on_commit_callbacks
):
    from waarborg.core import actions as core

    core.update_organisation(organisation, actor=owner, privacy_email="privacy@firma.example")
    breach = record(organisation, handler)
    with django_capture_on_commit_callbacks(execute=False):
        letter = actions.send_letters(
            breach, actor=privacy_officer,
            recipients=[("jan@voorbeeld.nl", "nl"), ("ann@example.com", "en")],
        )  # fmt: skip
    actions.update_breach(breach, actor=handler, consequences={"nl": "Oplichting."})
    mail.outbox.clear()
    deliver(letter)
    assert [m.to[0] for m in mail.outbox] == ["jan@voorbeeld.nl"]
    english = LetterRecipient.objects.get(email="ann@example.com")
    assert english.status == "failed" and "Engelse brief" in english.error


def test_the_english_notice_to_a_client_is_refused_without_english(
    organisation, handler, privacy_officer, django_capture_on_commit_callbacks
):
    client = Party.objects.create(
        organisation=organisation, key="klant", name={"nl": "Klant"},
        kind="client_controller", country="NL",
    )  # fmt: skip
    activity = ProcessingActivity.objects.create(
        organisation=organisation, key="salaris", role="processor", name={"nl": "Salaris"},
        purpose={"nl": "Salaris"}, controller=client,
    )  # fmt: skip
    breach = record(organisation, handler, links={"activities": [activity]}, **DUTCH_ONLY)
    mail.outbox.clear()
    with pytest.raises(actions.BreachError, match="Het Engelse bericht mist nog"):
        actions.notify_controller(
            breach, actor=privacy_officer, controller=client, email="dpo@client.eu", language="en"
        )
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify_controller(
            breach, actor=privacy_officer, controller=client, email="fg@klant.nl", language="nl"
        )
    assert [m.to[0] for m in mail.outbox] == ["fg@klant.nl"]


def test_the_form_takes_both_languages_and_needs_the_dutch(client_for, handler, viewer):
    client = client_for(handler)
    response = client.post(
        "/breaches/add/", form_data(description={"nl": "", "en": "Only English."})
    )
    assert response.status_code == 200 and not Breach.objects.exists()
    response = client.post("/breaches/add/", form_data())
    assert response.status_code == 302
    breach = Breach.objects.get()
    for name in ("description", "consequences", "measures_taken", "measures_planned"):
        assert getattr(breach, name) == FACTS[name], name
    page = client.get(f"/breaches/{breach.pk}/edit/").content.decode()
    assert 'name="description_0"' in page and 'name="description_1"' in page
    assert FACTS["description"]["en"] in page


def test_the_breach_page_says_which_letter_lacks_what(dutch_only, client_for, privacy_officer):
    page = client_for(privacy_officer).get(f"/breaches/{dutch_only.pk}/").content.decode()
    assert "De brief in het Engels mist nog" in page
    assert "De brief in het Nederlands mist nog" not in page


def test_a_text_given_as_one_string_is_the_dutch_text(client, organisation, owner):
    from waarborg.api.actions import create_key

    key = create_key(organisation, actor=owner, name="monitor", role="handler")[1]
    response = client.post(
        "/api/v1/breaches/",
        {"title": "Export", "description": "Export naar onbekend adres.", "cause": "hacking",
         "confidentiality": True, "aware_at": "2026-10-23T17:00:00+02:00"},
        content_type="application/json", headers={"Authorization": f"Bearer {key}"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert Breach.objects.get().description == {"nl": "Export naar onbekend adres.", "en": ""}


TEXTS = {
    "description": ("Laptop gestolen.", "Laptop stolen."),
    "consequences": ("Kans op oplichting.", "Risk of fraud."),
    "measures_taken": ("Aangifte gedaan.", "Reported to the police."),
    "measures_planned": ("Versleuteling.", "Encryption."),
    "advice_to_people": ("Let op nepmails.", "Beware of fake mails."),
    "contact_point": ("Servicedesk NL", "Service desk EN"),
}


@settings(max_examples=25, deadline=None)
@given(
    dutch=st.sets(st.sampled_from(sorted(TEXTS))),
    english=st.sets(st.sampled_from(sorted(TEXTS))),
    language=st.sampled_from(["nl", "en"]),
)
def test_property_a_letter_is_in_one_language_or_refused(
    dutch, english, language, organisation, handler, privacy_officer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Whatever texts are filled in in whichever language: the letter in `language` holds
    each of its own texts and none of the other language's, or it is refused and nothing is
    queued."""
    assert set(TEXTS) == set(TRANSLATED_FIELDS)
    dutch = dutch | {"description"}  # the form requires it
    values = {
        name: {"nl": nl if name in dutch else "", "en": en if name in english else ""}
        for name, (nl, en) in TEXTS.items()
    }
    breach = record(organisation, handler, **values)
    mail.outbox.clear()
    try:
        with django_capture_on_commit_callbacks(execute=False):
            letter = actions.send_letters(
                breach, actor=privacy_officer, recipients=[("p@example.com", language)]
            )
    except actions.BreachError:
        assert actions.letter_missing(breach, language)
        assert not LetterRecipient.objects.filter(breach=breach).exists()
    else:
        deliver(letter)
        [message] = mail.outbox
        mine, theirs = (0, 1) if language == "nl" else (1, 0)
        filled = dutch if language == "nl" else english
        for name, texts in TEXTS.items():
            assert texts[theirs] not in message.body, name
            if name in filled:
                assert texts[mine] in message.body, name
    Breach.objects.filter(pk=breach.pk).delete()
