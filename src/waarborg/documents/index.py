"""The full-text index of mail and document sources: one SQLite FTS5 file in the data directory
(0600), beside Waarborg's own database.

FTS5 was chosen over Tantivy: it ships with Python's sqlite3 (no native dependency, one file)
and on bench/mail_index.py's 100,000 mails the term index is not where the time goes. A bare
insert of their text takes 1.5-1.7 s in FTS5 and 1.9-2.0 s in Tantivy; Waarborg's own work
per item (BSN removal, phone numbers and addresses as keyed hashes, sealing, the items table)
takes 10-10.5 s with FTS5 and about as long with Tantivy, and reading the mail through
documents.extract eight times as long; a look-up's candidate query takes 0.9 ms in FTS5 and
0.2 ms in Tantivy, of 18-19 ms (median) for the whole look-up. The FTS table is
contentless: it holds the terms a search needs and nothing else. What is needed to show a hit
(the text with BSNs removed, the title, the folder, the message id) is stored beside it, sealed
with AES-256-GCM in one token with the item's key terms (core.crypto.seal_bytes; an older
index's tokens, one for each and some Fernet, still open). E-mail
addresses and phone numbers found in an item (and the addresses of a message's headers) are
indexed as keyed hashes (core.crypto.keyed_hash) beside the text's words, so that a look-up
finds them in any notation; an IBAN is found by its words (iban_query). The words are plain:
what is written in an item can be read back from its terms, which is why the file is 0600 and
has a retention of its own.

Indexing is incremental: a source lists (ref, signature) pairs; only refs that are new or whose
signature changed are read again, and refs no longer listed are removed. A listed ref may hold
several items (an MBOX file, one item per message, each with the file as its `container`):
they are read, replaced and removed together, by the file's signature. Each batch is committed
with its progress, so an interrupted run resumes where it stopped and reads nothing twice. A
large run has its items prepared by a pool of processes (Preparer) while this process reads the
source and is the index file's one writer.

The index has its own retention (documents.actions.apply_index_retention, nightly): its terms
are plain, so what it no longer needs goes.
"""

import hashlib
import hmac
import itertools
import json
import multiprocessing
import os
import re
import sqlite3
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from django.conf import settings
from phonenumbers import phonenumberutil

from waarborg.core import crypto
from waarborg.core.crypto import open_bytes, seal_bytes
from waarborg.documents import recognise

PURPOSE = "document-index"
KEY_PURPOSE = "document-index-key"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

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


def connect():
    file = path()
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


def key_token(kind, value):
    return _key_token(kind, value, settings.SECRET_KEY)


# an address or number comes back in many items: hashed once per run (forget_lines() after
# it, so no address stays in a worker's memory)
@lru_cache(maxsize=65536)
def _key_token(kind, value, secret):
    return token_with(crypto.hash_key(KEY_PURPOSE), kind, value)


def token_with(key, kind, value):
    """The key term of an address, number or IBAN: its kind and a keyed hash of it (with
    crypto.hash_key(KEY_PURPOSE), as keyed_hash makes it), shortened: one formula for the
    index and its look-ups, in this process or a preparing one."""
    return kind + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:24]


def email_key(address):
    return key_token("e", address.strip().lower())


def phone_key(number):
    return key_token("p", number)


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


def normal_phone(text, region="NL"):
    """E.164 of a phone number as a person types it, or None."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Digits joined by what phonenumbers allows between them (at most four of its punctuation
# characters, a leading plus or bracket). Its matcher never looks across a line break, so a line
# without such a run of min_digits() digits holds no valid number: phones_in reads only the
# other lines, with the same result and a fraction of the parsing (most digits in mail are
# dates, amounts and house numbers).
_DIGIT_RUN = re.compile(
    r"\d(?:[" + phonenumberutil._VALID_PUNCTUATION + r"+\uFF0B(\[\uFF08\uFF3B]{0,4}\d)*"
)


@lru_cache(maxsize=8)
def _long_runs(least):
    """_DIGIT_RUN for runs of at least `least` digits only (the same runs: a shorter one can hold
    no number, and no longer one begins inside it)."""
    return re.compile(_DIGIT_RUN.pattern.removesuffix("*") + "{" + str(least - 1) + ",}")


# the matcher gives up after this many candidates; a shorter text cannot reach it
_MAX_TRIES = 65535


@lru_cache(maxsize=8)
def min_digits(region):
    """The fewest digits a valid number can be written with: a national number of the region
    (trunk prefix left out) or any country's, after its country code."""

    def shortest(metadata):
        # the general description's lengths are those of all its number types together
        return min((n for n in metadata.general_desc.possible_length if n > 0), default=1)

    international = min(
        len(str(code)) + shortest(phonenumbers.PhoneMetadata.metadata_for_region(name))
        for name in phonenumbers.SUPPORTED_REGIONS
        if (code := phonenumbers.country_code_for_region(name))
    )
    national = shortest(phonenumbers.PhoneMetadata.metadata_for_region(region))
    return max(1, min(international, national))


