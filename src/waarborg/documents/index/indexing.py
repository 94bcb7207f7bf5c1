"""An indexing run: what a source lists compared with what the index holds, the items to read
prepared (in this process or by a pool) and written a batch at a time, each batch one commit."""

import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass

from waarborg.documents.index.keyterms import forget_lines
from waarborg.documents.index.prepare import Item, Preparer
from waarborg.documents.index.store import _remove, connect, listed_items
from waarborg.documents.index.writer import writing

# A run with at least this many items to read has them prepared by a pool of POOL_SIZE
# processes while this process reads the source, where the machine has a core for each, one
# for this process and one for the index writer (documents.index.writer). On two cores
# preparing in this process while the writer writes was the quicker (bench/mail_index.py), and
# the pool would cost some 180 MB. A smaller run is quicker without it.
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
def _preparing(count, share=0):
    """A function from the items a source yields (and BATCH_END marks) to what goes in the
    index, in their order. Without a pool, every `share`-th item is left as it is, for a
    writing process with time to spare to prepare (documents.index.writer)."""
    preparer = Preparer.of_installation()
    if count < POOL_FROM or (os.cpu_count() or 1) < POOL_SIZE + 2:
        yield lambda items: _prepared_here(preparer, items, share)
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


def _prepared_here(preparer, items, share):
    for number, item in enumerate(items):
        if item is BATCH_END or (share and number % share == 0):
            yield item
        else:
            yield preparer(item)


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


def _failed(prepared):
    """Whether an item (prepared, or left for the writer) could not be read."""
    return prepared.text is None if isinstance(prepared, Item) else prepared[4] is None


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
        held += len((item.text if isinstance(item, Item) else item[5]) or "")
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
        with (
            writing(connection, source_id, len(todo)) as writer,
            _preparing(len(todo), writer.share) as prepare,
        ):
            # one stream over the batches: the next batch is read and prepared while one is
            # written (by a pool, where there is one), no further ahead than the pool's parts
            stream = prepare(_batched(load, todo, batch))
            sent = deque()  # (refs, items, failed) of each batch sent and not yet committed

            def committed(batches):
                for _ in batches:
                    refs, read, failed = sent.popleft()
                    run.done += refs
                    run.read += read
                    run.failed += failed
                    if on_batch:
                        on_batch(run, len(todo))

            for start in range(0, len(todo), batch):
                refs = todo[start : start + batch]
                # what a changed file held before goes with it (an MBOX whose messages changed)
                writer.begin([row_id for ref in refs for row_id in known.get(ref, (None, []))[1]])
                read = failed = 0
                for part in _parts(_until_batch_end(stream)):
                    writer.put(part)
                    read += len(part)
                    failed += sum(_failed(p) for p in part)
                    committed(writer.done())
                sent.append((len(refs), read, failed))
                writer.commit(start)
                committed(writer.done())
            committed(writer.done(wait=True))
    forget_lines()
    return run
