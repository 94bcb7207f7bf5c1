"""The index file's writer during a run: this process, or on a machine with a second core a
process of its own, so that the next batch is read and prepared while one is written and
committed. Either way a batch is one transaction (the older rows of its refs removed, its
items put, committed) and counts as done only once the writer says it is committed; a run that
stops or fails leaves the batch being written out, and the next run reads it again."""

import multiprocessing
import os
import queue
import threading
import traceback
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings

from waarborg.documents.index.prepare import Item, Preparer
from waarborg.documents.index.store import _put, _remove, connect, path

# A run with at least this many items to read has a writing process of its own where the
# machine has two cores or more: on two idle cores (bench/mail_index.py) 100,000 messages took
# 6.2-6.3 s instead of 10.2-10.4 s, for some 96 MB. A smaller run is quicker without the
# process's start (some 0.3 s).
WRITER_FROM = 2000
# writing an item takes some 30 µs, reading and preparing one some 70 (bench/mail_index.py): with
# one in three prepared by the writer, both processes are about as busy
SHARE = 3


class IndexWriteError(RuntimeError):
    """The writing process failed or went away; what it had not committed is not in the index."""


class Here:
    """The writer in this process, on the run's own connection."""

    share = 0  # the run prepares every item itself

    def __init__(self, connection, source_id):
        self.connection, self.source_id, self.committed = connection, source_id, []
        self.preparer = None

    def begin(self, row_ids):
        # the ids _put takes stay free until the commit
        self.connection.execute("BEGIN IMMEDIATE")
        for row_id in row_ids:
            _remove(self.connection, row_id)

    def put(self, part):
        """Put prepared items, preparing first any the run left to the writer."""
        if any(isinstance(p, Item) for p in part):
            self.preparer = self.preparer or Preparer.of_installation()
            part = [self.preparer(p) if isinstance(p, Item) else p for p in part]
        _put(self.connection, self.source_id, part)

    def commit(self, tag):
        self.connection.commit()
        self.committed.append(tag)

    def done(self, wait=False):
        """The tags of the batches committed since the last call."""
        done, self.committed = self.committed, []
        return done

    def abort(self):
        if self.connection.in_transaction:
            self.connection.rollback()

    def close(self):
        pass


class Apart:
    """The writer in a spawned process (not forked: a worker runs threads), fed through a pipe;
    the pipe's buffer keeps this process from reading far ahead of it. Writing takes about half
    as long as preparing an item, so the run leaves every SHARE-th item for it to prepare."""

    share = SHARE

    def __init__(self, source_id):
        context = multiprocessing.get_context("spawn")
        self.pipe, theirs = context.Pipe()
        self.process = context.Process(
            target=_write,
            args=(theirs, source_id, str(path()), settings.SECRET_KEY,
                  list(settings.SECRET_KEY_FALLBACKS)),
            daemon=True,
        )  # fmt: skip
        self.process.start()
        theirs.close()
        self.waiting = 0

    def _send(self, message):
        try:
            self.pipe.send(message)
        except OSError as error:
            raise self._gone() from error

    def _gone(self):
        """The error of a writer that went: its own words if it said any."""
        with suppress(OSError, EOFError):
            while self.pipe.poll():
                kind, value = self.pipe.recv()
                if kind == "error":
                    return IndexWriteError(value)
        self.process.join(timeout=5)
        return IndexWriteError(f"the index writer stopped (exit code {self.process.exitcode})")

    def begin(self, row_ids):
        self._send(("begin", list(row_ids)))

    def put(self, part):
        self._send(("part", part))

    def commit(self, tag):
        self._send(("commit", tag))
        self.waiting += 1

    def done(self, wait=False):
        done = []
        while self.waiting and (wait or self.pipe.poll()):
            try:
                kind, value = self.pipe.recv()
            except EOFError as error:
                raise self._gone() from error
            if kind == "error":
                raise IndexWriteError(value)
            done.append(value)
            self.waiting -= 1
        return done

    def abort(self):
        # the writer reads the end of the pipe and rolls back what it has not committed
        self.pipe.close()
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def close(self):
        self._send(("end", None))
        self.pipe.close()
        self.process.join()


def _write(pipe, source_id, file, secret, fallbacks):
    """The writing process: begin, put and commit as the run asks, until it ends or goes. A
    thread takes what the run sends off the pipe meanwhile (up to INBOX parts), so that the
    run is not held up while a commit merges the terms."""
    if not settings.configured:  # to prepare items and open older rows, whose terms go
        settings.configure(SECRET_KEY=secret, SECRET_KEY_FALLBACKS=fallbacks)
    inbox = queue.Queue(maxsize=INBOX)
    threading.Thread(target=_receive, args=(pipe, inbox), daemon=True).start()
    connection = None
    try:
        connection = connect(Path(file))
        writer = Here(connection, source_id)
        while True:
            kind, value = inbox.get()
            if kind in ("end", "gone"):  # gone: the run stopped or failed
                break
            if kind == "begin":
                writer.begin(value)
            elif kind == "part":
                writer.put(value)
            else:
                writer.commit(value)
                pipe.send(("done", writer.done()[0]))
    except Exception as error:  # noqa: BLE001 - told to the run, which fails with it
        detail = "".join(traceback.format_exception_only(error)).strip()
        with suppress(OSError):
            pipe.send(("error", detail))
    finally:
        if connection is not None:  # an index file it could not open has nothing to undo
            Here(connection, source_id).abort()
            connection.close()


INBOX = 64


def _receive(pipe, inbox):
    try:
        while True:
            message = pipe.recv()
            inbox.put(message)
            if message[0] == "end":
                return
    except (EOFError, OSError):
        inbox.put(("gone", None))


@contextmanager
def writing(connection, source_id, count):
    """The writer of a run with `count` items to read."""
    apart = count >= WRITER_FROM and (os.cpu_count() or 1) >= 2
    writer = Apart(source_id) if apart else Here(connection, source_id)
    try:
        yield writer
    except BaseException:
        writer.abort()
        raise
    writer.close()
