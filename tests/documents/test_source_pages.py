"""The staff pages of mail and document sources: connect a folder (and a mailbox against a real
dovecot), test, index in the worker with progress, look a person up, disconnect; refused for
the wrong role, a GET where a POST is needed, and another organisation's source (404)."""

import shutil
import tempfile

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.documents import dovecot
from tests.documents.conftest import make_message
from waarborg.audit.models import AuditEntry
from waarborg.documents import actions
from waarborg.documents.models import DocumentSource, Kind
from waarborg.jobs.models import Lease
from waarborg.register.models import System

MAILBOX = "info@firma.example"
SECRET = "geheim-imap-wachtwoord-42"  # noqa: S105


@pytest.fixture
def source(organisation, owner, system, documents_folder):
    return actions.connect_folder(
        organisation, system, actor=owner, name="Gedeelde schijf", path=str(documents_folder)
    )


@pytest.fixture
def indexed(source, owner):
    actions.index_source(source, actor=owner)
    source.refresh_from_db()
    return source


def _url(name, source):
    return reverse(f"documents:{name}", args=[source.pk])


def test_privacy_officer_connects_a_folder(system, documents_folder, privacy_officer, client_for):
    client = client_for(privacy_officer)
    url = reverse("documents:connect_folder", args=[system.key])
    assert "WAARBORG_DOCUMENT_DIRS" in client.get(url).content.decode()
    response = client.post(
        url, {"name": "Schijf", "path": str(documents_folder), "exclude": "archief/*"}
    )
    source = DocumentSource.objects.get(system=system)
    assert response.status_code == 302 and response.url == _url("detail", source)
    assert source.kind == Kind.FOLDER and source.exclude == "archief/*"
    assert AuditEntry.objects.filter(action="documents.connect").exists()


def test_refused_folder_re_renders_with_the_reason(system, settings, privacy_officer, client_for):
    settings.LANGUAGE_CODE = "nl"
    client = client_for(privacy_officer)
    url = reverse("documents:connect_folder", args=[system.key])
    for path in ("/etc", str(settings.DATA_DIR), "/bestaat/niet"):
        response = client.post(url, {"name": "Schijf", "path": path})
        assert response.status_code == 200
        assert "WAARBORG_DOCUMENT_DIRS" in response.content.decode()
    # told apart, beside the folder field: a path that is not whole, and a folder that is not
    # there inside an allowed one (which says nothing of folders Waarborg may not read)
    missing = f"{tempfile.gettempdir()}/waarborg-bestaat-niet/klanten"
    for path, reason in (("relative/../x", "volledige pad"), (missing, "Deze map bestaat niet")):
        page = client.post(url, {"name": "Schijf", "path": path}).content.decode()
        field = page[page.index('id="id_path"') :]
        assert '<p class="error" role="alert">' in field and reason in field.split("</div>")[0]
    assert client.post(url, {"name": "Schijf", "path": "/tmp\x00"}).status_code == 400
    response = client.post(url, {"name": "", "path": ""})
    assert response.status_code == 200 and "Dit veld is verplicht" in response.content.decode()
    assert not DocumentSource.objects.exists()


@pytest.mark.parametrize("persona", ["handler", "viewer"])
def test_lesser_roles_cannot_connect_index_test_or_disconnect(
    persona, indexed, system, documents_folder, request, client_for
):
    client = client_for(request.getfixturevalue(persona))
    connect = reverse("documents:connect_folder", args=[system.key])
    assert client.post(connect, {"name": "X", "path": str(documents_folder)}).status_code == 403
    assert client.get(reverse("documents:connect_mailbox", args=[system.key])).status_code == 403
    for name in ("index", "test", "disconnect"):
        assert client.post(_url(name, indexed)).status_code == 403
    assert client.get(_url("disconnect", indexed)).status_code == 403
    assert DocumentSource.objects.count() == 1 and not DBTaskResult.objects.exists()
    page = client.get(_url("detail", indexed)).content.decode()
    assert "Gedeelde schijf" in page and _url("index", indexed) not in page


def test_viewer_cannot_look_a_person_up(indexed, viewer, client_for):
    client = client_for(viewer)
    assert client.post(_url("find", indexed), {"email": "jan@devries.example"}).status_code == 403
    assert not AuditEntry.objects.filter(action="documents.find").exists()


