"""The reason of a sub-processor change is kept in Dutch and English; each client's message
carries it only in the client's own language, and announcing is refused while a client's
language lacks it (a message never mixes languages)."""

import datetime
import importlib

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from tests.processors.test_changes import _firm, _party
from waarborg.processors import actions
from waarborg.processors.models import ChangeClient, SubProcessorChange
from waarborg.register.models import Party

EFFECTIVE = timezone.localdate() + datetime.timedelta(days=20)


def _backup(organisation):
    return _party(organisation, "backup", Party.Kind.SUB_PROCESSOR, country="DE", locations=["DE"])


@pytest.mark.django_db
def test_announcing_is_refused_while_a_clients_language_lacks_the_reason(organisation, owner):
    # Three clients: 000 and 002 are in Germany (English), 001 in the Netherlands (Dutch).
    service, _parties = _firm(organisation, owner, clients=3)
    change = actions.plan_change(
        organisation,
        actor=owner,
        services=[service],
        party=_backup(organisation),
        effective_on=EFFECTIVE,
        reason="Back-ups op een tweede locatie.",
    )
    assert change.reason == {"nl": "Back-ups op een tweede locatie.", "en": ""}
    with translation.override("en"), pytest.raises(actions.ProcessorError) as refused:
        actions.announce_change(change, actor=owner)
    message = str(refused.value.message)
    assert "English" in message and "Client-000" in message
    change.refresh_from_db()
    assert change.status == SubProcessorChange.Status.DRAFT
    assert not ChangeClient.objects.filter(change=change).exists()
    # Once the English text is there, it goes out.
    actions.set_change_reason(
        change,
        actor=owner,
        reason={"nl": "Back-ups op een tweede locatie.", "en": "Backups at a second location."},
    )
    actions.announce_change(change, actor=owner)
    change.refresh_from_db()
    assert change.status == SubProcessorChange.Status.SENDING


@pytest.mark.django_db
def test_the_refusal_names_dutch_when_only_english_is_written(organisation, owner):
    service, _parties = _firm(organisation, owner, clients=2)
    change = actions.plan_change(
        organisation,
        actor=owner,
        services=[service],
        party=_backup(organisation),
        effective_on=EFFECTIVE,
        reason={"en": "Backups at a second location."},
    )
    with translation.override("en"), pytest.raises(actions.ProcessorError) as refused:
        actions.announce_change(change, actor=owner)
    assert "Dutch" in str(refused.value.message)


@pytest.mark.django_db
def test_without_a_reason_announcing_is_not_held_up(organisation, owner):
    service, _parties = _firm(organisation, owner, clients=2)
    change = actions.plan_change(
        organisation,
        actor=owner,
        services=[service],
        party=_backup(organisation),
        effective_on=EFFECTIVE,
    )
    assert change.reason == {}
    actions.announce_change(change, actor=owner)


@pytest.mark.django_db(transaction=True)
def test_each_message_carries_the_reason_in_its_own_language_only(organisation, owner, smtp_server):
    service, _parties = _firm(organisation, owner, clients=2)
    change = actions.plan_change(
        organisation,
        actor=owner,
        services=[service],
        party=_backup(organisation),
        effective_on=EFFECTIVE,
        reason={"nl": "Back-ups op een tweede locatie.", "en": "Backups at a second location."},
    )
    actions.announce_change(change, actor=owner, per_minute=0)
    call_command("jobs_worker", "--batch", verbosity=0)
    by_address = {m["To"]: m.get_content() for m in smtp_server.messages}
    dutch, english = by_address["privacy@client1.example"], by_address["privacy@client0.example"]
    assert "Back-ups op een tweede locatie." in dutch
    assert "Backups at a second location." not in dutch
    assert "Backups at a second location." in english
    assert "Back-ups op een tweede locatie." not in english


@pytest.mark.django_db
def test_a_draft_reason_is_set_on_the_change_page_in_both_languages(
    organisation, owner, client_for, viewer
):
    service, _parties = _firm(organisation, owner, clients=1)
    change = actions.plan_change(
        organisation,
        actor=owner,
        services=[service],
        party=_backup(organisation),
        effective_on=EFFECTIVE,
    )
    url = f"/processors/changes/{change.pk}/reason/"
    data = {"reason_0": "Reden", "reason_1": "Reason"}
    assert client_for(viewer).post(url, data).status_code in (302, 403)
    change.refresh_from_db()
    assert change.reason == {}
    response = client_for(owner).post(url, data)
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.reason == {"nl": "Reden", "en": "Reason"}
    # Announced, it is fixed.
    actions.announce_change(change, actor=owner)
    client_for(owner).post(url, {"reason_0": "Anders", "reason_1": "Other"})
    change.refresh_from_db()
    assert change.reason == {"nl": "Reden", "en": "Reason"}


def test_the_migration_keeps_old_text_as_dutch():
    migration = importlib.import_module(
        "waarborg.processors.migrations.0003_s29_h21b_change_reason_translated"
    )

    class Row:
        def __init__(self, reason):
            self.reason, self.saved = reason, None

        def save(self, update_fields):
            self.saved = update_fields

    rows = [Row("Back-ups op een tweede locatie."), Row("")]

    class Manager:
        def all(self):
            return rows

    class Model:
        objects = Manager()

    class Apps:
        def get_model(self, app, name):
            return Model

    migration.to_dutch(Apps(), None)
    assert rows[0].reason_translated == {"nl": "Back-ups op een tweede locatie.", "en": ""}
    assert rows[1].reason_translated == {}


@pytest.mark.django_db
def test_the_plan_form_takes_the_reason_in_both_languages(organisation, owner, client_for):
    service, _parties = _firm(organisation, owner, clients=1)
    backup = _backup(organisation)
    browser = client_for(owner)
    page = browser.get("/processors/changes/new/").content.decode()
    assert 'name="reason_0"' in page and 'name="reason_1"' in page
    response = browser.post(
        "/processors/changes/new/",
        {
            "services": [service.pk],
            "party": backup.pk,
            "effective_on": EFFECTIVE.isoformat(),
            "reason_0": "Back-ups op een tweede locatie.",
            "reason_1": "Backups at a second location.",
        },
    )
    assert response.status_code == 302
    change = SubProcessorChange.objects.get(organisation=organisation)
    assert change.reason == {
        "nl": "Back-ups op een tweede locatie.",
        "en": "Backups at a second location.",
    }
    # A refused announcement is shown on the change's page, in the reader's language.
    change.reason = {"nl": "Alleen Nederlands.", "en": ""}
    change.save()
    browser.cookies["waarborg_language"] = "nl"
    shown = browser.post(f"/processors/changes/{change.pk}/announce/", follow=True)
    text = shown.content.decode()
    assert "De reden ontbreekt in het Engels" in text and "Client-000" in text
