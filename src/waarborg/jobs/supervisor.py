"""`waarborg worker` as its own supervisor: it runs the worker in a child process and starts a
new one when that one dies, after handing its jobs back, with back-off, saying why."""

import logging
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from django.db import connections
from django.utils.crypto import get_random_string

from waarborg.jobs.worker import release_leases

logger = logging.getLogger("waarborg.jobs")

EXIT_USAGE = 2
STEADY = 60  # seconds: a worker that ran this long resets the back-off
MAX_DELAY = 60


def describe(code, reason_file):
    """Why a worker process ended, in words for the log."""
    reason = ""
    if reason_file.exists():
        reason = reason_file.read_text(errors="replace").strip()
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        text = f"was killed by {name}"
    else:
        text = f"exited with code {code}"
    return f"{text}: {reason}" if reason else text


def supervise(command, *, first_delay=1.0):
    """Run `command` (the worker) until it ends by itself or we are told to stop; restart it
    when it dies. Returns the exit code for `waarborg worker`."""
    stop = threading.Event()
    state = {"child": None}

    def forward(signum, frame):
        stop.set()
        child = state["child"]
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)
    delay = first_delay
    with tempfile.TemporaryDirectory(prefix="waarborg-worker-") as folder:
        while True:
            worker_id = get_random_string(24)
            reason_file = Path(folder) / f"{worker_id}.reason"
            started = time.monotonic()
            child = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
                [*command, "--worker-id", worker_id, "--reason-file", str(reason_file)]
            )
            state["child"] = child
            logger.warning("worker %s started (process %d)", worker_id, child.pid)
            code = child.wait()
            state["child"] = None
            if stop.is_set():
                return 0 if code in (0, -signal.SIGTERM, -signal.SIGINT) else code
            if code in (0, EXIT_USAGE):  # it finished (--batch, --max-tasks) or was misused
                return code
            why = describe(code, reason_file)
            handed_back = release_leases(worker_id)
            connections.close_all()
            if time.monotonic() - started > STEADY:
                delay = first_delay
            logger.warning(
                "worker %s (process %d) %s; %d job(s) handed back; restarting in %.0f s",
                worker_id,
                child.pid,
                why,
                handed_back,
                delay,
            )
            if stop.wait(delay):
                return 0
            delay = min(delay * 2, MAX_DELAY)
