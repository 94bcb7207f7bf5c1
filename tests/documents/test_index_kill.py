"""Killing an indexing run (SIGKILL, as the worker dies) while its writing process writes: the
writer goes by itself, the index holds whole batches only, and the next run reads the rest.

A real run in a process of its own on a real index file (marker `kill`: CI runs these on one
database only)."""

import os
import signal
import subprocess
import sys
import time

import pytest

from waarborg.documents import index

pytestmark = pytest.mark.kill

RUN = """
import os, sys, time
from pathlib import Path
from django.conf import settings
settings.configure(
    SECRET_KEY=os.environ["KEY"], SECRET_KEY_FALLBACKS=[], DATA_DIR=Path(sys.argv[1])
)
import multiprocessing
from waarborg.documents import index
index.writer.WRITER_FROM = 1

def load(refs):
    for ref in refs:
        time.sleep(0.001)
        yield index.Item(ref, "1", {}, "tekst " + ref.replace(".", " "))

def on_batch(run, total):
    print("committed", run.done, *[p.pid for p in multiprocessing.active_children()], flush=True)

if __name__ == "__main__":
    listing = [(f"{n:05}.txt", "1") for n in range(20000)]
    index.update(5, listing, load, batch=50, on_batch=on_batch)
"""


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (its parent killed, not yet reaped by init) counts as gone
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[-1][0] != "Z"


def test_a_run_killed_while_its_writer_writes(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    script = tmp_path / "run.py"
    script.write_text(RUN)
    run = subprocess.Popen(  # noqa: S603
        [sys.executable, str(script), str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "KEY": settings.SECRET_KEY},
    )
    seen = []
    for line in run.stdout:
        seen.append(line.split())
        if len(seen) == 3:
            break
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    writer = int(seen[-1][2])
    deadline = time.monotonic() + 20
    while alive(writer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(writer)  # the writer noticed and went
    stored = sorted(index.refs_of(5))
    # whole batches from the first on, the three told of at least
    assert len(stored) % 50 == 0 and 150 <= len(stored) < 20000
    assert stored == [f"{n:05}.txt" for n in range(len(stored))]

    def load(refs):
        for ref in refs:
            yield index.Item(ref, "1", {}, "tekst " + ref.replace(".", " "))

    listing = [(f"{n:05}.txt", "1") for n in range(20000)]
    again = index.update(5, listing, load, batch=50)
    assert again.read == 20000 - len(stored) and again.unchanged == len(stored)
    assert index.status(5) == {"items": 20000, "failed": 0}
    with index.connect() as connection:
        assert len(index.candidates(connection, [5], "00150")) == 1
