"""An indexing run: what a source lists compared with what the index holds, the items to read
prepared (in this process or by a pool) and written a batch at a time, each batch one commit."""

import json
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field

from waarborg.core import crypto
from waarborg.documents import recognise
from waarborg.documents.index.keyterms import KEY_PURPOSE, forget_lines, keys_of, token_with
from waarborg.documents.index.store import PURPOSE, _put, _remove, connect, listed_items


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
