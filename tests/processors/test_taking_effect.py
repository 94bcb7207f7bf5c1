"""An objection is a task for the privacy officer and keeps the change from that client; the
daily job puts changes into effect per client, once; the client page shows what is in use for
it and the requests forwarded to it. Never a client of another organisation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.processors.test_changes import _firm, _party
from waarborg.audit.models import AuditEntry
from waarborg.processors import actions, datapro
from waarborg.processors.models import Agreement, ChangeClient, SubProcessorChange
from waarborg.register.models import Party

TODAY = timezone.localdate()


def _announced(organisation, owner, service, party, *, effective_on=TODAY, replaces=None):
    change = actions.plan_change(
        organisation,
        actor=owner,
        services=[service],
        party=party,
        replaces=replaces,
        effective_on=effective_on,
    )
    actions.announce_change(change, actor=owner)
    # As the worker leaves it once every message went out.
    change.clients.update(status=ChangeClient.Status.SENT)
    SubProcessorChange.objects.filter(pk=change.pk).update(
        status=SubProcessorChange.Status.ANNOUNCED
    )
    change.refresh_from_db()
    return change


def _rows(change):
    return {r.client.key: r for r in change.clients.select_related("client", "change")}


def _names(service, client):
    return [p.key for p in service.sub_processors_for(client)]


@pytest.mark.django_db
def test_an_objection_is_a_task_with_three_outcomes_and_holds_the_change_back(
    organisation, owner, privacy_officer, viewer, client_for
):
    service, parties = _firm(organisation, owner, clients=4)
    cdn = _party(organisation, "cdn", Party.Kind.SUB_PROCESSOR, country="US", locations=["US"])
    change = _announced(organisation, owner, service, cdn)
    rows = _rows(change)
    for key in ("client-000", "client-001", "client-002"):
        actions.answer_change(rows[key], actor=owner, answer="objected", note="Liever niet")
    # The dashboard lists each open objection, linked to the change's page.
    dashboard = client_for(privacy_officer).get(reverse("core:dashboard")).content.decode()
    assert dashboard.count(f"/processors/changes/{change.pk}/#client-") == 3
    page = client_for(privacy_officer).get(f"/processors/changes/{change.pk}/").content.decode()
    for value in ("agreed", "excluded", "ended"):
        assert f'value="{value}"' in page
    # A viewer may not resolve; nothing changes.
    path = f"/processors/changes/{change.pk}/clients/{rows['client-000'].pk}/resolve/"
    assert client_for(viewer).post(path, {"resolution": "agreed"}).status_code == 403
    # Past the date and the objection period, the job leaves the objectors out.
    later = TODAY + datetime.timedelta(days=15)
    actions.apply_due_changes(organisation, actor=None, today=later)
    assert _names(service, parties[3]) == ["cdn", "datacenter"]
    for client in parties[:3]:
        assert _names(service, client) == ["datacenter"]
    client_page = client_for(viewer).get(f"/processors/clients/{parties[0].pk}/").content.decode()
    assert "cdn" not in client_page.split("in-use", 1)[1].split("</span>", 1)[0].lower()
    # The three outcomes, each audited.
    for key, outcome in (
        ("client-000", "agreed"),
        ("client-001", "excluded"),
        ("client-002", "ended"),
    ):
        path = f"/processors/changes/{change.pk}/clients/{rows[key].pk}/resolve/"
        assert client_for(privacy_officer).post(path, {"resolution": outcome}).status_code == 302
    resolved = AuditEntry.objects.filter(action="processors.objection.resolved")
    assert sorted(e.new["resolution"] for e in resolved) == ["agreed", "ended", "excluded"]
    assert (
        "#client-"
        not in client_for(privacy_officer).get(reverse("core:dashboard")).content.decode()
    )
    # The next run: the client who withdrew gets it; the excluded one keeps the old list; the
    # service ended for the third.
    actions.apply_due_changes(organisation, actor=None, today=later + datetime.timedelta(days=1))
    assert _names(service, parties[0]) == ["cdn", "datacenter"]
    assert _names(service, parties[1]) == ["datacenter"]
    assert parties[2] not in service.clients.all()


@pytest.mark.django_db
def test_the_daily_job_applies_each_change_to_each_client_once(organisation, owner):
    service, parties = _firm(organisation, owner, clients=3)
    specific = Agreement.objects.get(party=parties[2])
    actions.save_agreement(
        organisation,
        actor=owner,
        instance=specific,
        side=specific.side,
        party=parties[2],
        service=service,
        sub_processing=Agreement.SubProcessing.SPECIFIC,
    )
    old = Party.objects.get(key="datacenter")
    new = _party(organisation, "dc2", Party.Kind.SUB_PROCESSOR, country="DE", locations=["DE"])
    effective = TODAY + datetime.timedelta(days=20)
    change = _announced(organisation, owner, service, new, effective_on=effective, replaces=old)
    # Before the date nothing happens, and the statement does not name it.
    assert (
        actions.apply_due_changes(None, actor=None, today=effective - datetime.timedelta(1)) == []
    )
    assert "dc2" not in [p["key"] for p in datapro.snapshot(service)["sub_processors"]]
    # At the date: the general clients (no objection); the specific one waits for its yes.
    assert actions.apply_due_changes(None, actor=None, today=effective) == [change]
    assert actions.apply_due_changes(None, actor=None, today=effective) == []
    rows = _rows(change)
    assert rows["client-000"].applied_at and rows["client-001"].applied_at
    assert rows["client-002"].applied_at is None
    assert _names(service, parties[0]) == ["dc2"]
    assert _names(service, parties[2]) == ["datacenter"]
    keys = [p["key"] for p in datapro.snapshot(service)["sub_processors"]]
    assert keys == ["datacenter", "dc2"]  # the old one stays while a client still has it
    entries = AuditEntry.objects.filter(action="processors.change.applied")
    assert [e.new for e in entries] == [
        {"applies_to": ["client-000", "client-001"], "held_back": ["client-002"]}
    ]
    # Its yes: the next run applies it to that client only, and the old one leaves.
    actions.answer_change(rows["client-002"], actor=owner, answer="consented")
    stamp = rows["client-000"].applied_at
    assert actions.apply_due_changes(None, actor=None, today=effective) == [change]
    assert actions.apply_due_changes(None, actor=None, today=effective) == []
    rows = _rows(change)
    assert rows["client-000"].applied_at == stamp and rows["client-002"].applied_at
    # Once in effect for a client, an answer no longer changes anything.
    with pytest.raises(actions.ProcessorError):
        actions.answer_change(rows["client-000"], actor=owner, answer="objected")
    assert [p.key for p in service.sub_processors.all()] == ["dc2"]
    assert AuditEntry.objects.filter(action="processors.change.applied").count() == 2
    nl, en = actions.publish_statement(service, actor=owner)
    assert "Dc2" in nl.html and "Datacenter" not in nl.html


@pytest.mark.django_db
def test_the_job_never_touches_another_organisations_clients(
    organisation, owner, other_organisation, other_owner, client_for
):
    service, parties = _firm(organisation, owner, clients=2)
    new = _party(organisation, "cdn", Party.Kind.SUB_PROCESSOR, country="NL")
    theirs = _party(
        other_organisation,
        "their-client",
        Party.Kind.CLIENT_CONTROLLER,
        country="NL",
        contact="privacy@theirs.example",
    )
    # Even planted in our service past the actions, their client gets no notice and no row.
    service.clients.add(theirs)
    change = _announced(organisation, owner, service, new)
    assert sorted(r.client.key for r in change.clients.all()) == ["client-000", "client-001"]
    actions.answer_change(change.clients.first(), actor=owner, answer="objected")
    later = TODAY + datetime.timedelta(days=15)
    actions.apply_due_changes(other_organisation, actor=None, today=later)
    assert not ChangeClient.objects.filter(applied_at__isnull=False).exists()
    actions.apply_due_changes(organisation, actor=None, today=later)
    assert new not in theirs.services_using.all()
    page = client_for(other_owner).get(f"/processors/clients/{theirs.pk}/").content.decode()
    assert "cdn" not in page.lower() and f"/processors/changes/{change.pk}/" not in page
    assert client_for(other_owner).get(f"/processors/clients/{parties[0].pk}/").status_code == 404
    path = f"/processors/changes/{change.pk}/clients/{change.clients.first().pk}/resolve/"
    assert client_for(other_owner).post(path, {"resolution": "ended"}).status_code == 404
    assert not AuditEntry.objects.filter(
        organisation=other_organisation, action__startswith="processors.change"
    ).exists()
    # The other organisation's dashboard shows none of our objections.
    assert "#client-" not in client_for(other_owner).get(reverse("core:dashboard")).content.decode()


@pytest.mark.django_db
def test_the_worker_schedules_the_daily_job_once_and_it_runs_twice_harmlessly(organisation, owner):
    from django_tasks_db.models import DBTaskResult

    from waarborg.processors.tasks import DAILY_PATH, daily_changes, schedule_daily

    schedule_daily()
    schedule_daily()
    assert DBTaskResult.objects.filter(task_path=DAILY_PATH, status="READY").count() == 1
    service, parties = _firm(organisation, owner, clients=1)
    new = _party(organisation, "cdn", Party.Kind.SUB_PROCESSOR, country="NL")
    change = _announced(organisation, owner, service, new)
    SubProcessorChange.objects.filter(pk=change.pk).update(
        announced_at=change.announced_at - datetime.timedelta(days=20)
    )
    daily_changes.call()
    daily_changes.call()
    assert new in service.sub_processors.all()
    assert AuditEntry.objects.filter(action="processors.change.applied").count() == 1
    assert ChangeClient.objects.get().applied_at is not None


@pytest.mark.django_db
def test_a_clients_language_is_its_own_or_guessed_from_its_country(organisation, owner):
    service, _parties = _firm(organisation, owner, clients=0)
    clients = {
        key: _party(
            organisation,
            key,
            Party.Kind.CLIENT_CONTROLLER,
            country=country,
            language=language,
            contact=f"privacy@{key}.example",
        )
        for key, country, language in (
            ("dutch", "NL", ""),
            ("flemish", "BE", ""),
            ("german", "DE", ""),
            ("chose-english", "NL", "en"),
            ("chose-dutch", "FR", "nl"),
        )
    }
    service.clients.set(clients.values())
    new = _party(organisation, "cdn", Party.Kind.SUB_PROCESSOR, country="US", locations=["US"])
    change = _announced(organisation, owner, service, new)
    languages = {r.client.key: r.language for r in change.clients.select_related("client")}
    assert languages == {
        "dutch": "nl",
        "flemish": "nl",
        "german": "en",
        "chose-english": "en",
        "chose-dutch": "nl",
    }


@pytest.mark.django_db(transaction=True)
def test_the_notice_names_countries_in_the_readers_language(organisation, owner, smtp_server):
    from django.core.management import call_command

    service, _parties = _firm(organisation, owner, clients=2)  # client-000 DE, client-001 NL
    new = _party(
        organisation, "mailer", Party.Kind.SUB_PROCESSOR, country="US", locations=["US", "IE"]
    )
    change = actions.plan_change(
        organisation, actor=owner, services=[service], party=new, effective_on=TODAY
    )
    actions.announce_change(change, actor=owner, per_minute=0)
    call_command("jobs_worker", "--batch", verbosity=0)
    by_address = {m["To"]: m.get_content() for m in smtp_server.messages}
    english, dutch = by_address["privacy@client0.example"], by_address["privacy@client1.example"]
    assert "United States, Ireland" in english and "Verenigde Staten, Ierland" in dutch
    for body in (english, dutch):
        assert ": US" not in body and "IE\n" not in body
    # The last day to object it names is the one the daily job goes by.
    from django.utils import translation

    from waarborg.core.dates import format_day

    row = change.clients.select_related("change", "agreement").get(client__key="client-000")
    with translation.override("en"):
        assert f"until {format_day(row.objection_ends())}" in english


@pytest.mark.django_db
def test_the_client_page_lists_the_requests_forwarded_to_it_and_no_others(
    organisation, owner, other_organisation, other_owner, viewer, client_for
):
    from waarborg.requests import actions as requests
    from waarborg.requests.models import Kind, RequestTask, TaskKind

    _service, parties = _firm(organisation, owner, clients=2)

    def forwarded(organisation, party, name):
        subject_request = requests.create_request(
            organisation,
            actor=None,
            kind=Kind.ACCESS,
            channel="web",
            name=name,
            email=f"{name.lower()}@example.nl",
        )
        RequestTask.objects.create(
            organisation=organisation,
            request=subject_request,
            kind=TaskKind.FORWARD,
            party=party,
            title=str(party),
        )
        return subject_request

    ours = forwarded(organisation, parties[0], "Jan")
    other_client = forwarded(organisation, parties[1], "Piet")
    # Another organisation's task planted on our client never shows on our page.
    theirs = forwarded(other_organisation, parties[0], "Kees")
    page = client_for(viewer).get(f"/processors/clients/{parties[0].pk}/").content.decode()
    section = page.split('id="forwarded"', 1)[1].split("</section>", 1)[0]
    assert f"/requests/{ours.pk}/" in section and ours.reference in section
    assert f"/requests/{other_client.pk}/" not in section
    assert f"/requests/{theirs.pk}/" not in section


@pytest.mark.django_db
def test_an_objection_is_mailed_to_the_privacy_officers_and_a_consent_is_not(
    organisation,
    owner,
    privacy_officer,
    other_owner,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    service, parties = _firm(organisation, owner, clients=2)
    cdn = _party(organisation, "cdn", Party.Kind.SUB_PROCESSOR, country="US", locations=["US"])
    change = _announced(organisation, owner, service, cdn)
    rows = _rows(change)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_change(rows["client-000"], actor=None, answer="consented", via_link=True)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        actions.answer_change(
            rows["client-001"], actor=None, answer="objected", note="Niet in de VS", via_link=True
        )
    assert [m.to for m in mailoutbox] == [[privacy_officer.email]]
    message = mailoutbox[0]
    assert "Client-001" in message.subject and "bezwaar" in message.subject
    assert f"/processors/changes/{change.pk}/#client-{rows['client-001'].pk}" in message.body
    assert "Niet in de VS" in message.body and other_owner.email not in message.to
