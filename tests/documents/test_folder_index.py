"""A folder of real files indexed, found again by a person's identities, and kept up to date."""

import json
import os
import stat

import pytest

from waarborg.audit.models import AuditEntry
from waarborg.documents import actions, index
from waarborg.documents.actions import DocumentSourceError


@pytest.fixture
def source(organisation, owner, system, documents_folder):
    return actions.connect_folder(
        organisation, system, actor=owner, name="Gedeelde schijf", path=str(documents_folder),
        exclude="archief/*",
    )  # fmt: skip


def refs(hits):
    return sorted(hit.ref for hit in hits)


def test_index_reads_every_kind_and_skips_excluded(source, owner):
    run = actions.index_source(source, actor=owner)
    # pdf docx xlsx csv txt eml and the 2 messages of the mbox; not the jpg, nor archief/
    assert run.read == 8 and run.failed == 0
    source.refresh_from_db()
    assert source.index_counts["listed"] == 7
    assert AuditEntry.objects.filter(action="documents.index").count() == 1
    assert index.status(source.pk) == {"items": 8, "failed": 0}


def test_index_file_is_private_and_holds_no_plain_text(source, owner):
    actions.index_source(source, actor=owner)
    path = index.path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with index.connect() as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    for plain in (b"jan@devries.example", b"Bakker", b"111222333", b"NL91ABNA", b"+31612345678"):
        assert plain not in data


def test_find_by_phone_in_any_notation(source, organisation, owner):
    actions.index_source(source, actor=owner)
    for written in ("0612345678", "+31 6 12345678", "06-1234 5678", "0031612345678"):
        hits = actions.find_person(organisation, {"phone": written}, actor=owner)
        assert refs(hits) == ["klanten.xlsx", "offertes/offerte-2026.pdf"], written


def test_find_by_email_in_headers_and_attachments(source, organisation, owner):
    actions.index_source(source, actor=owner)
    hits = actions.find_person(organisation, {"email": "Jan@DeVries.example"}, actor=owner)
    assert refs(hits) == ["bericht.eml", "oud.mbox#2"]
    assert all(hit.confidence == 1.0 for hit in hits)


def test_find_by_name_variants(source, organisation, owner):
    actions.index_source(source, actor=owner)
    hits = {
        hit.ref: hit
        for hit in actions.find_person(organisation, {"name": "Jan de Vries"}, actor=owner)
    }
    assert set(hits) == {"bericht.eml", "klanten.xlsx", "offertes/offerte-2026.pdf"}
    # "J. de Vries" (initial) is less certain than "Jan de Vries"
    assert hits["bericht.eml"].confidence > hits["offertes/offerte-2026.pdf"].confidence
    before, match, after = hits["offertes/offerte-2026.pdf"].snippets[0]
    assert match == "J. de Vries" and "heer" in before
    assert "Vries, Jan de" in [s[1] for s in hits["klanten.xlsx"].snippets]


def test_customer_number_finds_docx_table_and_attachment(source, organisation, owner):
    actions.index_source(source, actor=owner)
    hits = actions.find_person(organisation, {"customer_number": "K-4471"}, actor=owner)
    assert refs(hits) == ["bericht.eml", "offertes/brief.docx"]


def test_bsn_is_masked_and_identifiers_recognised(source, organisation, owner):
    actions.index_source(source, actor=owner)
    (hit,) = actions.find_person(organisation, {"name": "Anna Smit"}, actor=owner)[:1]
    assert hit.ref in ("notitie.txt", "klanten.xlsx", "oud.mbox#1")
    hits = {h.ref: h for h in actions.find_person(organisation, {"name": "Anna Smit"}, actor=owner)}
    note = hits["notitie.txt"]
    assert note.meta["bsn_masked"] == 1 and note.meta["recognised"] == {"iban": 1}
    assert "111222333" not in " ".join(" ".join(s) for s in note.snippets)
    assert "[BSN]" in note.snippets[0][2]


def test_another_person_or_organisation_finds_nothing(
    source, organisation, owner, other_organisation, other_owner
):
    actions.index_source(source, actor=owner)
    assert actions.find_person(organisation, {"email": "nobody@example.nl"}, actor=owner) == []
    assert actions.find_person(organisation, {"name": "Karel Appel"}, actor=owner) == []
    hits = actions.find_person(other_organisation, {"phone": "0612345678"}, actor=other_owner)
    assert hits == []


def test_no_identity_is_refused(source, organisation, owner):
    with pytest.raises(DocumentSourceError):
        actions.find_person(organisation, {"email": " ", "name": ""}, actor=owner)


