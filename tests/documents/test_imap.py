"""An IMAP mailbox as a source, against a real dovecot started for each test (TLS, its own
certificate, passwd-file users, maildirs in a temporary folder)."""

import shutil
import tempfile

import pytest

from tests.documents import dovecot
from tests.documents.conftest import make_message, pdf_bytes
from waarborg.audit.models import AuditEntry
from waarborg.documents import actions, imap, index
from waarborg.documents.actions import DocumentSourceError
from waarborg.documents.models import DocumentSource

USER = "info@firma.example"
PASSWORD = "een-lang-imap-wachtwoord"


@pytest.fixture
def server(settings):
    # not below pytest's tmp_path: that is 0700, and dovecot's own users must read its files
    running = dovecot.start(
        tempfile.mkdtemp(prefix="waarborg-dovecot-"),
        {USER: PASSWORD, "ander@firma.example": "x" * 20},
    )
    settings.IMAP_CAFILE = str(running.cafile)
    running.append(
        USER,
        "INBOX",
        make_message("Jan de Vries <jan@devries.example>", USER, "Vraag", "Mijn bestelling K-4471"),
    )
    running.append(
        USER,
        "INBOX",
        make_message(
            "Jan de Vries <jan@devries.example>", USER, "Nog een vraag", "Bel mij op 06 1234 5678"
        ),
    )
    running.append(
        USER,
        "INBOX",
        make_message(
            "Anna Smit <anna@smit.example>",
            USER,
            "Offerte",
            "Zie bijlage",
            attachment=(
                "offerte.pdf",
                pdf_bytes("Offerte voor J. de Vries, tel. +31612345678"),
                "application",
                "pdf",
            ),
        ),
    )
    running.append(
        USER,
        "Archief",
        make_message(USER, "jan@devries.example", "Factuur 2025", "Beste Jan, hierbij de factuur."),
    )
    running.append(
        USER, "Archief", make_message("Piet Jansen <piet@example.nl>", USER, "Hallo", "Groet, Piet")
    )
    running.append(
        "ander@firma.example",
        "INBOX",
        make_message("jan@devries.example", "ander@firma.example", "Privé", "Jan de Vries"),
    )
    yield running
    running.stop()
    shutil.rmtree(running.root, ignore_errors=True)


@pytest.fixture
def mailbox(server, organisation, owner, system):
    return actions.connect_mailbox(
        organisation, system, actor=owner, name="Info", host=server.host, port=server.port,
        username=USER, password=PASSWORD, mail_folders=["INBOX", "Archief"],
    )  # fmt: skip


def by_ref(hits):
    return {hit.ref: hit for hit in hits}


def test_connect_stores_the_password_encrypted(mailbox):
    stored = DocumentSource.objects.get(pk=mailbox.pk)
    assert PASSWORD not in stored.password_encrypted
    assert stored.password == PASSWORD and not stored.write_access


def test_wrong_password_or_no_tls_certificate_connects_nothing(
    server, organisation, owner, system, settings
):
    with pytest.raises(DocumentSourceError, match="Kan geen verbinding"):
        actions.connect_mailbox(
            organisation,
            system,
            actor=owner,
            name="x",
            host=server.host,
            port=server.port,
            username=USER,
            password="wrong",
        )
    settings.IMAP_CAFILE = ""  # the self-signed certificate is not trusted: refused
    with pytest.raises(DocumentSourceError, match="Kan geen verbinding"):
        actions.connect_mailbox(
            organisation,
            system,
            actor=owner,
            name="x",
            host=server.host,
            port=server.port,
            username=USER,
            password=PASSWORD,
        )
    assert not DocumentSource.objects.exists()


def test_index_and_find_by_email_phone_and_name(mailbox, organisation, owner, server):
    run = actions.index_source(mailbox, actor=owner)
    assert (run.listed, run.read, run.failed) == (5, 5, 0)
    hits = by_ref(actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner))
    assert sorted(hit.meta["subject"] for hit in hits.values()) == [
        "Factuur 2025",
        "Nog een vraag",
        "Vraag",
    ]
    phone = actions.find_person(organisation, {"phone": "0612345678"}, actor=owner)
    assert sorted(hit.meta["subject"] for hit in phone) == ["Nog een vraag", "Offerte"]
    names = actions.find_person(organisation, {"name": "Jan de Vries"}, actor=owner)
    assert "Offerte" in {hit.meta["subject"] for hit in names}  # "J. de Vries" in the PDF
    # the other user's mailbox is not this source
    assert all(hit.source_id == mailbox.pk for hit in names)


