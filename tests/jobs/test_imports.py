"""Long lists leave the request: a consent list of more than a thousand rows is checked in
the request, written by the worker in batches, with its progress on a page; a wrong row still
refuses the whole list and queues nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.notices.test_publish import ready  # noqa: F401 (fixture)
from waarborg.audit.models import AuditEntry
from waarborg.consent import actions
from waarborg.consent.models import Action, ConsentEvent, Mechanism, Source
from waarborg.jobs import imports
from waarborg.jobs.models import ImportRun

ROWS = imports.BACKGROUND_FROM + 150


@pytest.fixture
def newsletter(organisation, owner):
    return actions.save_purpose(
        organisation,
        actor=owner,
        key="newsletter",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        direct_marketing=True,
        wording={"nl": "Ja, stuur mij de nieuwsbrief."},
    )


def _csv(count, bad_row=None):
    lines = ["email,date"]
    for number in range(count):
        address = "niet-een-adres" if number == bad_row else f"lid{number:05d}@voorbeeld.nl"
        lines.append(f"{address},2024-03-0{1 + number % 9}")
    return SimpleUploadedFile("lijst.csv", "\n".join(lines).encode(), content_type="text/csv")


def _post(client, count, **options):
    url = reverse("consent:purpose_import", args=["newsletter"])
    return client.post(url, {"file": _csv(count, **options)})


@pytest.mark.django_db(transaction=True)
def test_a_long_list_is_written_by_the_worker_with_progress(
    client_for, privacy_officer, owner, newsletter, other_owner, other_organisation
):
    actions.record_event(newsletter, "lid00007@voorbeeld.nl", Action.WITHDRAWN, source=Source.STAFF)
    client = client_for(privacy_officer)
    response = _post(client, ROWS)
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:import", args=[run.pk])
    assert ConsentEvent.objects.filter(source=Source.IMPORT).count() == 0  # not in the request
    assert "lid00001@voorbeeld.nl" not in run.rows  # kept encrypted
    page = client.get(response.url).content.decode()
    assert f"0 van {ROWS} rijen" in page and 'http-equiv="refresh"' in page
    assert client_for(other_owner).get(response.url).status_code == 404
    call_command("jobs_worker", "--batch", verbosity=0)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.done == ROWS and run.rows == ""
    assert run.result == {"imported": ROWS - 1, "skipped": 1}
    assert ConsentEvent.objects.filter(source=Source.IMPORT).count() == ROWS - 1
    (entry,) = AuditEntry.objects.filter(action="consent.import")
    assert entry.new == {"imported": ROWS - 1, "skipped": 1}
    assert AuditEntry.objects.filter(action="jobs.import.queued").count() == 1
    page = client.get(response.url).content.decode()
    assert f"{ROWS} van {ROWS} rijen" in page and 'http-equiv="refresh"' not in page
    assert actions.verify_ledger(newsletter.organisation) == []


def test_a_wrong_row_refuses_a_long_list_in_the_request(client_for, privacy_officer, newsletter):
    response = _post(client_for(privacy_officer), ROWS, bad_row=1100)
    assert response.status_code == 200
    assert "rij 1102" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_short_list_is_still_imported_at_once(client_for, privacy_officer, newsletter):
    response = _post(client_for(privacy_officer), 20)
    assert response.status_code == 302 and response.url == reverse("consent:overview")
    assert ConsentEvent.objects.filter(source=Source.IMPORT).count() == 20
    assert not ImportRun.objects.exists()


def test_a_run_that_cannot_finish_is_marked_failed(owner, newsletter):
    rows = [{"email": f"x{n}@voorbeeld.nl"} for n in range(5)]
    run = imports.queue_import(
        newsletter.organisation, actor=owner, kind="consent", target="gone", rows=rows
    )
    with pytest.raises(Exception, match="does not exist"):
        imports.carry_out(run.pk)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and run.rows == "" and run.error


@pytest.mark.django_db(transaction=True)
def test_a_long_address_list_is_written_by_the_worker_then_mailed(ready, owner, mailoutbox):  # noqa: F811
    from django_tasks_db.models import DBTaskResult

    from tests.notices.test_notify import _two_versions
    from waarborg.notices.actions import notify_change

    _two_versions(ready, owner)
    recipients = [(f"lezer{n:05d}@voorbeeld.nl", "nl") for n in range(ROWS)]
    notice = notify_change(
        ready, actor=owner, from_number=1, to_number=2, recipients=recipients, per_minute=0
    )
    assert notice.recipients.count() == 0  # not in the request
    sending = DBTaskResult.objects.filter(task_path="waarborg.notices.tasks.send_change_notice")
    assert not sending.exists()  # queued only once the list is written
    call_command("jobs_worker", "--batch", verbosity=0)
    notice.refresh_from_db()
    assert notice.status == "done" and notice.counts() == {"sent": ROWS}
    assert len(mailoutbox) == ROWS
    assert ImportRun.objects.get().result == {"addresses": ROWS}


@pytest.mark.django_db(transaction=True)
def test_a_large_register_file_is_imported_by_the_worker(
    client_for, owner, organisation, monkeypatch
):
    from waarborg.register.yamlio import apply_starter, export_register

    apply_starter(organisation, actor=owner)
    monkeypatch.setattr(imports, "REGISTER_BACKGROUND_FROM", 1)  # "large" from one change
    text = export_register(organisation).replace("duration: P5M", "duration: P6M")
    client = client_for(owner)
    preview = client.post(reverse("register:import"), {"text": text})
    assert "wijzigen retention_rules/telephony-5m: duration" in preview.content.decode()
    response = client.post(reverse("register:import"), {"text": text, "confirm": "1"})
    run = ImportRun.objects.get()
    assert response.url == reverse("jobs:import", args=[run.pk])
    assert "P5M" in export_register(organisation)  # nothing written in the request
    call_command("jobs_worker", "--batch", verbosity=0)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE and run.result == {"changes": 1}
    assert "P6M" in export_register(organisation)
    assert AuditEntry.objects.filter(action="register.imported").count() == 2  # starter, file
    page = client.get(response.url).content.decode()
    assert "Ingelezen" in page and "1 wijzigingen in het register." in page
