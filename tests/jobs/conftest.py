"""A real installation for the worker tests: a migrated SQLite data directory, scripts run
against it in their own processes, worker processes, and a local SMTP server that can hold a
message half-way so that a worker is killed while sending it."""

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRELUDE = f"""
import json, os, sys
sys.path.insert(0, {str(REPO)!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waarborg.settings")
import django
django.setup()
"""


class HoldingMail:
    """Records each message by recipient; message number `hold` is held until `release` is
    set, then refused and not recorded (its sender was killed meanwhile)."""

    def __init__(self):
        self.received = []
        self.hold = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self.seen = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.seen += 1
        if self.seen == self.hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 cut off"
        self.received.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def mail():
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = HoldingMail()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    try:
        yield handler
    finally:
        handler.release.set()
        controller.stop()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("migrated")
    result = subprocess.run(
        [sys.executable, "-m", "waarborg.cli", "init", "--no-input"],
        env={**_base_env(folder)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return folder / "waarborg.sqlite3"


def _base_env(folder):
    return {
        "PATH": "/usr/bin:/bin",
        "WAARBORG_DATA_DIR": str(folder),
        "WAARBORG_SECRET_KEY": "jobs-test-" + "s" * 50,
        "WAARBORG_EMAIL_URL": "console://",
    }


class Site:
    def __init__(self, folder, port):
        self.folder = folder
        self.database = folder / "waarborg.sqlite3"
        self.env = {
            **_base_env(folder),
            "WAARBORG_EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "WAARBORG_JOB_LEASE": "1.5",
        }
        self.processes = []

    def python(self, code):
        """Run `code` with Django set up on this site; return what it printed last, as JSON."""
        result = subprocess.run(
            [sys.executable, "-c", PRELUDE + code],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    def worker(self, *options, supervise=False, log="worker.log"):
        args = [] if supervise else ["--no-supervise"]
        log_path = self.folder / log
        process = subprocess.Popen(
            [sys.executable, "-m", "waarborg.cli", "worker", *args, "--interval", "0.1", *options],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=log_path.open("w"),
        )
        process.log = log_path
        self.processes.append(process)
        return process

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(10)


@pytest.fixture
def site(tmp_path, migrated, mail):
    shutil.copy(migrated, tmp_path / "waarborg.sqlite3")
    os.chmod(tmp_path, 0o700)
    found = Site(tmp_path, mail.port)
    try:
        yield found
    finally:
        found.stop_all()


def wait_for(condition, timeout=30, what="the condition"):
    """Poll `condition` until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
