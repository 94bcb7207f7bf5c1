"""The index writer in a process of its own: the same index as in this process, older rows
removed there, and a writer that dies fails the run without losing a committed batch."""

import multiprocessing

import pytest

from waarborg.documents import index, matching
from waarborg.documents.index.writer import IndexWriteError


@pytest.fixture
def apart(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(index.writer, "WRITER_FROM", 1)
    monkeypatch.setattr(index.writer.os, "cpu_count", lambda: 2)
    started = []
    real = index.writer.Apart

    class Apart(real):
        def __init__(self, *args):
            super().__init__(*args)
            started.append(self.process)

    monkeypatch.setattr(index.writer, "Apart", Apart)
    return started


def loader(texts):
    def load(refs):
        for ref in refs:
            yield index.Item(ref, texts[ref][0], {"title": ref}, texts[ref][1])

    return load


def listing(texts):
    return [(ref, signature) for ref, (signature, _) in texts.items()]


def words(query):
    with index.connect() as connection:
        return sorted(
            ref
            for _, _, ref, _, _ in index.load_items(
                connection, index.candidates(connection, [5], query)
            )
        )


def test_a_writing_process_makes_the_index_this_process_makes(apart, settings, tmp_path):
    texts = {
        f"{n}.txt": ("1", f"Bericht {n} van jan@example.nl, 06-12345678, rekening NL91 ABNA "
                          f"0417 1643 00, BSN 111222333, woord{n}")
        for n in range(6)
    }  # fmt: skip
    run = index.update(5, listing(texts), loader(texts), batch=2)
    assert len(apart) == 1 and apart[0].exitcode == 0
    assert (run.read, run.done, run.failed) == (6, 6, 0)
    hits = matching.find([5], {"email": ["jan@example.nl"], "phone_number": ["+31612345678"]})
    assert len(hits) == 6 and {"email", "phone_number"} <= set(hits[0].matched)
    assert "111222333" not in index.item_text(5, "3.txt")[1]
    assert len(matching.find([5], {"iban": ["NL91ABNA0417164300"]})) == 6


def test_a_changed_item_loses_its_old_terms_in_the_writing_process(apart):
    texts = {"a.txt": ("1", "oudewoord en jan@example.nl"), "b.txt": ("1", "blijft staan")}
    index.update(5, listing(texts), loader(texts))
    texts["a.txt"] = ("2", "nieuwewoord")
    run = index.update(5, listing(texts), loader(texts))
    assert len(apart) == 2 and (run.read, run.unchanged) == (1, 1)
    assert words("oudewoord") == [] and words("nieuwewoord") == ["a.txt"]
    assert matching.find([5], {"email": ["jan@example.nl"]}) == []
    assert words("blijft") == ["b.txt"]


def test_a_writer_that_dies_fails_the_run_and_the_next_run_resumes(apart):
    # more batches than the writer can have been sent when the first one is committed
    texts = {f"{n:04}.txt": ("1", f"tekst nummer{n}") for n in range(3000)}
    committed = []

    def on_batch(run, total):
        committed.append(run.done)
        if len(committed) == 1:
            apart[0].kill()  # the writer dies between two batches
            apart[0].join()

    with pytest.raises(IndexWriteError, match="index writer stopped"):
        index.update(5, listing(texts), loader(texts), batch=3, on_batch=on_batch)
    # told of the first batch (and of any the writer had committed before it died)
    assert committed == list(range(3, 3 * len(committed) + 1, 3))
    stored = sorted(index.refs_of(5))
    # whole batches, from the first on: nothing is half there
    assert committed[-1] <= len(stored) < 3000 and len(stored) % 3 == 0
    assert stored == sorted(texts)[: len(stored)]
    run = index.update(5, listing(texts), loader(texts), batch=3)
    assert run.read == 3000 - len(stored) and sorted(index.refs_of(5)) == sorted(texts)
    assert words("nummer2999") == ["2999.txt"] and not multiprocessing.active_children()


def test_the_writers_own_error_is_the_runs(apart, monkeypatch):
    texts = {"a.txt": ("1", "tekst")}
    # a row the writing process cannot open: its error comes back in its own words
    with index.connect() as connection:
        connection.execute(
            "INSERT INTO items (source, ref, signature, meta, body) VALUES (5, 'a.txt', '0', "
            "x'00', x'00')"
        )
    with pytest.raises(IndexWriteError, match="DecryptionError"):
        index.update(5, listing(texts), loader(texts))
    with index.connect() as connection:  # the batch rolled back: the row is as it was
        assert index.listed_items(connection, 5) == {"a.txt": ("0", [1])}
