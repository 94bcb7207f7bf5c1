"""E-mailing the people affected by a material change: background work through the real
worker, a real SMTP server, throttling, progress, a log, and no message sent twice."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.notices.test_publish import ready  # noqa: F401 (fixture)
from waarborg.audit.models import AuditEntry
from waarborg.notices import actions
from waarborg.notices.models import ChangeNotice, ChangeNoticeRecipient
from waarborg.register.actions import save_item
from waarborg.register.models import Party
from waarborg.register.schema import current_data


def _two_versions(organisation, owner):
    actions.publish_statement(organisation, actor=owner)
    mailer = Party.objects.get(organisation=organisation, key="mailer")
    data = {
        **current_data("parties", mailer),
        "country": "US",
        "locations": ["US"],
        "transfer_mechanism": "scc_2021",
    }
    save_item("parties", organisation, data, actor=owner, instance=mailer)
    actions.publish_statement(organisation, actor=owner)


def test_address_lists_are_all_or_nothing():
    assert actions.parse_recipients("email,language\nA@x.nl\nb@y.nl,en\na@x.nl,nl\n", "nl") == [
        ("a@x.nl", "nl"),
        ("b@y.nl", "en"),
    ]
    with pytest.raises(actions.PublishError) as error:
        actions.parse_recipients("a@x.nl\nnot-an-address\nc@z.nl,fr\n", "nl")
    messages = [p.message for p in error.value.problems]
    assert len(messages) == 2
    assert "2" in str(messages[0]) and "3" in str(messages[1])
    with pytest.raises(actions.PublishError):
        actions.parse_recipients("\n\n", "nl")


def test_an_address_typed_with_its_language_after_a_space_is_read():
    assert actions.parse_recipients("klant@x.nl nl\nclient@y.nl en\nander@z.nl\n", "nl") == [
        ("klant@x.nl", "nl"),
        ("client@y.nl", "en"),
        ("ander@z.nl", "nl"),
    ]
    with pytest.raises(actions.PublishError):  # a space is no way around the checks
        actions.parse_recipients("klant@x.nl fr\n", "nl")


@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_message_once_in_its_language(ready, owner, smtp_server):  # noqa: F811
    _two_versions(ready, owner)
    recipients = [("een@x.nl", "nl"), ("two@y.com", "en"), ("drie@x.nl", "nl")]
    notice = actions.notify_change(
        ready, actor=owner, from_number=1, to_number=2, recipients=recipients, per_minute=6000
    )
    assert notice.status == ChangeNotice.Status.QUEUED
    # A message claimed by a worker that then died: reported, never sent again.
    ChangeNoticeRecipient.objects.filter(notice=notice, email="drie@x.nl").update(status="claimed")
    call_command("jobs_worker", "--batch", verbosity=0)
    notice.refresh_from_db()
    assert notice.status == ChangeNotice.Status.DONE and notice.finished_at
    assert notice.counts() == {"sent": 2, "uncertain": 1}
    by_address = {m["To"]: m for m in smtp_server.messages}
    assert set(by_address) == {"een@x.nl", "two@y.com"}
    dutch, english = by_address["een@x.nl"], by_address["two@y.com"]
    assert dutch["Subject"] == "Firma Een B.V. wijzigt wat het met uw gegevens doet"
    assert "Mailer: naar de Verenigde Staten" in dutch.get_content()
    assert "/c/firma-een-bv/privacy/nl/" in dutch.get_content()
    assert english["Subject"] == "Firma Een B.V. changes what it does with your data"
    assert "Mailer: to the United States" in english.get_content(), english.get_content()
    # Running the worker again sends nothing more.
    call_command("jobs_worker", "--batch", verbosity=0)
    assert len(smtp_server.messages) == 2
    actions_seen = list(
        AuditEntry.objects.filter(organisation=ready).values_list("action", flat=True)
    )
    assert (
        "notices.change_notice.queued" in actions_seen
        and "notices.change_notice.sent" in actions_seen
    )


def test_notify_page_queues_and_shows_progress(client_for, privacy_officer, ready, owner):  # noqa: F811
    _two_versions(ready, owner)
    client = client_for(privacy_officer)
    assert client.get(reverse("notices:notify")).status_code == 200
    bad = client.post(
        reverse("notices:notify"),
        {"from_number": 1, "to_number": 2, "addresses": "ok@x.nl\nwrong", "per_minute": 60},
    )
    assert bad.status_code == 200 and "regel 2" in bad.content.decode()
    assert not ChangeNotice.objects.exists()
    response = client.post(
        reverse("notices:notify"),
        {"from_number": 1, "to_number": 2, "addresses": "ok@x.nl\nook@x.nl,en", "per_minute": 60},
    )
    notice = ChangeNotice.objects.get()
    assert response.url == reverse("notices:notice", args=[notice.pk])
    page = client.get(response.url).content.decode()
    assert "0 van 2 afgehandeld" in page and 'http-equiv="refresh"' in page
    assert "ook@x.nl" in page


@pytest.mark.parametrize("persona", ["handler", "viewer"])
def test_only_privacy_officers_notify(request, client_for, ready, persona):  # noqa: F811
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("notices:notify")).status_code == 403
    assert client.post(reverse("notices:notify"), {"addresses": "a@b.nl"}).status_code == 403


def test_versions_must_exist_and_be_in_order(ready, owner):  # noqa: F811
    _two_versions(ready, owner)
    with pytest.raises(actions.PublishError):
        actions.notify_change(
            ready, actor=owner, from_number=2, to_number=1, recipients=[("a@b.nl", "nl")]
        )
    with pytest.raises(actions.PublishError):
        actions.notify_change(
            ready, actor=owner, from_number=1, to_number=7, recipients=[("a@b.nl", "nl")]
        )
    assert not ChangeNotice.objects.exists()