def _matches(text, region):
    found = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.VALID
    ):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((number, (match.start, match.end)))
    return found


# A signature line comes back in every message of its writer: its numbers are parsed once
# per run (forget_lines() after it: no line of anyone's mail stays in a worker's memory).
_line_matches = lru_cache(maxsize=2048)(_matches)


def forget_lines():
    _line_matches.cache_clear()
    _token_matches.cache_clear()
    _valid_dutch.cache_clear()
    _key_token.cache_clear()


# The fast path of phones_in. A run of digits (_DIGIT_RUN) is the matcher's candidate as it
# stands when nothing beside it can join it: no opening bracket or plus before it (other than
# one directly in front, which is then part of it), no extension label before or after it, and
# nothing but white space or a full stop, comma and the like around it. The matcher's verdict on
# such a candidate does not depend on the rest of the line, so it is asked about the candidate
# alone (a Dutch number in one of its usual notations needs no matcher at all: its E.164 form
# follows from the digits, and only its validity is asked, once per number); any other run has
# its whole line read by the matcher, as before. tests/documents/test_index_phones.py checks the
# result against the matcher over generated lines.
_RUN_CHARS = re.compile(r"[0-9 ().-]+")
_LEAD = "+(\uff0b\uff08[\uff3b"
_EXTENSION_LABEL = (  # phonenumbers' labels for matching, explicit and ambiguous
    r"(?:e?xt|\uFF45?\uFF58\uFF54|\u0434\u043E\u0431|anexo"
    r"|[x\uFF58#\uFF03~\uFF5E]|int|\uFF49\uFF4E\uFF54)"
)
_EXTENSION_AFTER = re.compile(r";ext=|[ \u00A0\t,]*" + _EXTENSION_LABEL + r"|[- ]+\d{1,6}#", re.I)
_EXTENSION_BEFORE = re.compile(_EXTENSION_LABEL + r"[:.\uFF0E]?[ \u00A0\t,-]*$", re.I)
_QUIET_AFTER = frozenset(" \t\r\f\v.,;!?)")
_QUIET_BEFORE = frozenset(" \t\r\f\v:;,=*'\"<>|-")
_SEPARATOR = r"[ -]"
_NSN = r"([1-9](?:" + _SEPARATOR + r"?\d){8})"
_DUTCH = re.compile(
    r"(?:0" + _NSN + r"|\(0([1-9]\d{0,2})\) ?(\d(?:" + _SEPARATOR + r"?\d){4,7})"
    r"|(?:\+|00)31" + _SEPARATOR + r"?(?:\(0\) ?)?" + _NSN + r")"
)
_NOT_DIGIT = re.compile(r"\D")
_INNER = re.compile(r"[ ().]")


@lru_cache(maxsize=4096)
def _valid_dutch(national):
    number = phonenumbers.PhoneNumber(country_code=31, national_number=int(national))
    return phonenumbers.is_valid_number(number)


def _dutch(token):
    """E.164 of a Dutch number in a usual notation when it is valid, else None (the matcher
    decides: an invalid whole may hold a valid part)."""
    match = _DUTCH.fullmatch(token)
    if not match:
        return None
    national = _NOT_DIGIT.sub("", "".join(g for g in match.groups() if g))
    if len(national) != 9 or not _valid_dutch(national):
        return None
    return "+31" + national


def _alone(text, run, region, line_start):
    """The matches of a run of digits when the rest of its line cannot change them, as
    [(E.164, span)], or None when only the whole line tells."""
    start, end = run.span()
    if end - start > 24 or not run.group().isascii():
        return None
    if end < len(text) and text[end] != "\n":
        if text[end] not in _QUIET_AFTER or _EXTENSION_AFTER.match(text, end):
            return None
        if text[end] in ".,;!?" and end + 1 < len(text) and not text[end + 1].isspace():
            return None
    lead = start > line_start and text[start - 1] in _LEAD
    start -= lead
    if not _RUN_CHARS.fullmatch(text, start + lead, end):
        return None
    if start > line_start:
        before = text[start - 1]
        if before.isascii() and before.isalpha() and not lead:
            # a letter right before: the matcher passes the candidate over, and without a
            # space, bracket or dot in it there is no inner number to try
            return None if _INNER.search(text, start, end) else []
        if before not in _QUIET_BEFORE:
            return None
        # a bracket or plus further back would open the candidate there; an extension label
        # would take these digits as its own
        head = text[max(line_start, start - 12) : start].rstrip(" \t\u00a0,:;.-")
        if head and (head[-1] in _LEAD or head[-1].isdigit() or _EXTENSION_BEFORE.search(head)):
            return None
    token = text[start:end]
    if region == "NL" and (number := _dutch(token)):
        return [(number, (start, end))]
    return [(number, (start + a, start + b)) for number, (a, b) in _token_matches(token, region)]