def test_get_is_refused_for_changes(indexed, owner, client_for):
    client = client_for(owner)
    for name in ("index", "test"):
        assert client.get(_url(name, indexed)).status_code == 405
    # disconnecting asks first: a GET shows what goes, and removes nothing
    page = client.get(_url("disconnect", indexed)).content.decode()
    assert "index van 9 items" in page and "De bestanden in de map blijven" in page
    assert DocumentSource.objects.filter(pk=indexed.pk).exists()
    assert not AuditEntry.objects.filter(action="documents.disconnect").exists()


def test_another_organisations_source_is_not_found(
    indexed, other_owner, other_organisation, client_for
):
    client = client_for(other_owner)
    assert client.get(_url("detail", indexed)).status_code == 404
    assert client.post(_url("find", indexed), {"email": "jan@devries.example"}).status_code == 404
    for name in ("index", "test", "disconnect"):
        assert client.post(_url(name, indexed)).status_code == 404
    assert client.get(_url("disconnect", indexed)).status_code == 404
    # and our system's key from their organisation: not theirs either
    url = reverse("documents:connect_folder", args=[indexed.system.key])
    assert client.post(url, {"name": "X", "path": "/tmp"}).status_code == 404
    assert DocumentSource.objects.filter(pk=indexed.pk).exists()
    assert not DBTaskResult.objects.exists()
    assert not AuditEntry.objects.filter(action="documents.find").exists()


def test_index_queues_a_job_once_and_shows_its_progress(source, owner, client_for):
    client = client_for(owner)
    page = client.get(_url("detail", source)).content.decode()
    assert "nog niet" in page or "not yet" in page
    assert client.post(_url("index", source)).status_code == 302
    job = DBTaskResult.objects.get()
    assert job.args_kwargs["args"] == [source.pk, owner.pk]
    # a second start while it waits is refused, nothing queued twice
    response = client.post(_url("index", source), follow=True)
    assert DBTaskResult.objects.count() == 1
    assert "al geïndexeerd" in response.content.decode() or "already" in response.content.decode()
    page = client.get(_url("detail", source)).content.decode()
    assert 'http-equiv="refresh"' in page and "waarborg worker" in page
    # a worker has it and has read 3 of 7
    from django.utils import timezone

    DBTaskResult.objects.filter(pk=job.pk).update(status="RUNNING")
    Lease.objects.create(task=job, worker_id="w1", expires_at=timezone.now(), done=3, total=7)
    page = client.get(_url("detail", source)).content.decode()
    assert 'id="progress"' in page and 'max="7" value="3"' in page
    assert AuditEntry.objects.filter(action="documents.index_started").count() == 1


def test_indexing_in_the_worker_shows_counts_and_date(source, owner, client_for):
    from waarborg.documents.tasks import index_document_source

    client = client_for(owner)
    client.post(_url("index", source))
    job = DBTaskResult.objects.get()
    # the mbox file holds two messages, each its own item
    assert index_document_source.call(*job.args_kwargs["args"])["read"] == 9
    DBTaskResult.objects.filter(pk=job.pk).update(status="SUCCESSFUL")
    page = client.get(_url("detail", source)).content.decode()
    assert 'id="progress"' not in page and 'http-equiv="refresh"' not in page
    assert "9 gelezen" in page or "9 read" in page
    source.refresh_from_db()
    assert source.indexed_at is not None


def test_failed_indexing_shows_the_last_error(source, owner, client_for, documents_folder):
    shutil.rmtree(documents_folder)
    client = client_for(owner)
    with pytest.raises(actions.DocumentSourceError):
        actions.index_source(source, actor=owner)
    page = client.get(_url("detail", source)).content.decode()
    assert 'id="last-error"' in page and "Deze map bestaat niet" in page
    response = client.post(_url("test", source), follow=True)
    assert "Deze map bestaat niet" in response.content.decode()


