import logging
import signal
import sys
import threading
import traceback
from argparse import ArgumentTypeError
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connections
from django.utils.crypto import get_random_string

from waarborg.jobs.worker import Worker, configure_logging, lease_seconds

logger = logging.getLogger("waarborg.jobs")


def seconds(value):
    try:
        number = float(value)
    except ValueError as error:
        raise ArgumentTypeError("give a number of seconds") from error
    if not 0 <= number <= 86400:
        raise ArgumentTypeError("give a number of seconds between 0 and 86400")
    return number


def positive(value):
    try:
        number = int(value)
    except ValueError as error:
        raise ArgumentTypeError("give a whole number") from error
    if number <= 0:
        raise ArgumentTypeError("must be greater than zero")
    return number


class Command(BaseCommand):
    help = (
        "Run background tasks under a lease: a task whose worker died is taken up again when "
        "its lease runs out; SIGTERM stops between two items; a locked database is retried."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default", help="queues, comma-separated")
        parser.add_argument("--interval", type=seconds, default=1.0, help="idle poll (1 s)")
        parser.add_argument("--batch", action="store_true", help="run what is due, then exit")
        parser.add_argument("--max-tasks", type=positive, help="exit after this many tasks")
        parser.add_argument("--worker-id", default="", help="unique id (default: random)")
        parser.add_argument(
            "--lease", type=seconds, help="lease in seconds (WAARBORG_JOB_LEASE, 120)"
        )
        parser.add_argument(
            "--lock-timeout",
            type=seconds,
            help="seconds to wait for a locked SQLite database before backing off",
        )
        parser.add_argument("--reason-file", help="where to write why the worker died")
        parser.add_argument("--no-startup-delay", action="store_true", help="(no effect)")

    def handle(self, *args, **options):
        configure_logging(verbose=bool(options["verbosity"]))
        if options["lock_timeout"] is not None:
            database = connections["default"]
            if database.vendor == "sqlite":
                database.close()
                database.settings_dict.setdefault("OPTIONS", {})["timeout"] = options[
                    "lock_timeout"
                ]
        stop = threading.Event()
        install_signals(stop)
        worker = Worker(
            worker_id=options["worker_id"] or get_random_string(24),
            queues=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            max_tasks=options["max_tasks"],
            lease=options["lease"] or lease_seconds(),
            stop=stop,
        )
        try:
            worker.run()
        except Exception as error:
            # The supervisor restarts the worker and logs this line as the reason.
            if options["reason_file"]:
                Path(options["reason_file"]).write_text(f"{type(error).__name__}: {error}")
            traceback.print_exc()
            sys.exit(1)


def install_signals(stop):
    def handler(signum, frame):
        name = signal.strsignal(signum)
        if stop.is_set():
            logger.warning("%s again: stopping at once", name)
            sys.exit(1)
        logger.warning("%s: stopping after the current item", name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)