# the matcher's verdict on a candidate alone, once per run (forget_lines() after it)
_token_matches = lru_cache(maxsize=8192)(_matches)


def phones_in(text, region="NL"):
    """(E.164, span) of each phone number written in the text, in any common notation."""
    if len(text) >= _MAX_TRIES:
        return _matches(text, region)
    found, done = [], -1
    line_end, pending = -1, []
    for run in _long_runs(min_digits(region)).finditer(text):
        if run.start() < done:
            continue
        if run.start() > line_end:
            found += pending
            pending = []
            line_end = text.find("\n", run.end())
            line_end = len(text) if line_end == -1 else line_end
        alone = _alone(text, run, region, text.rfind("\n", 0, run.start()) + 1)
        if alone is not None:
            pending += alone
            continue
        # the matcher reads the whole line, this run's neighbours with it
        pending = []
        start = text.rfind("\n", 0, run.start()) + 1
        done = line_end
        found += [
            (number, (start + a, start + b))
            for number, (a, b) in _line_matches(text[start:done], region)
        ]
    return found + pending


_LOCAL_PART = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")


def emails_in(text):
    """(address, span) of each e-mail address, as _EMAIL.finditer finds them: each match holds
    one "@", so each "@" is tried once from the start of the word before it (the regex alone
    would be tried from every letter of the text)."""
    found, end, at = [], 0, text.find("@")
    while at != -1:
        start = at
        while start > end and text[start - 1] in _LOCAL_PART:
            start -= 1
        match = _EMAIL.match(text, start) if start < at else None
        if match:
            found.append((match.group(0).lower(), match.span()))
            end = match.end()
            at = text.find("@", end)
        else:
            at = text.find("@", at + 1)
    return found


def keys_of(text, addresses=(), token=None):
    """The key terms of a text: its addresses (those of its headers as well, which need not be
    in the text) and phone numbers as keyed hashes, so that a look-up finds them however they
    are written."""
    token = token or key_token
    found = {("e", a.strip().lower()) for a in addresses}
    found |= {("e", a) for a, _ in emails_in(text)}
    found |= {("p", p) for p, _ in phones_in(text)}
    return " ".join(sorted({token(kind, value) for kind, value in found}))


@dataclass
class Item:
    """What a source hands the index for one file or message."""

    ref: str
    signature: str
    meta: dict
    text: str | None = None
    error: str = ""
    addresses: list = field(default_factory=list)
    # the listed ref this item was read from when that holds several (an MBOX file)
    container: str = ""


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


class Preparer:
    """What an item becomes in the index, worked out apart from the index file: the text with
    its BSNs removed (UAVG art. 46), its key terms, and the sealed meta, text and keys. It holds
    the keys it needs rather than reading settings, so that a pool of processes can prepare
    the items of a large run while one writer puts them in the file."""

    def __init__(self, seal_key, hash_key):
        self.seal_key, self.hash_key = seal_key, hash_key
        self.tokens = {}  # an address or number comes back in many items: hashed once

    @classmethod
    def of_installation(cls):
        return cls(crypto.gcm_key(PURPOSE), crypto.hash_key(KEY_PURPOSE))

    def seal(self, value):
        return crypto.seal_with(
            self.seal_key, json.dumps(value, ensure_ascii=False).encode(), PURPOSE
        )

    def token(self, kind, value):
        found = self.tokens.get((kind, value))
        if found is None:
            if len(self.tokens) > 65536:
                self.tokens.clear()
            found = token_with(self.hash_key, kind, value)
            self.tokens[kind, value] = found
        return found

    def __call__(self, item):
        """(ref, signature, container, meta, body, text, key terms) for the items table and
        the terms. A read item is one sealed token (its meta, text and key terms) in body and
        an empty meta; one that could not be read has its meta sealed, and body, text and key
        terms None."""
        meta = dict(item.meta)
        container = item.container or None
        if item.text is None:
            meta["error"] = item.error
            return (item.ref, item.signature, container, self.seal(meta), None, None, None)
        text, bsn_count = recognise.mask_bsn(item.text)
        meta["bsn_masked"] = bsn_count
        keys = keys_of(text, item.addresses, self.token)
        return (item.ref, item.signature, container, b"", self.seal([meta, text, keys]), text, keys)


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


# A run with at least this many items to read has them prepared by a pool of POOL_SIZE
# processes while this process reads the source and writes the index file, where the machine
# has a core for each and one for the writer: on two cores the pool gained a tenth
# (bench/mail_index.py) for some 180 MB and both cores. A smaller run is quicker without it.
POOL_FROM = 2000
POOL_SIZE = 2
_PREPARER = None


