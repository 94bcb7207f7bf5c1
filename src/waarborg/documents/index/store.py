"""The index file: its schema and settings, an item's row (sealed as one token) with its terms,
and the look-ups on it."""

import itertools
import json
import os
import re
import sqlite3
from contextlib import closing

from django.conf import settings

from waarborg.core.crypto import open_bytes, seal_bytes

PURPOSE = "document-index"

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY,
    source INTEGER NOT NULL,
    ref TEXT NOT NULL,
    signature TEXT NOT NULL,
    meta BLOB NOT NULL,
    body BLOB,
    keys BLOB,
    failed INTEGER NOT NULL DEFAULT 0,
    container TEXT,
    UNIQUE (source, ref)
);
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(
    body, keys, content='', tokenize='unicode61 remove_diacritics 2'
);
"""


def path():
    folder = settings.DATA_DIR / "index"
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
    return folder / "documents.sqlite3"


def connect(file=None):
    """A connection to the index file (this installation's, or `file` for a process without
    settings), made 0600 and brought up to the current schema."""
    file = file or path()
    if not file.exists():
        # created 0600 before SQLite writes a byte into it
        os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(file, 0o600)
    connection = sqlite3.connect(file, timeout=30)
    connection.execute("PRAGMA journal_mode=WAL")
    # a commit per batch needs no sync of its own in WAL mode: the file stays consistent, and
    # batches a power cut loses are read again by the next run
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.executescript(SCHEMA)
    configure(connection)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(items)")}
    if "container" not in columns:  # an index made before items had containers
        with connection:
            connection.execute("ALTER TABLE items ADD COLUMN container TEXT")
    return connection


# FTS5 writes the terms of each committed batch as a segment of its own and merges segments
# as they come: by default four at a time, so that a term of a large run is written again at
# each of some four levels. Sixteen at a time writes it about twice; a look-up then reads a few
# more segments (bench/mail_index.py: a third less time indexing, the candidate query as quick).
AUTOMERGE = 16


def configure(connection):
    """The FTS5 settings of the terms table (kept in the file; written only when they differ)."""
    row = connection.execute("SELECT v FROM terms_config WHERE k = 'automerge'").fetchone()
    if row is None or row[0] != AUTOMERGE:
        with connection:
            connection.execute(
                "INSERT INTO terms(terms, rank) VALUES('automerge', ?)", (AUTOMERGE,)
            )


def _seal(value):
    return seal_bytes(json.dumps(value, ensure_ascii=False).encode(), PURPOSE)


def _open(token):
    # an index written before AES-GCM holds Fernet tokens: open_bytes reads those as well
    return json.loads(open_bytes(token, PURPOSE))


def iban_query(value):
    """An FTS5 query for the items whose words can hold this IBAN as recognise.ibans finds it,
    or "". The recogniser takes an IBAN from its first letter on, written whole or in groups of
    four with a space after any group, and takes the valid beginning of a longer run: so each
    way of cutting the IBAN at the ends of its groups is a phrase, its last word a prefix.
    (An IBAN is not a key term: it is in the text's words in any case, and this is as exact.)"""
    compact = re.sub(r"\s", "", value).upper()
    if not (14 < len(compact) <= 34 and compact.isascii() and compact.isalnum()):
        return ""
    groups = [compact[start : start + 4].lower() for start in range(0, len(compact), 4)]
    phrases = []
    for cuts in itertools.product((False, True), repeat=len(groups) - 1):
        words = [groups[0]]
        for group, cut in zip(groups[1:], cuts, strict=True):
            if cut:
                words.append(group)
            else:
                words[-1] += group
        phrases.append('body:"' + " ".join(words) + '" *')
    return " OR ".join(phrases)


def _delete_terms(connection, row_id, body, keys):
    connection.execute(
        "INSERT INTO terms(terms, rowid, body, keys) VALUES('delete', ?, ?, ?)",
        (row_id, body, keys),
    )


def _contents(meta, body, keys=None):
    """(meta, text, key terms) of an item's row; text and key terms None for an item that
    could not be read. An item is one sealed token [meta, text, key terms] in `body` (its
    `meta` column empty); an older index sealed each of the three on its own."""
    if body is None:
        return _open(meta), None, None
    opened = _open(body)
    if isinstance(opened, list):
        return tuple(opened)
    return _open(meta), opened, _open(keys) if keys is not None else None


def _remove(connection, row_id):
    row = connection.execute(
        "SELECT meta, body, keys FROM items WHERE id = ?", (row_id,)
    ).fetchone()
    if row and row[1] is not None:
        _, text, keys = _contents(*row)
        _delete_terms(connection, row_id, text, keys)
    connection.execute("DELETE FROM items WHERE id = ?", (row_id,))


def _put(connection, source_id, prepared):
    """Put prepared items in the index, in the caller's transaction: their rows first (with
    the next free ids, in one statement), then their terms (in another). Any older row of the
    same refs goes first."""
    # a ref yielded twice is stored once, as it was read last
    prepared = list({p[0]: p for p in prepared}.values())
    if not prepared:
        return
    refs = [p[0] for p in prepared]
    for start in range(0, len(refs), 500):
        part = refs[start : start + 500]
        marks = ",".join("?" * len(part))
        rows = connection.execute(
            f"SELECT id FROM items WHERE source = ? AND ref IN ({marks})",  # noqa: S608
            (source_id, *part),
        ).fetchall()
        for (row_id,) in rows:
            _remove(connection, row_id)
    (last,) = connection.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()
    numbered = list(enumerate(prepared, start=last + 1))
    connection.executemany(
        "INSERT INTO items (id, source, ref, signature, meta, body, failed, container) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (row_id, source_id, ref, signature, meta, body, int(body is None), container)
            for row_id, (ref, signature, container, meta, body, _, _) in numbered
        ],
    )
    connection.executemany(
        "INSERT INTO terms(rowid, body, keys) VALUES (?, ?, ?)",
        [(row_id, p[5], p[6]) for row_id, p in numbered if p[4] is not None],
    )