def test_incremental_reads_only_changes_and_notices_deletions(
    source, organisation, owner, documents_folder
):
    actions.index_source(source, actor=owner)
    again = actions.index_source(source, actor=owner)
    assert (again.read, again.unchanged, again.removed) == (0, 7, 0)
    (documents_folder / "lijst.csv").write_text("naam;email\nKees Klaassen;kees@example.nl\n")
    os.utime(documents_folder / "lijst.csv", ns=(1, 1))
    (documents_folder / "bericht.eml").unlink()
    run = actions.index_source(source, actor=owner)
    assert (run.read, run.removed, run.unchanged) == (1, 1, 5)
    assert actions.find_person(organisation, {"email": "piet@example.nl"}, actor=owner) == []
    assert refs(actions.find_person(organisation, {"email": "kees@example.nl"}, actor=owner)) == [
        "lijst.csv"
    ]
    assert "bericht.eml" not in refs(
        actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner)
    )


def test_unreadable_file_is_recorded_and_not_read_again(source, owner, documents_folder):
    (documents_folder / "kapot.pdf").write_bytes(b"%PDF-1.4 not really")
    run = actions.index_source(source, actor=owner)
    assert run.failed == 1
    assert actions.index_source(source, actor=owner).read == 0


def test_folder_outside_the_allowed_folders_is_refused(organisation, owner, system, settings):
    settings.DOCUMENT_DIRS = []
    with pytest.raises(DocumentSourceError, match="WAARBORG_DOCUMENT_DIRS"):
        actions.connect_folder(organisation, system, actor=owner, name="x", path="/etc")


def test_only_a_missing_folder_inside_an_allowed_one_is_called_missing(
    organisation, owner, system, settings, tmp_path
):
    """Inside an allowed folder "does not exist"; outside it, or through a link out of it, the
    one refusal for everything, which tells nothing of what is there."""
    allowed, outside = tmp_path / "toegestaan", tmp_path / "buiten"
    allowed.mkdir()
    (outside / "echt").mkdir(parents=True)
    (allowed / "link").symlink_to(outside)
    settings.DOCUMENT_DIRS = [str(allowed)]
    settings.LANGUAGE_CODE = "nl"
    cases = [
        (allowed / "weg" / "klanten", "bestaat niet"),
        (allowed / "link" / "weg", "WAARBORG_DOCUMENT_DIRS"),
        (outside / "weg", "WAARBORG_DOCUMENT_DIRS"),
        (allowed / "link" / "echt", "WAARBORG_DOCUMENT_DIRS"),
        ("toegestaan/weg", "volledige pad"),
    ]
    for path, reason in cases:
        with pytest.raises(DocumentSourceError, match=reason):
            actions.connect_folder(organisation, system, actor=owner, name="x", path=str(path))


def test_own_data_directory_is_refused(organisation, owner, system, settings):
    settings.DOCUMENT_DIRS = [settings.DATA_DIR.parent]
    with pytest.raises(DocumentSourceError):
        actions.connect_folder(organisation, system, actor=owner, name="x", path=settings.DATA_DIR)


def test_symlink_out_of_the_folder_is_not_followed(
    source, organisation, owner, documents_folder, tmp_path
):
    secret = tmp_path / "geheim.txt"
    secret.write_text("Jan de Vries geheim")
    (documents_folder / "link.txt").symlink_to(secret)
    actions.index_source(source, actor=owner)
    hits = actions.find_person(organisation, {"name": "Jan de Vries"}, actor=owner)
    assert "link.txt" not in refs(hits)


def test_disconnect_drops_the_index(source, organisation, owner):
    actions.index_source(source, actor=owner)
    actions.disconnect_source(source, actor=owner)
    assert index.status(source.pk) == {"items": 0, "failed": 0}


def test_worker_task_indexes_the_source(source):
    from waarborg.documents.tasks import index_document_source

    assert index_document_source.call(source.pk) == {"read": 8, "removed": 0, "failed": 0}
    assert index_document_source.call(source.pk)["read"] == 0


def test_source_index_command(source, organisation):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import translation

    out = StringIO()
    with translation.override("en"):
        call_command("source_index", "--org", organisation.slug, "--system", "gedeeld", stdout=out)
    assert "8 read, 0 unchanged, 0 removed, 0 unreadable" in out.getvalue()
    out = StringIO()
    with translation.override("nl"):
        call_command("source_index", "--org", organisation.slug, "--system", "gedeeld", stdout=out)
    assert "0 gelezen, 7 ongewijzigd, 0 verwijderd, 0 onleesbaar" in out.getvalue()  # 7 files