def _start_preparer(seal_key, hash_key):
    global _PREPARER
    _PREPARER = Preparer(seal_key, hash_key)


def _prepare_part(items):
    return [_PREPARER(item) for item in items]


# Where a batch of the source ends, in the stream of items and of what they become: passed
# through in its place, so that the pool works on across batches while one is being written.
BATCH_END = object()


@contextmanager
def _preparing(count):
    """A function from the items a source yields (and BATCH_END marks) to what goes in the
    index, in their order."""
    preparer = Preparer.of_installation()
    if count < POOL_FROM or (os.cpu_count() or 1) < POOL_SIZE + 1:
        yield lambda items: (item if item is BATCH_END else preparer(item) for item in items)
        return
    # spawned, not forked: a worker runs threads; a process that dies fails the run (which
    # resumes where it stopped) instead of leaving it waiting
    pool = ProcessPoolExecutor(
        POOL_SIZE,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_preparer,
        initargs=(preparer.seal_key, preparer.hash_key),
    )
    try:
        yield lambda items: _pooled(pool, items)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pooled(pool, items, part=64, ahead=4):
    """The pool's results in order, with at most `ahead` parts waiting: the source is read no
    further ahead than that, so a large mailbox is never held in memory. A BATCH_END comes
    out where it went in."""
    waiting = deque()
    chunk = []

    def submit():
        if chunk:
            waiting.append(pool.submit(_prepare_part, list(chunk)))
            chunk.clear()

    for item in items:
        if item is BATCH_END:
            submit()
            waiting.append(None)
        else:
            chunk.append(item)
            if len(chunk) == part:
                submit()
        while len(waiting) > ahead:
            yield from _results(waiting.popleft())
    submit()
    while waiting:
        yield from _results(waiting.popleft())


def _results(future):
    return [BATCH_END] if future is None else future.result()


def _batched(load, todo, batch):
    """The items of the refs to read, batch by batch, each batch followed by BATCH_END."""
    for start in range(0, len(todo), batch):
        yield from load(todo[start : start + batch])
        yield BATCH_END


def _until_batch_end(stream):
    for prepared in stream:
        if prepared is BATCH_END:
            return
        yield prepared


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


def _parts(prepared, count=100, size=8_000_000):
    """Prepared items in lists of `count`, or fewer where their text passes `size` characters
    (a folder of large documents is not held in memory a batch at a time)."""
    part, held = [], 0
    for item in prepared:
        part.append(item)
        held += len(item[5] or "")
        if len(part) >= count or held >= size:
            yield part
            part, held = [], 0
    if part:
        yield part


@dataclass
class Run:
    listed: int = 0  # refs listed by the source (files, messages of a mailbox)
    read: int = 0  # items read and stored (each message of an MBOX file counts)
    unchanged: int = 0
    removed: int = 0  # listed refs gone from the source
    failed: int = 0
    done: int = 0  # listed refs dealt with in this run, for its progress


def update(source_id, listing, load, *, batch=500, on_batch=None):
    """Bring the index of one source up to date.

    `listing` is an iterable of (ref, signature); `load(refs)` yields an Item for each ref to
    read. `on_batch(run, total)` is called after each committed batch (progress, checkpoint).
    """
    run = Run()
    with closing(connect()) as connection:
        known = listed_items(connection, source_id)
        listed = dict(listing)
        run.listed = len(listed)
        todo = [ref for ref, sig in listed.items() if known.get(ref, (None,))[0] != sig]
        run.unchanged = run.listed - len(todo)
        gone = [ref for ref in known if ref not in listed]
        with connection:
            for ref in gone:
                for row_id in known[ref][1]:
                    _remove(connection, row_id)
        run.removed = len(gone)
        with _preparing(len(todo)) as prepare:
            # one stream over the batches: the next batch is read and prepared while one is
            # written (by a pool, where there is one), no further ahead than the pool's parts
            stream = prepare(_batched(load, todo, batch))
            for start in range(0, len(todo), batch):
                refs = todo[start : start + batch]
                with connection:
                    # the ids _put takes stay free until the commit
                    connection.execute("BEGIN IMMEDIATE")
                    # what a changed file held before goes (an MBOX whose messages changed)
                    for ref in refs:
                        for row_id in known.get(ref, (None, []))[1]:
                            _remove(connection, row_id)
                    for part in _parts(_until_batch_end(stream)):
                        _put(connection, source_id, part)
                        run.read += len(part)
                        run.failed += sum(p[4] is None for p in part)
                run.done += len(refs)
                if on_batch:
                    on_batch(run, len(todo))
    forget_lines()
    return run


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