def signatures(connection, source_id):
    rows = connection.execute("SELECT ref, signature, id FROM items WHERE source = ?", (source_id,))
    return {ref: (signature, row_id) for ref, signature, row_id in rows}


def listed_items(connection, source_id):
    """{listed ref: (signature, [row ids])}: a file of several items (an MBOX) under its own
    path, with the rows of all its messages."""
    known = {}
    rows = connection.execute(
        "SELECT ref, container, signature, id FROM items WHERE source = ?", (source_id,)
    )
    for ref, container, signature, row_id in rows:
        _, row_ids = known.setdefault(container or ref, (signature, []))
        row_ids.append(row_id)
    return known


def drop_source(source_id):
    """Remove every item of a source from the index; how many there were."""
    with closing(connect()) as connection, connection:
        rows = connection.execute("SELECT id FROM items WHERE source = ?", (source_id,)).fetchall()
        for (row_id,) in rows:
            _remove(connection, row_id)
    return len(rows)


def source_ids():
    """The ids of the sources that have items in the index."""
    with closing(connect()) as connection:
        return [row[0] for row in connection.execute("SELECT DISTINCT source FROM items")]


def refs_of(source_id):
    with closing(connect()) as connection:
        rows = connection.execute("SELECT ref FROM items WHERE source = ?", (source_id,))
        return [ref for (ref,) in rows]


def forget(source_id, refs):
    with closing(connect()) as connection, connection:
        for ref in refs:
            row = connection.execute(
                "SELECT id FROM items WHERE source = ? AND ref = ?", (source_id, ref)
            ).fetchone()
            if row:
                _remove(connection, row[0])


def status(source_id):
    with closing(connect()) as connection:
        total, failed = connection.execute(
            "SELECT count(*), coalesce(sum(failed), 0) FROM items WHERE source = ?", (source_id,)
        ).fetchone()
    return {"items": total, "failed": failed}


def candidates(connection, source_ids, query, limit=1000):
    """Row ids of items of these sources whose terms match an FTS5 query."""
    marks = ",".join("?" * len(source_ids))
    rows = connection.execute(
        # CROSS JOIN: the full-text match first, then each item by its key (SQLite would
        # otherwise walk the source's items and run the match once per item)
        f"SELECT items.id FROM terms CROSS JOIN items ON items.id = terms.rowid "  # noqa: S608
        f"WHERE terms MATCH ? AND items.source IN ({marks}) LIMIT ?",
        (query, *source_ids, limit),
    )
    return [row_id for (row_id,) in rows]


def load_items(connection, row_ids):
    marks = ",".join("?" * len(row_ids))
    rows = connection.execute(
        f"SELECT id, source, ref, meta, body FROM items WHERE id IN ({marks})",  # noqa: S608
        row_ids,
    )
    for row_id, source, ref, meta, body in rows:
        meta, text, _ = _contents(meta, body)
        yield row_id, source, ref, meta, text if text is not None else ""


def phrase(text):
    """An FTS5 phrase of the words of `text` (quotes doubled), or "" when it has no word."""
    words = re.findall(r"\w+", text)
    return '"' + " ".join(words) + '"' if words else ""


def item_text(source_id, ref):
    """(meta, text) of one item as indexed (BSNs already masked), or None."""
    with closing(connect()) as connection:
        row = connection.execute(
            "SELECT meta, body FROM items WHERE source = ? AND ref = ?", (source_id, ref)
        ).fetchone()
    if row is None or row[1] is None:
        return None
    return _contents(*row)[:2]