def test_source_index_command_indexes_the_others_when_one_fails(
    source, organisation, owner, system, tmp_path
):
    """A source that cannot be read is named, the others are indexed all the same, and the
    run ends failed (exit 1)."""
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.utils import translation

    gone = tmp_path / "weg"
    gone.mkdir()
    first = actions.connect_folder(organisation, system, actor=owner, name="Aaa weg", path=gone)
    gone.rmdir()
    out, err = StringIO(), StringIO()
    with translation.override("nl"), pytest.raises(CommandError, match="1 bron kon niet"):
        call_command(
            "source_index", "--org", organisation.slug, "--system", "gedeeld",
            stdout=out, stderr=err,
        )  # fmt: skip
    assert "Aaa weg: Deze map bestaat niet" in err.getvalue()
    assert "Gedeelde schijf: 8 gelezen" in out.getvalue()
    first.refresh_from_db()
    assert first.last_error == "This folder does not exist: check the path."


def indexed(source_id):
    """Each item of a source as stored, decrypted: (ref, meta, text, key terms)."""
    with index.connect() as connection:
        rows = connection.execute(
            "SELECT ref, meta, body, keys FROM items WHERE source = ? ORDER BY ref", (source_id,)
        ).fetchall()
    return [(ref, *index.store._contents(meta, body, keys)) for ref, meta, body, keys in rows]


