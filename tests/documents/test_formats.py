"""MBOX files indexed one message at a time, and Outlook MSG files read through extract-msg
(a real .msg made by tests/documents/msgfile.py, not a stand-in)."""

import datetime
import mailbox
import os

import pytest

from tests.documents.conftest import make_message, pdf_bytes
from tests.documents.msgfile import msg_bytes
from waarborg.documents import actions, extract, index

JAN = ("Jan de Vries", "jan@devries.example")
INFO = ("Info", "info@firma.example")


def offer_msg(**extra):
    return msg_bytes(
        "Offerte dakkapel",
        JAN,
        [INFO, ("Anna Smit", "anna@smit.example")],
        "Beste, bel mij op 06 1234 5678.\r\nGroet, Jan",
        attachments=[
            ("notitie.txt", b"Klantnummer K-4471"),
            ("offerte.pdf", pdf_bytes("Offerte voor Piet Jansen, IBAN NL91 ABNA 0417 1643 00")),
        ],
        sent=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC),
        **extra,
    )


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "post"
    root.mkdir()
    (root / "offerte.msg").write_bytes(offer_msg())
    box = mailbox.mbox(str(root / "archief.mbox"))
    for sender, subject, body in (
        ("Anna Smit <anna@smit.example>", "Hoi", "Bel me even"),
        ("Jan de Vries <jan@devries.example>", "Klacht", "Mijn klantnummer is K-9001"),
        ("Piet Jansen <piet@example.nl>", "Factuur", "Graag de factuur"),
    ):
        box.add(make_message(sender, "info@firma.example", subject, body))
    box.close()
    return root


@pytest.fixture
def source(organisation, owner, system, folder):
    return actions.connect_folder(organisation, system, actor=owner, name="Post", path=str(folder))


def hits_of(organisation, owner, **identities):
    return {hit.ref: hit for hit in actions.find_person(organisation, identities, actor=owner)}


def test_the_msg_extractor_reads_subject_people_body_and_attachments():
    fields, text = extract.msg_message(offer_msg())
    assert fields["subject"] == "Offerte dakkapel"
    assert fields["from"] == "Jan de Vries <jan@devries.example>"
    assert fields["to"] == "Info <info@firma.example>; Anna Smit <anna@smit.example>"
    assert fields["addresses"] == ["anna@smit.example", "info@firma.example", "jan@devries.example"]
    assert datetime.datetime.fromisoformat(fields["date"]) == datetime.datetime(
        2026, 3, 2, 10, 0, tzinfo=datetime.UTC
    )
    assert "bel mij op 06 1234 5678" in text
    assert "[notitie.txt]\nKlantnummer K-4471" in text
    assert "Offerte voor Piet Jansen" in text  # the PDF attached to it


def test_a_broken_msg_is_an_extraction_error():
    with pytest.raises(extract.ExtractionError):
        extract.file_text("kapot.msg", b"\xd0\xcf\x11\xe0" + b"\0" * 2000)


def test_each_mbox_message_is_its_own_item(source, organisation, owner):
    run = actions.index_source(source, actor=owner)
    assert (run.listed, run.read, run.failed) == (2, 4, 0)  # the .msg and 3 messages
    assert sorted(index.refs_of(source.pk)) == [
        "archief.mbox#1",
        "archief.mbox#2",
        "archief.mbox#3",
        "offerte.msg",
    ]
    hits = hits_of(organisation, owner, customer_number="K-9001")
    assert list(hits) == ["archief.mbox#2"]  # the one message, not the whole file
    meta = hits["archief.mbox#2"].meta
    assert (meta["title"], meta["from"], meta["path"], meta["message"]) == (
        "Klacht",
        "Jan de Vries <jan@devries.example>",
        "archief.mbox",
        2,
    )
    assert "Bel me" not in index.item_text(source.pk, "archief.mbox#2")[1]


def test_a_msg_file_is_found_by_sender_recipient_phone_and_attachment(source, organisation, owner):
    actions.index_source(source, actor=owner)
    assert set(hits_of(organisation, owner, email="jan@devries.example")) == {
        "offerte.msg",
        "archief.mbox#2",
    }
    assert set(hits_of(organisation, owner, email="anna@smit.example")) == {
        "offerte.msg",  # a recipient
        "archief.mbox#1",
    }
    assert list(hits_of(organisation, owner, phone="+31612345678")) == ["offerte.msg"]
    assert list(hits_of(organisation, owner, customer_number="K-4471")) == ["offerte.msg"]
    hit = hits_of(organisation, owner, email="jan@devries.example")["offerte.msg"]
    assert hit.meta["title"] == "Offerte dakkapel" and hit.meta["recognised"] == {"iban": 1}


def test_mbox_is_incremental_per_file(source, organisation, owner, folder):
    actions.index_source(source, actor=owner)
    again = actions.index_source(source, actor=owner)
    assert (again.read, again.unchanged, again.removed) == (0, 2, 0)
    # a message removed from the file: the file is read again, the message is gone
    box = mailbox.mbox(str(folder / "archief.mbox"))
    box.lock()
    box.remove(box.keys()[1])
    box.flush()
    box.unlock()
    box.close()
    os.utime(folder / "archief.mbox", ns=(1, 1))
    run = actions.index_source(source, actor=owner)
    assert (run.read, run.unchanged, run.removed) == (2, 1, 0)
    assert sorted(index.refs_of(source.pk)) == ["archief.mbox#1", "archief.mbox#2", "offerte.msg"]
    assert hits_of(organisation, owner, customer_number="K-9001") == {}
    assert index.item_text(source.pk, "archief.mbox#2")[0]["title"] == "Factuur"
    # the file gone: all its messages go
    (folder / "archief.mbox").unlink()
    run = actions.index_source(source, actor=owner)
    assert run.removed == 1 and index.refs_of(source.pk) == ["offerte.msg"]


def test_an_index_made_before_containers_is_brought_up_to_date(settings, tmp_path):
    import sqlite3

    settings.DATA_DIR = tmp_path  # an index file of its own
    file = index.path()
    old = sqlite3.connect(file)
    old.executescript(index.SCHEMA.replace("    container TEXT,\n", ""))
    old.close()
    with index.connect() as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(items)")}
    assert "container" in columns


def test_an_empty_mbox_is_not_read_again(source, owner, folder):
    actions.index_source(source, actor=owner)
    (folder / "leeg.mbox").write_bytes(b"")
    assert actions.index_source(source, actor=owner).read == 1
    assert actions.index_source(source, actor=owner).read == 0


def test_a_msg_attached_to_an_email_is_read_and_nesting_stops(tmp_path):
    inner = msg_bytes("Binnenste", JAN, [INFO], "Diepste tekst")
    forwarded = make_message(
        "info@firma.example",
        "archief@firma.example",
        "Doorgestuurd",
        "Zie bijlage",
        attachment=("doorgestuurd.msg", offer_msg(), "application", "vnd.ms-outlook"),
    )
    text = extract.eml_text(forwarded.as_bytes())
    assert "[doorgestuurd.msg]" in text and "bel mij op 06 1234 5678" in text
    # a message in a message in a message ...: read MAX_DEPTH deep, then only named
    data = inner
    for level in range(extract.MAX_DEPTH + 2):
        data = msg_bytes(f"Laag {level}", JAN, [INFO], "tekst", attachments=[("in.msg", data)])
    text = extract.msg_text(data)
    assert "Subject: Laag 1" in text  # three deep
    assert "Laag 0" not in text and "Diepste tekst" not in text
    assert text.count("[in.msg]") == extract.MAX_DEPTH + 1
