"""Sub-processor changes (Art. 28(2)): announced once to every client by the real worker over
real SMTP, answered through an opaque link or by staff, applied at their date."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from waarborg.audit.models import AuditEntry
from waarborg.processors import actions, datapro
from waarborg.processors.models import Agreement, ChangeClient, SubProcessorChange
from waarborg.register.models import Party, ProcessingActivity


def _party(organisation, key, kind, **fields):
    return Party.objects.create(
        organisation=organisation, key=key, kind=kind, name={"nl": key.title()}, **fields
    )


def _firm(organisation, owner, clients=3):
    hosting = ProcessingActivity.objects.create(
        organisation=organisation,
        key="hosting",
        role=ProcessingActivity.Role.PROCESSOR,
        name={"nl": "Hosting", "en": "Hosting"},
        purpose={"nl": "Websites hosten", "en": "Hosting websites"},
    )
    dc = _party(
        organisation, "datacenter", Party.Kind.SUB_PROCESSOR, country="NL", locations=["NL"]
    )
    parties = [
        _party(
            organisation,
            f"client-{n:03}",
            Party.Kind.CLIENT_CONTROLLER,
            country="NL" if n % 2 else "DE",
            contact=f"privacy@client{n}.example",
        )
        for n in range(clients)
    ]
    service = actions.save_service(
        organisation,
        actor=owner,
        key="managed-hosting",
        name={"nl": "Beheerde hosting", "en": "Managed hosting"},
        activities=[hosting],
        sub_processors=[dc],
        clients=parties,
    )
    for party in parties:
        actions.save_agreement(
            organisation,
            actor=owner,
            side=Agreement.Side.PROCESSOR,
            party=party,
            service=service,
            checklist=["a", "b"],
            sub_processing=Agreement.SubProcessing.GENERAL,
            objection_days=14,
        )
    return service, parties


@pytest.mark.django_db(transaction=True)
def test_announcement_to_200_clients_is_sent_once_and_objections_are_recorded(
    organisation, owner, smtp_server, client
):
    service, parties = _firm(organisation, owner, clients=200)
    backup = _party(
        organisation, "backup", Party.Kind.SUB_PROCESSOR, country="DE", locations=["DE"]
    )
    effective = timezone.localdate() + datetime.timedelta(days=20)
    change = actions.plan_change(
        organisation, actor=owner, services=[service], party=backup, effective_on=effective
    )
    actions.announce_change(change, actor=owner, per_minute=0)
    call_command("jobs_worker", "--batch", verbosity=0)
    change.refresh_from_db()
    assert change.status == SubProcessorChange.Status.ANNOUNCED
    assert change.counts() == {"sent": 200}
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        f"privacy@client{n}.example" for n in range(200)
    )
    by_address = {m["To"]: m for m in smtp_server.messages}
    dutch, english = by_address["privacy@client1.example"], by_address["privacy@client0.example"]
    assert "nieuwe subverwerker" in dutch["Subject"]
    assert "new sub-processor" in english["Subject"]
    assert "14 days" in english.get_content()
    # Running the worker again sends nothing more.
    call_command("jobs_worker", "--batch", verbosity=0)
    assert len(smtp_server.messages) == 200
    # Two clients object through their own links; another's link or a forged one does nothing.
    for address in ("privacy@client1.example", "privacy@client2.example"):
        link = re.search(r"http\S+/sub-processor/\S+/", by_address[address].get_content())[0]
        path = (
            link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
        )
        assert client.get(path).status_code == 200
        assert client.post(path, {"answer": "objected"}).status_code == 200
    forged = f"/c/{organisation.slug}/sub-processor/{'x' * 32}/"
    assert client.post(forged, {"answer": "consented"}).status_code == 404
    objected = ChangeClient.objects.filter(change=change, answer="objected")
    assert sorted(r.client.key for r in objected) == ["client-001", "client-002"]
    assert (
        ChangeClient.objects.filter(change=change).exclude(answer__in=["", "objected"]).count() == 0
    )
    # The change takes effect at its date for all but the objectors.
    assert (
        actions.apply_due_changes(
            organisation, actor=owner, today=effective - datetime.timedelta(days=1)
        )
        == []
    )
    actions.apply_due_changes(organisation, actor=owner, today=effective)
    rows = {r.client.key: r for r in change.clients.select_related("change", "client")}
    assert not rows["client-001"].applies(effective) and rows["client-003"].applies(effective)
    assert backup in service.sub_processors.all()
    entry = AuditEntry.objects.filter(
        organisation=organisation, action="processors.change.applied"
    ).get()
    assert entry.new["held_back"] == ["client-001", "client-002"]
    # Resolved after talking: then it applies to that client too.
    actions.resolve_objection(rows["client-001"], actor=owner, resolution="agreed")
    rows["client-001"].refresh_from_db()
    assert rows["client-001"].applies(effective)
    assert {a.action for a in AuditEntry.objects.filter(organisation=organisation)} >= {
        "processors.change.announced",
        "processors.change.sent",
        "processors.change.answered",
        "processors.objection.resolved",
    }


@pytest.mark.django_db
def test_specific_consent_waits_for_the_yes(organisation, owner):
    service, parties = _firm(organisation, owner, clients=2)
    agreement = Agreement.objects.get(party=parties[0])
    actions.save_agreement(
        organisation,
        actor=owner,
        instance=agreement,
        side=agreement.side,
        party=agreement.party,
        service=service,
        sub_processing=Agreement.SubProcessing.SPECIFIC,
    )
    new = _party(organisation, "cdn", Party.Kind.SUB_PROCESSOR, country="US", locations=["US"])
    today = timezone.localdate()
    change = actions.plan_change(
        organisation, actor=owner, services=[service], party=new, effective_on=today
    )
    actions.announce_change(change, actor=owner)
    rows = {r.client_id: r for r in change.clients.select_related("change")}
    assert rows[parties[0].pk].mode == "specific" and not rows[parties[0].pk].applies(today)
    # General authorisation: only once the 14 days to object are over.
    after = today + datetime.timedelta(days=15)
    assert not rows[parties[1].pk].applies(today) and rows[parties[1].pk].applies(after)
    actions.answer_change(rows[parties[0].pk], actor=owner, answer="consented")
    rows[parties[0].pk].refresh_from_db()
    assert rows[parties[0].pk].applies(today)
    with pytest.raises(actions.ProcessorError):
        actions.announce_change(change, actor=owner)


@pytest.mark.django_db
def test_statement_states_every_sub_processor_and_location(organisation, owner):
    service, _parties = _firm(organisation, owner, clients=1)
    extra = [
        _party(
            organisation,
            "mailer",
            Party.Kind.SUB_PROCESSOR,
            country="US",
            locations=["US", "IE"],
            transfer_mechanism="eu_us_dpf",
        ),
        _party(organisation, "backups", Party.Kind.SUB_PROCESSOR, country="DE", locations=["DE"]),
    ]
    service.sub_processors.add(*extra)
    nl, en = actions.publish_statement(service, actor=owner)
    snapshot = datapro.snapshot(service)
    for version in (nl, en):
        for party in service.sub_processors.all():
            assert party.key.title() in version.html
        for location in snapshot["locations"]:
            assert location[version.language] in version.html
    assert "Verenigde Staten" in nl.html and "United States" in en.html
    # No adherence to the Code unless it was recorded that the organisation joined.
    assert "Data Pro Code" not in nl.html.split("</h1>", 1)[1]
    with pytest.raises(actions.ProcessorError):
        actions.publish_statement(service, actor=owner)
    actions.save_processor_settings(
        organisation, actor=owner, data_pro_joined_on=datetime.date(2025, 3, 1)
    )
    nl2, en2 = actions.publish_statement(service, actor=owner)
    assert (
        nl2.number == 2
        and "1 maart 2025" in nl2.html
        and "adheres to the NLdigital Data Pro Code" in en2.html
    )


@pytest.mark.django_db
def test_another_organisations_rows_are_not_found(
    organisation, owner, other_organisation, other_owner, client_for
):
    service, parties = _firm(organisation, owner, clients=1)
    agreement = Agreement.objects.get(party=parties[0])
    new = _party(organisation, "cdn", Party.Kind.SUB_PROCESSOR, country="NL")
    change = actions.plan_change(
        organisation, actor=owner, services=[service], party=new, effective_on=timezone.localdate()
    )
    outsider = client_for(other_owner)
    for path in (
        f"/processors/services/{service.pk}/",
        f"/processors/clients/{parties[0].pk}/",
        f"/processors/clients/{parties[0].pk}/register.xlsx",
        f"/processors/agreements/{agreement.pk}/",
        f"/processors/changes/{change.pk}/",
    ):
        assert outsider.get(path).status_code == 404, path
        assert client_for(owner).get(path).status_code == 200, path
    assert outsider.post(f"/processors/changes/{change.pk}/announce/").status_code == 404
    # An action refuses another organisation's rows as well.
    with pytest.raises(actions.ProcessorError):
        actions.plan_change(
            other_organisation,
            actor=other_owner,
            services=[service],
            party=new,
            effective_on=timezone.localdate(),
        )


@pytest.mark.django_db
def test_roles(organisation, owner, viewer, handler, client_for):
    service, parties = _firm(organisation, owner, clients=1)
    assert client_for(viewer).get("/processors/").status_code == 200
    assert client_for(viewer).get("/processors/services/new/").status_code == 403
    path = f"/processors/clients/{parties[0].pk}/instructions/new/"
    assert client_for(viewer).get(path).status_code == 403
    response = client_for(handler).post(
        path,
        {
            "received_on": "2026-11-02",
            "channel": "email",
            "asked": "Mailbox van Jan verwijderen",
            "carried_out_by": "Piet",
            "carried_out_on": "2026-11-03",
        },
    )
    assert response.status_code == 302
    assert parties[0].instructions.get().asked == "Mailbox van Jan verwijderen"
    bad = client_for(handler).post(
        path,
        {
            "received_on": "2026-11-05",
            "channel": "email",
            "asked": "x",
            "carried_out_on": "2026-11-01",
        },
    )
    assert bad.status_code == 200 and parties[0].instructions.count() == 1
    assert client_for(handler).get("/processors/changes/new/").status_code == 403


@pytest.mark.django_db
def test_agreement_upload_is_private_and_checklist_shows_what_is_missing(
    organisation, owner, privacy_officer, viewer, client_for, settings, tmp_path
):
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    service, parties = _firm(organisation, owner, clients=1)
    response = client_for(privacy_officer).post(
        "/processors/agreements/new/",
        {
            "side": "processor",
            "party": parties[0].pk,
            "service": service.pk,
            "sub_processing": "general",
            "objection_days": 14,
            "checklist": ["a", "b", "c", "d", "e", "f", "g", "h"],
            "upload": SimpleUploadedFile("dpa.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.exclude(document="").get()
    assert os.stat(agreement.document.path).st_mode & 0o777 == 0o600
    assert len(agreement.missing()) == 1 and agreement.checklist["warn"] is False
    assert agreement.checklist["h"] is True
    assert client_for(viewer).post("/processors/agreements/new/", {}).status_code == 403
    assert (
        client_for(viewer).get(f"/processors/agreements/{agreement.pk}/document/").status_code
        == 200
    )
    bad = client_for(privacy_officer).post(
        "/processors/agreements/new/",
        {
            "side": "processor",
            "party": parties[0].pk,
            "sub_processing": "general",
            "objection_days": 14,
        },
    )
    assert bad.status_code == 200 and b"voor een dienst" in bad.content


def test_a_change_applies_only_as_the_rule_says():
    from hypothesis import given
    from hypothesis import strategies as st

    effective = datetime.date(2026, 12, 15)

    announced = datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC)
    objection_ends = datetime.date(2026, 12, 15)

    @given(
        st.sampled_from(["general", "specific"]),
        st.sampled_from(["", "objected", "consented"]),
        st.sampled_from(["", "agreed", "excluded", "ended"]),
        st.sampled_from(["sent", "failed", "uncertain"]),
        st.integers(-30, 30),
        st.integers(-10, 10),
    )
    def check(mode, answer, resolution, status, offset, effective_shift):
        today = effective + datetime.timedelta(days=offset)
        effective_on = effective + datetime.timedelta(days=effective_shift)
        row = ChangeClient(
            change=SubProcessorChange(effective_on=effective_on, announced_at=announced),
            mode=mode,
            answer=answer,
            resolution=resolution,
            status=status,
        )
        if today < effective_on or resolution in ("excluded", "ended"):
            expected = False
        elif mode == "specific":
            expected = answer == "consented" or resolution == "agreed"
        elif answer == "objected":
            expected = resolution == "agreed"
        elif status == "failed" and not answer:
            expected = False
        else:
            expected = today > objection_ends
        assert row.applies(today) == expected

    check()