def test_a_pool_of_processes_indexes_as_this_process_does(source, organisation, owner, monkeypatch):
    actions.index_source(source, actor=owner)
    alone = indexed(source.pk)
    found = refs(actions.find_person(organisation, {"name": "Jan de Vries"}, actor=owner))
    index.drop_source(source.pk)
    monkeypatch.setattr(index.indexing, "POOL_FROM", 1)  # started for these few items
    monkeypatch.setattr(index.indexing.os, "cpu_count", lambda: 4)  # with cores to spare
    started = []

    class Pool(index.indexing.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            started.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(index.indexing, "ProcessPoolExecutor", Pool)
    run = actions.index_source(source, actor=owner)
    assert run.read == 8 and started == [(index.indexing.POOL_SIZE,)]
    assert indexed(source.pk) == alone
    assert "111222333" not in str(alone)  # the BSN was removed in the pool as well
    assert refs(actions.find_person(organisation, {"name": "Jan de Vries"}, actor=owner)) == found
    assert refs(actions.find_person(organisation, {"phone": "0612345678"}, actor=owner)) == [
        "klanten.xlsx",
        "offertes/offerte-2026.pdf",
    ]


def test_two_cores_index_in_one_process(source, owner, monkeypatch):
    """Two cores are no core to spare: the run prepares its items itself."""
    monkeypatch.setattr(index.indexing, "POOL_FROM", 1)
    monkeypatch.setattr(index.indexing.os, "cpu_count", lambda: 2)

    def refused(*args, **kwargs):
        raise AssertionError("no pool on two cores")

    monkeypatch.setattr(index.indexing, "ProcessPoolExecutor", refused)
    assert actions.index_source(source, actor=owner).read == 8


def test_an_older_index_with_a_token_per_column_still_reads_and_is_replaced(settings, tmp_path):
    """An index written before items were one token (meta, text and key terms each sealed, the
    oldest with Fernet) is read, found and replaced without a rebuild; the replaced item's
    terms leave the index with it."""
    from waarborg.core import crypto
    from waarborg.documents import matching

    settings.DATA_DIR = tmp_path  # an index file of its own
    meta = {"title": "Oude offerte", "addresses": []}
    text = "Offerte voor jan@example.nl, zeldzaamwoord."
    keys = index.keys_of(text)
    with index.connect() as connection:
        connection.execute(
            "INSERT INTO items (id, source, ref, signature, meta, body, keys) "
            "VALUES (7, 5, 'oud.txt', 'v1', ?, ?, ?)",
            (
                crypto.encrypt_bytes(json.dumps(meta).encode(), index.PURPOSE),
                index.store._seal(text),
                index.store._seal(keys),
            ),
        )
        connection.execute("INSERT INTO terms(rowid, body, keys) VALUES (7, ?, ?)", (text, keys))
    assert index.item_text(5, "oud.txt") == (meta, text)
    assert refs(matching.find([5], {"email": ["jan@example.nl"]})) == ["oud.txt"]

    def load(wanted):
        for ref in wanted:
            yield index.Item(ref, "v2", {"title": "Nieuwe offerte"}, "Offerte voor Piet.")

    run = index.update(5, [("oud.txt", "v2")], load)
    assert run.read == 1 and run.failed == 0
    assert index.item_text(5, "oud.txt") == ({"title": "Nieuwe offerte", "bsn_masked": 0},
                                             "Offerte voor Piet.")  # fmt: skip
    with index.connect() as connection:
        assert index.candidates(connection, [5], "zeldzaamwoord") == []
        assert (
            index.candidates(connection, [5], matching.queries({"email": ["jan@example.nl"]})) == []
        )
        assert len(index.candidates(connection, [5], "piet")) == 1
        # the new item is one sealed token, its meta column empty
        meta_column, keys_column = connection.execute(
            "SELECT meta, keys FROM items WHERE source = 5"
        ).fetchone()
    assert meta_column == b"" and keys_column is None


def test_a_ref_read_twice_in_a_run_is_stored_once(settings, tmp_path):
    settings.DATA_DIR = tmp_path

    def load(wanted):
        yield index.Item("a.txt", "1", {}, "eerste lezing")
        yield index.Item("a.txt", "1", {}, "tweede lezing")

    index.update(5, [("a.txt", "1")], load)
    assert index.status(5) == {"items": 1, "failed": 0}
    assert index.item_text(5, "a.txt")[1] == "tweede lezing"
    with index.connect() as connection:
        assert index.candidates(connection, [5], "eerste") == []


def test_the_terms_merge_sixteen_segments_at_a_time_set_once(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with index.connect() as connection:
        connection.execute("INSERT INTO terms(terms, rank) VALUES('automerge', 4)")
        connection.commit()
    with index.connect() as connection:  # an index file made before the setting
        assert connection.execute(
            "SELECT v FROM terms_config WHERE k = 'automerge'"
        ).fetchone() == (index.AUTOMERGE,)
        before = connection.total_changes
        index.configure(connection)  # as it is: nothing written, a look-up stays a reader
        assert connection.total_changes == before and not connection.in_transaction


class Stop(Exception):
    pass


@pytest.mark.parametrize(
    "pooled, apart", [(False, False), (True, False), (False, True), (True, True)],
    ids=["in-process", "pool", "writer apart", "pool and writer apart"],
)  # fmt: skip
def test_batches_commit_in_order_and_a_stop_between_them_resumes(
    settings, tmp_path, monkeypatch, pooled, apart
):
    """The next batch is read and prepared while one is written (by a pool, by a writing
    process); each batch is still its own commit, in order, and a run stopped after one
    resumes with the rest, reading none twice."""
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(index.indexing.os, "cpu_count", lambda: 4 if pooled else 2)
    if pooled:
        monkeypatch.setattr(index.indexing, "POOL_FROM", 1)
    if apart:
        monkeypatch.setattr(index.writer, "WRITER_FROM", 1)
    listing = [(f"{n:02}.txt", "1") for n in range(7)]
    read = []

    def load(wanted):
        for ref in wanted:
            read.append(ref)
            yield index.Item(ref, "1", {}, f"bestand nummer{ref[:2]}")

    seen = []

    def on_batch(run, total):
        with index.connect() as connection:
            stored = [r for (r,) in connection.execute("SELECT ref FROM items ORDER BY ref")]
        seen.append((run.done, run.read, total, stored))
        if len(seen) == 2:
            raise Stop

    with pytest.raises(Stop):
        index.update(5, listing, load, batch=3, on_batch=on_batch)
    refs_of = [ref for ref, _ in listing]
    assert [row[:3] for row in seen] == [(3, 3, 7), (6, 6, 7)]
    # what is committed when a batch is told of: that batch and those before it, whole (and
    # with a writing process, perhaps the next one, committed meanwhile)
    for done, *_, stored in seen:
        ends = [end for end in (3, 6, 7) if end == done or (apart and end > done)]
        assert stored in [refs_of[:end] for end in ends]
    stored = seen[-1][3]
    read.clear()
    run = index.update(5, listing, load, batch=3, on_batch=lambda run, total: None)
    assert read == refs_of[len(stored) :] and run.unchanged == len(stored)
    assert sorted(index.refs_of(5)) == refs_of
    with index.connect() as connection:
        assert len(index.candidates(connection, [5], "nummer04")) == 1


def test_places_close_together_are_one_snippet(organisation, owner, system, tmp_path):
    """ "Kees Bakker" and "K. Bakker" a line apart would show the same text twice: one
    snippet; a place further on is a second one."""
    folder = tmp_path / "map"
    folder.mkdir()
    far = " ".join(["verder"] * 40)
    (folder / "brief.txt").write_text(
        f"Van: Kees Bakker\nBeste K. Bakker, dank voor uw bericht. {far} Groet aan K. Bakker.",
        encoding="utf-8",
    )
    source = actions.connect_folder(organisation, system, actor=owner, name="Map", path=folder)
    actions.index_source(source, actor=owner)
    (hit,) = actions.find_person(organisation, {"name": "Kees Bakker"}, actor=owner)
    assert len(hit.snippets) == 2
    first, second = ("".join(parts) for parts in hit.snippets)
    assert "Van: Kees Bakker" in first and "Groet aan" in second