def test_handler_looks_a_person_up_with_snippets_and_bsn_masked(
    indexed, handler, client_for, documents_folder, owner
):
    (documents_folder / "gesprek.txt").write_text(
        "Jan de Vries (jan@devries.example) belde; BSN 111222333.", encoding="utf-8"
    )
    actions.index_source(indexed, actor=owner)
    client = client_for(handler)
    response = client.post(_url("find", indexed), {"email": "jan@devries.example"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "gesprek.txt" in page and "<mark>jan@devries.example</mark>" in page
    assert "gevonden op e-mailadres" in page
    assert "111222333" not in page and "[BSN]" in page
    response = client.post(_url("find", indexed), {"phone_number": "0612345678"})
    assert "offerte-2026.pdf" in response.content.decode()
    response = client.post(_url("find", indexed), {"name": "Anna Smit"})
    assert "notitie.txt" in response.content.decode()
    entry = AuditEntry.objects.filter(action="documents.find").latest("pk")
    assert entry.new["sources"] == 1 and "Anna" not in str(entry.new)
    assert entry.object_id == str(indexed.pk) and entry.object_repr == str(indexed)
    # nothing filled in: a translated error, nothing looked up
    count = AuditEntry.objects.filter(action="documents.find").count()
    response = client.post(_url("find", indexed), {"email": "geen-adres"})
    assert response.status_code == 200 and "geldig e-mailadres" in response.content.decode()
    response = client.post(_url("find", indexed), {})
    assert "Vul ten minste" in response.content.decode()
    assert AuditEntry.objects.filter(action="documents.find").count() == count


def test_look_up_keeps_to_this_source(indexed, organisation, owner, handler, client_for, tmp_path):
    other = tmp_path / "ander"
    other.mkdir()
    (other / "jan.txt").write_text("Mail van jan@devries.example", encoding="utf-8")
    elsewhere = System.objects.create(organisation=organisation, key="ander", name={"nl": "A"})
    second = actions.connect_folder(organisation, elsewhere, actor=owner, name="A", path=other)
    actions.index_source(second, actor=owner)
    response = client_for(handler).post(_url("find", indexed), {"email": "jan@devries.example"})
    assert "jan.txt" not in response.content.decode()


def test_disconnect_removes_source_and_index(indexed, owner, client_for):
    from waarborg.documents import index

    client = client_for(owner)
    detail = client.get(_url("detail", indexed)).content.decode()
    assert f'href="{_url("disconnect", indexed)}"' in detail  # to the question, not a button
    response = client.post(_url("disconnect", indexed))
    assert response.status_code == 302 and indexed.system.key in response.url
    assert not DocumentSource.objects.exists() and not index.refs_of(indexed.pk)
    assert AuditEntry.objects.filter(action="documents.disconnect").exists()


def test_reachable_from_the_system_page_and_the_sources_list(indexed, viewer, client_for):
    client = client_for(viewer)
    system_page = reverse("register:detail", args=["systems", indexed.system.key])
    page = client.get(system_page).content.decode()
    assert _url("detail", indexed) in page
    assert reverse("documents:connect_folder", args=[indexed.system.key]) not in page
    listing = client.get(reverse("sources:list")).content.decode()
    assert _url("detail", indexed) in listing and "Gedeelde schijf" in listing


def test_sources_list_shows_only_own_organisation(indexed, other_owner, client_for):
    listing = client_for(other_owner).get(reverse("sources:list")).content.decode()
    assert "Gedeelde schijf" not in listing


@pytest.fixture
def server(settings):
    running = dovecot.start(tempfile.mkdtemp(prefix="waarborg-dovecot-"), {MAILBOX: SECRET})
    settings.IMAP_CAFILE = str(running.cafile)
    running.append(
        MAILBOX, "INBOX", make_message("jan@devries.example", MAILBOX, "Vraag", "Bel me")
    )
    yield running
    running.stop()
    shutil.rmtree(running.root, ignore_errors=True)


def _mailbox_form(server, **changes):
    return {
        "name": "Postvak info",
        "host": server.host,
        "port": server.port,
        "username": MAILBOX,
        "password": SECRET,
        "mail_folders": "INBOX\r\n",
        "trash_folder": "Trash",
        **changes,
    }


def test_connect_a_mailbox_password_encrypted_never_shown(
    server, system, privacy_officer, client_for, settings
):
    settings.LANGUAGE_CODE = "nl"
    client = client_for(privacy_officer)
    url = reverse("documents:connect_mailbox", args=[system.key])
    response = client.post(url, _mailbox_form(server, port=70000))
    assert response.status_code == 200 and not DocumentSource.objects.exists()
    response = client.post(url, _mailbox_form(server))
    source = DocumentSource.objects.get()
    assert response.status_code == 302
    assert SECRET not in source.password_encrypted and source.password == SECRET
    assert source.mail_folders == ["INBOX"]
    page = client.get(_url("detail", source)).content.decode()
    assert SECRET not in page and MAILBOX in page
    response = client.post(_url("test", source), follow=True)
    assert "kan inloggen" in response.content.decode()
    entry = AuditEntry.objects.get(action="documents.connect")
    assert SECRET not in str(entry.new)
    # a wrong password: the form again with the one reason, nothing saved, nothing echoed
    response = client.post(url, _mailbox_form(server, password="fout-wachtwoord"))
    page = response.content.decode()
    assert response.status_code == 200 and "Kan geen verbinding" in page
    assert "fout-wachtwoord" not in page and DocumentSource.objects.count() == 1
    server.stop()
    response = client.post(_url("test", source), follow=True)
    assert "Kan geen verbinding" in response.content.decode()


def test_a_mailbox_without_the_given_mail_folder_is_not_connected(
    server, organisation, system, owner
):
    with pytest.raises(actions.DocumentSourceError, match="geen mailmap Archief"):
        actions.connect_mailbox(
            organisation, system, actor=owner, name="Postvak", host=server.host,
            port=server.port, username=MAILBOX, password=SECRET, mail_folders=["INBOX", "Archief"],
        )  # fmt: skip
    assert not DocumentSource.objects.exists()


def test_a_missing_mail_folder_is_the_last_error_in_words(
    server, organisation, system, owner, client_for
):
    from waarborg.documents.tasks import index_document_source

    source = actions.connect_mailbox(
        organisation, system, actor=owner, name="Postvak", host=server.host, port=server.port,
        username=MAILBOX, password=SECRET, mail_folders=["INBOX"],
    )  # fmt: skip
    # a folder removed from the server after it was connected
    DocumentSource.objects.filter(pk=source.pk).update(mail_folders=["INBOX", "Bestaat-niet"])
    with pytest.raises(actions.DocumentSourceError):
        index_document_source.call(source.pk, owner.pk)
    page = client_for(owner).get(_url("detail", source)).content.decode()
    assert 'id="last-error"' in page and "kan niet worden geopend" in page
    source.refresh_from_db()
    assert source.indexed_at is None


def test_the_last_error_reads_in_the_readers_language_not_the_runs(
    source, owner, client_for, documents_folder
):
    """A run in English (the CLI with --language en) and a reader in Dutch, and the other way
    round: each page is in one language."""
    from django.utils import translation

    shutil.rmtree(documents_folder)
    with translation.override("en"), pytest.raises(actions.DocumentSourceError, match="exist"):
        actions.index_source(source, actor=owner)
    dutch = client_for(owner).get(_url("detail", source)).content.decode()
    assert "Deze map bestaat niet" in dutch and "does not exist" not in dutch
    with translation.override("nl"), pytest.raises(actions.DocumentSourceError, match="bestaat"):
        actions.index_source(source, actor=owner)
    owner.language = "en"
    owner.save(update_fields=["language"])
    english = client_for(owner).get(_url("detail", source)).content.decode()
    assert "This folder does not exist" in english and "bestaat niet" not in english


def test_a_folders_settings_change_without_connecting_it_anew(indexed, owner, client_for):
    """Leave out a subfolder and keep the index longer: audited old and new; the next run
    leaves the subfolder's files out of the index, the rest stays as it was."""
    from waarborg.documents import index

    assert "archief/oud.txt" in index.refs_of(indexed.pk)
    client = client_for(owner)
    page = client.get(_url("detail", indexed)).content.decode()
    assert f'href="{_url("settings", indexed)}"' in page
    form = client.get(_url("settings", indexed)).content.decode()
    assert 'name="mail_folders"' not in form and 'name="password"' not in form
    response = client.post(
        _url("settings", indexed), {"name": "Schijf", "exclude": "archief/*", "index_days": 60}
    )
    assert response.status_code == 302
    indexed.refresh_from_db()
    assert (indexed.name, indexed.exclude, indexed.index_days) == ("Schijf", "archief/*", 60)
    entry = AuditEntry.objects.get(action="documents.settings")
    assert entry.old == {"name": "Gedeelde schijf", "exclude": "", "index_days": 30}
    assert entry.new == {"name": "Schijf", "exclude": "archief/*", "index_days": 60}
    run = actions.index_source(indexed, actor=owner)
    assert run.removed == 1 and run.read == 0
    assert "archief/oud.txt" not in index.refs_of(indexed.pk)
    # out of range: the form again, nothing changed
    response = client.post(_url("settings", indexed), {"name": "X", "index_days": 0})
    assert response.status_code == 200
    indexed.refresh_from_db()
    assert indexed.name == "Schijf"


def test_a_mailboxs_settings_and_a_new_password_tested_first(
    server,
    organisation,
    system,
    owner,
    handler,
    other_owner,
    other_organisation,
    client_for,
    settings,
):
    settings.LANGUAGE_CODE = "nl"
    source = actions.connect_mailbox(
        organisation, system, actor=owner, name="Postvak", host=server.host, port=server.port,
        username=MAILBOX, password=SECRET, mail_folders=["INBOX"],
    )  # fmt: skip
    url = _url("settings", source)
    assert client_for(handler).get(url).status_code == 403
    assert client_for(other_owner).get(url).status_code == 404
    client = client_for(owner)
    form = {
        "name": "Postvak",
        "mail_folders": "INBOX\r\nSent",
        "write_access": "on",
        "trash_folder": "",
        "index_days": 30,
    }
    # a wrong new password: refused with the one reason, nothing saved
    response = client.post(url, {**form, "password": "fout-wachtwoord"})
    page = response.content.decode()
    assert response.status_code == 200 and "Kan geen verbinding" in page
    assert "fout-wachtwoord" not in page
    source.refresh_from_db()
    assert source.password == SECRET and not source.write_access
    assert source.mail_folders == ["INBOX"]
    assert not AuditEntry.objects.filter(action="documents.settings").exists()
    # a mail folder the mailbox does not have: named, nothing saved
    response = client.post(url, {**form, "mail_folders": "INBOX\r\nVerzonden"})
    page = response.content.decode()
    assert response.status_code == 200 and "geen mailmap Verzonden" in page
    source.refresh_from_db()
    assert source.mail_folders == ["INBOX"] and not source.write_access
    # may delete, with a trash folder it does not have (Microsoft 365's): named at its field
    response = client.post(url, {**form, "mail_folders": "INBOX", "trash_folder": "Deleted Items"})
    page = response.content.decode()
    field = page[page.index('id="id_trash_folder"') :].split("</div>")[0]
    assert response.status_code == 200 and "geen prullenbak Deleted Items" in field
    source.refresh_from_db()
    assert not source.write_access and source.trash_folder == "Trash"
    # the same without a password: saved, the stored password kept
    server.append(MAILBOX, "Sent", make_message("jan@devries.example", MAILBOX, "Re", "Ok"))
    assert client.post(url, form).status_code == 302
    source.refresh_from_db()
    assert source.write_access and source.mail_folders == ["INBOX", "Sent"]
    assert source.trash_folder == "Trash" and source.password == SECRET
    entry = AuditEntry.objects.get(action="documents.settings")
    assert entry.new == {"mail_folders": ["INBOX", "Sent"], "write_access": True}
    assert SECRET not in str(entry.old) + str(entry.new)


def test_the_counts_of_one_item_read_in_the_singular(
    organisation, system, owner, client_for, tmp_path
):
    folder = tmp_path / "een"
    folder.mkdir()
    (folder / "brief.txt").write_text("Beste Jan", encoding="utf-8")
    source = actions.connect_folder(organisation, system, actor=owner, name="Een", path=folder)
    actions.index_source(source, actor=owner)
    page = client_for(owner).get(_url("detail", source)).content.decode()
    assert "1 item: 1 gelezen, 0 ongewijzigd" in page and "1 items" not in page


@pytest.mark.django_db(transaction=True)
def test_the_worker_logs_a_source_that_cannot_be_read_in_one_line(
    source, owner, documents_folder, caplog
):
    """The source's page tells what went wrong; the console of `waarborg demo` or the worker
    gets no traceback for it. A task that fails for an unforeseen reason keeps its traceback."""
    import logging

    from waarborg.documents.tasks import index_document_source
    from waarborg.jobs.worker import Worker, configure_logging

    configure_logging()
    shutil.rmtree(documents_folder)
    result = index_document_source.enqueue(source.pk, owner.pk)
    with caplog.at_level(logging.INFO, logger="django_tasks"):
        assert Worker(worker_id="w-log", batch=True, lease=30).run() == 1
    assert DBTaskResult.objects.get(pk=result.id).status == "FAILED"
    assert not [r for r in caplog.records if r.exc_info], caplog.text
    source.refresh_from_db()
    assert source.last_error
    # an error nobody is told of elsewhere: django-tasks' record with its traceback goes on
    caplog.clear()
    try:
        raise RuntimeError("unforeseen")
    except RuntimeError:
        logging.getLogger("django_tasks").exception("Task id=x state=FAILED")
    assert [r for r in caplog.records if r.exc_info]