def test_reading_changes_nothing_on_the_server(mailbox, owner, server):
    actions.index_source(mailbox, actor=owner)
    client = server.login(USER)
    client.select("INBOX", readonly=True)
    _, data = client.uid("FETCH", "1:*", "(FLAGS)")
    client.logout()
    assert all(b"\\Seen" not in line for line in data)


def test_incremental_and_deletion_noticed(mailbox, owner, server):
    actions.index_source(mailbox, actor=owner)
    assert actions.index_source(mailbox, actor=owner).read == 0
    server.append(USER, "INBOX", make_message("nieuw@example.nl", USER, "Nieuw", "tekst"))
    client = server.login(USER)
    client.select("Archief")
    client.uid("STORE", "1", "+FLAGS", r"(\Deleted)")
    client.expunge()
    client.logout()
    run = actions.index_source(mailbox, actor=owner)
    assert (run.read, run.removed) == (1, 1)


def test_read_only_mailbox_deletes_nothing(mailbox, owner, organisation, server):
    actions.index_source(mailbox, actor=owner)
    hits = actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner)
    with pytest.raises(DocumentSourceError, match="alleen-lezen"):
        actions.delete_messages(
            mailbox, [h.ref for h in hits], actor=owner, confirmed_count=len(hits)
        )
    assert len(server.uids(USER)) == 3


def test_delete_after_confirmation_moves_to_trash_and_expunges(
    mailbox, owner, organisation, server
):
    mailbox.write_access = True
    mailbox.save()
    actions.index_source(mailbox, actor=owner)
    hits = actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner)
    refs = [hit.ref for hit in hits]
    with pytest.raises(DocumentSourceError, match="Bevestig het aantal"):
        actions.delete_messages(mailbox, refs, actor=owner, confirmed_count=len(refs) - 1)
    assert len(server.uids(USER)) == 3
    evidence = actions.delete_messages(mailbox, refs, actor=owner, confirmed_count=len(refs))
    assert evidence["count"] == 3 and evidence["not_found"] == []
    assert len(server.uids(USER)) == 1  # Anna's offer is left
    assert len(server.uids(USER, "Archief")) == 1  # Piet's message is left
    assert server.uids(USER, "Trash") == []
    assert server.uids("ander@firma.example") == [1]
    entry = AuditEntry.objects.get(action="documents.delete_messages")
    assert entry.new["count"] == 3
    assert actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner) == []


def test_a_ref_not_found_for_this_source_is_refused(mailbox, owner, organisation, server):
    mailbox.write_access = True
    mailbox.save()
    actions.index_source(mailbox, actor=owner)
    forged = imap.ref("INBOX", 1, 99)
    with pytest.raises(DocumentSourceError):
        actions.delete_messages(mailbox, [forged], actor=owner, confirmed_count=1)
    assert len(server.uids(USER)) == 3
    assert set(index.refs_of(mailbox.pk))


def test_a_trash_folder_that_does_not_open_deletes_nothing(mailbox, owner, organisation, server):
    mailbox.write_access = True
    mailbox.trash_folder = "Prullenbak-bestaat-niet"
    mailbox.save()
    actions.index_source(mailbox, actor=owner)
    hits = actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner)
    refs = [hit.ref for hit in hits]
    with pytest.raises(DocumentSourceError, match="Prullenbak-bestaat-niet.*niets gewist"):
        actions.delete_messages(mailbox, refs, actor=owner, confirmed_count=len(refs))
    assert len(server.uids(USER)) == 3 and len(server.uids(USER, "Archief")) == 2
    assert not AuditEntry.objects.filter(action="documents.delete_messages").exists()
    assert len(actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner))


def test_another_message_marked_for_deletion_is_not_expunged_with_the_persons(
    mailbox, owner, organisation, server
):
    mailbox.write_access = True
    mailbox.save()
    actions.index_source(mailbox, actor=owner)
    hits = actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner)
    refs = [hit.ref for hit in hits]
    # someone marked Anna's offer for deletion in their mail program, without expunging it
    client = server.login(USER)
    client.select("INBOX")
    _, data = client.uid("SEARCH", "SUBJECT", "Offerte")
    anna = data[0].split()[0].decode()
    client.uid("STORE", anna, "+FLAGS", r"(\Deleted)")
    client.logout()
    evidence = actions.delete_messages(mailbox, refs, actor=owner, confirmed_count=len(refs))
    assert evidence["count"] == 3
    assert server.uids(USER) == [int(anna)]  # only the person's were expunged
