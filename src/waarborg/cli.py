"""The `waarborg` command.

Exit codes: 0 done; 1 the work failed (a check found problems, the server could not start);
2 the command was used wrongly (unknown option, malformed configuration, invalid input).
"""

import argparse
import getpass
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LANGUAGES = ("nl", "en")


class UsageError(Exception):
    """Wrong input on the command line; printed as one line, exit code 2."""


# What `waarborg demo` set for itself (its database, shared folder, mailbox certificate), kept
# in its data directory so that any other command given that directory works on the demo too.
DEMO_ENVIRONMENT = "demo-environment.json"
DEMO_VARIABLES = (
    "WAARBORG_DATABASE_URL", "WAARBORG_EMAIL_URL", "WAARBORG_BASE_URL",
    "WAARBORG_SOURCE_SQLITE_DIRS", "WAARBORG_DEMO_SITE_URL", "WAARBORG_SCAN_HOSTS",
    "WAARBORG_DOCUMENT_DIRS", "WAARBORG_IMAP_CAFILE",
)  # fmt: skip


def setup_django(data_dir=None):
    if data_dir is not None:
        os.environ["WAARBORG_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    from waarborg import config

    demo = config.data_dir() / DEMO_ENVIRONMENT
    if demo.is_file():  # what the environment sets itself comes first
        for name, value in json.loads(demo.read_text(encoding="utf-8")).items():
            if name in DEMO_VARIABLES:
                os.environ.setdefault(name, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waarborg.settings")
    import django

    django.setup()


def call(name, *args, **options):
    from django.core.management import call_command

    return call_command(name, *args, **options)


def migrate(verbose=False):
    call("migrate", interactive=False, verbosity=1 if verbose else 0)


def cmd_init(args):
    setup_django(args.data_dir)
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from waarborg.core import actions
    from waarborg.core.models import User

    print(f"Data directory: {settings.DATA_DIR}")
    _tighten(settings)
    migrate(verbose=True)
    interactive = not args.no_input and sys.stdin.isatty()
    email = args.email or (input("E-mail address of the first owner: ") if interactive else "")
    if not email:
        if not User.objects.exists():
            print("No owner yet: run `waarborg init --email ADDRESS --org-name NAME` to add one.")
        print("The database is up to date.")
        return EXIT_OK
    try:
        validate_email(email)
    except ValidationError as error:
        raise UsageError(f"--email {email!r} is not an e-mail address") from error
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        password = args.password or os.environ.get("WAARBORG_INIT_PASSWORD")
        if not password and interactive:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise UsageError("the two passwords differ")
        if not password:
            raise UsageError("--password (or WAARBORG_INIT_PASSWORD) is required with --no-input")
        user = actions.create_user(email=email, password=password, name=args.name or "")
        print(f"Created user {user.email}")
    org_name = args.org_name or (input("Name of the organisation: ") if interactive else "")
    if org_name and not user.memberships.filter(organisation__name=org_name).exists():
        organisation = actions.create_organisation(actor=user, owner=user, name=org_name)
        print(f"Created organisation {organisation.name} ({organisation.slug}), owner {email}")
    print(f"Done. Start the server with: waarborg serve  (then open {settings.BASE_URL})")
    return EXIT_OK


def _tighten(settings):
    """Installations made before Waarborg created its files private: the data directory 0700,
    the database file, its journals and the key 0600."""
    data = Path(settings.DATA_DIR)
    paths = [(data, 0o700), (data / "secret_key", 0o600)]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm", "-journal"):
            paths.append((Path(str(database["NAME"]) + suffix), 0o600))
    for path, mode in paths:
        if path.exists() and path.stat().st_mode & 0o077:
            path.chmod(mode)
            print(f"Made {path} private ({mode:o})")


def _pending_migrations():
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["default"])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def run_server(host, port, workers):
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    # Before the WSGI app exists: WhiteNoise indexes the static files when it starts.
    call("collectstatic", interactive=False, verbosity=0)
    from waarborg.wsgi import application

    connections.close_all()

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)

        def load(self):
            return application

    Server().run()


def serve_folder(folder, host, port):
    """Serve a folder of static files in a thread of this process (the demo's website)."""
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, port), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def cmd_serve(args):
    setup_django(args.data_dir)
    if _pending_migrations():
        print(
            "waarborg: the database is not up to date; run `waarborg init` first", file=sys.stderr
        )
        return EXIT_FAILED
    run_server(args.host, args.port, args.workers)
    return EXIT_OK


def cmd_demo(args):
    from waarborg import config

    demo_dir = Path(args.data_dir or config.data_dir() / "demo").expanduser().resolve()
    demo_dir.mkdir(parents=True, exist_ok=True)
    for name in ("demo.sqlite3", "demo.sqlite3-wal", "demo.sqlite3-shm"):
        (demo_dir / name).unlink(missing_ok=True)
    shutil.rmtree(demo_dir / "files", ignore_errors=True)
    shutil.rmtree(demo_dir / "index", ignore_errors=True)  # the last demo's mail and documents
    os.environ["WAARBORG_DATABASE_URL"] = f"sqlite:///{demo_dir / 'demo.sqlite3'}"
    os.environ["WAARBORG_EMAIL_URL"] = "console://"
    os.environ.setdefault("WAARBORG_BASE_URL", f"http://{args.host}:{args.port}")
    os.environ.setdefault("WAARBORG_SOURCE_SQLITE_DIRS", str(demo_dir / "sources"))
    # The demo firm's own website, for the cookie scan: served on the next port, on loopback,
    # which the scan may visit here only because the demo allows it.
    site_url = f"http://{args.host}:{args.port + 1}/index.html"
    os.environ["WAARBORG_DEMO_SITE_URL"] = site_url
    os.environ.setdefault("WAARBORG_SCAN_HOSTS", args.host)
    mail_server = _demo_mail(demo_dir)
    environment = demo_dir / DEMO_ENVIRONMENT
    environment.unlink(missing_ok=True)
    with os.fdopen(os.open(environment, os.O_CREAT | os.O_WRONLY, 0o600), "w") as file:
        json.dump({name: os.environ[name] for name in DEMO_VARIABLES if name in os.environ}, file)
    setup_django(demo_dir)
    from waarborg import demo

    print(f"Building the demo in {demo_dir} ...")
    migrate()
    try:
        logins = demo.build(mail_server=mail_server)
    except BaseException:
        if mail_server is not None:
            mail_server.stop()
        raise
    from django.conf import settings

    site = demo.write_website(
        demo_dir / "site", f"{settings.BASE_URL}/c/{demo.FIRM['slug']}/banner.js"
    )

    print("\nWaarborg demo is ready.")
    print(f"  Open:      {settings.BASE_URL}/")
    from django.utils import translation

    for email, password, role, codes in logins:
        with translation.override("en"):  # the installation commands speak English
            role = str(role)
        print(f"  Log in:    {email}  /  {password}   ({role})")
        if codes:
            indent = " " * 13
            print(f"{indent}then the code of an authenticator app with the key")
            print(f"{indent}{demo.DEMO_TOTP_SECRET} (or run `waarborg demo-code`),")
            print(f"{indent}or a recovery code: {', '.join(codes[:3])}")
        else:
            print(
                "             then set up an authenticator app or a passkey: the firm requires one"
            )
    print(f"  Website:   {site_url}  (the firm's own site, for the cookie scan; files in {site})")
    if mail_server is not None:
        print(
            f"  Mailbox:   imaps://{mail_server.host}:{mail_server.port}  (the demo's own dovecot, "
            "its mailbox connected with the shared folder)"
        )
    print("  E-mail is printed here instead of sent; a worker runs alongside for background")
    print("  work (change notices, retention sweeps, request reminders). Stop with Ctrl+C.\n")
    if args.no_serve:
        if mail_server is not None:
            mail_server.stop()
        return EXIT_OK
    worker = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
        [
            sys.executable,
            "-c",
            "import sys; from waarborg.cli import main; sys.exit(main(sys.argv[1:]))",
            "worker",
            "--data-dir",
            str(demo_dir),
        ]
    )
    serve_folder(site, args.host, args.port + 1)
    try:
        run_server(args.host, args.port, args.workers)
    finally:
        worker.terminate()
        worker.wait(timeout=10)
        if mail_server is not None:
            mail_server.stop()
    return EXIT_OK


def _demo_mail(demo_dir):
    """Before Django starts: the demo's shared folder allowed as a document folder, and its
    own dovecot (TLS, a certificate made in the data directory and trusted by this process and
    its worker only) with the demo mailbox; None, said in one line, without dovecot."""
    from waarborg.documents import demo_files, dovecot

    folders = [p for p in os.environ.get("WAARBORG_DOCUMENT_DIRS", "").split(",") if p]
    os.environ["WAARBORG_DOCUMENT_DIRS"] = ",".join(
        [*folders, str(demo_files.shared_folder(demo_dir))]
    )
    if not dovecot.available():
        print(f"{dovecot.DOVECOT} is not installed: the demo connects the shared folder only.")
        return None
    server = demo_files.start_mail_server(demo_dir)
    os.environ["WAARBORG_IMAP_CAFILE"] = str(server.cafile)
    return server


def cmd_demo_code(args):
    """The code the demo owner's authenticator app shows now (RFC 6238), for trying the demo
    without an app: the key is the demo's own, printed by `waarborg demo`."""
    import base64
    import hashlib
    import hmac
    import struct

    setup_django(args.data_dir)
    from waarborg.demo import DEMO_TOTP_SECRET

    key = base64.b32decode(DEMO_TOTP_SECRET)
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    print(f"{value % 1_000_000:06d}")
    return EXIT_OK


def cmd_worker(args):
    """The worker under its own supervisor: a child process runs the tasks and is started again
    when it dies (`--no-supervise` runs it in this process, e.g. under systemd)."""
    setup_django(args.data_dir)
    from django.db import connections

    from waarborg.audit.tasks import schedule_witness
    from waarborg.breaches.tasks import schedule_reminders
    from waarborg.checks.tasks import schedule_nightly as schedule_checks
    from waarborg.consent.tasks import schedule_pruning, schedule_sealing
    from waarborg.cookies.tasks import schedule_monthly as schedule_scans
    from waarborg.documents.tasks import schedule_nightly as schedule_index_retention
    from waarborg.jobs.supervisor import supervise
    from waarborg.jobs.worker import configure_logging, retry_locked
    from waarborg.processors.tasks import schedule_daily as schedule_changes
    from waarborg.requests.tasks import schedule_daily
    from waarborg.retention.tasks import schedule_nightly

    configure_logging()
    # the nightly retention sweep; deadline reminders and deletion of expired request files at
    # 08:00; consent events not yet sealed into their chain by a writer; the daily witness of
    # the chain heads (when WAARBORG_AUDIT_WITNESS is set); the nightly checks and their digest;
    # the deletion of expired consent links at night; the websites whose monthly cookie scan
    # is due; the reminders of the breaches' 72-hour clock every quarter of an hour; the
    # sub-processor changes whose date has come, every morning at 07:00; the mail and document
    # index's own retention at 03:00
    for schedule in (
        schedule_nightly,
        schedule_daily,
        schedule_sealing,
        schedule_witness,
        schedule_checks,
        schedule_pruning,
        schedule_scans,
        schedule_reminders,
        schedule_changes,
        schedule_index_retention,
    ):
        retry_locked(schedule, "scheduling the periodic work")
    connections.close_all()
    options = list(args.passthrough)
    if "--no-supervise" in options:
        from django.core.management import execute_from_command_line

        options.remove("--no-supervise")
        execute_from_command_line(["waarborg worker", "jobs_worker", *options])
        return EXIT_OK
    return supervise([sys.executable, "-m", "waarborg.cli", "manage", "jobs_worker", *options])


def cmd_check(args):
    setup_django(args.data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["waarborg check", "waarborg_check", *args.passthrough])
    return EXIT_OK


def _passphrase(args, confirm):
    """The backup passphrase: --passphrase-file, WAARBORG_BACKUP_PASSPHRASE, or typed in."""
    if args.passphrase_file:
        return Path(args.passphrase_file).expanduser().read_text(encoding="utf-8").strip()
    if os.environ.get("WAARBORG_BACKUP_PASSPHRASE"):
        return os.environ["WAARBORG_BACKUP_PASSPHRASE"]
    if not sys.stdin.isatty():
        raise UsageError("give the passphrase with --passphrase-file or WAARBORG_BACKUP_PASSPHRASE")
    passphrase = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Passphrase again: ") != passphrase:
        raise UsageError("the passphrases differ")
    return passphrase


def _installation(args):
    """(data directory, database settings) without starting Django, which would make a key."""
    from waarborg import config

    if args.data_dir:
        os.environ["WAARBORG_DATA_DIR"] = str(Path(args.data_dir).expanduser().resolve())
    data = config.data_dir()
    url = os.environ.get("WAARBORG_DATABASE_URL", "")
    return data, config.database(url, default_sqlite=data / "waarborg.sqlite3")


def cmd_backup(args):
    from waarborg import backup

    data, database = _installation(args)
    if database["ENGINE"].endswith("sqlite3") and not Path(database["NAME"]).exists():
        raise UsageError(f"no database at {database['NAME']}: nothing to back up")
    try:
        names = backup.create_backup(
            args.output,
            _passphrase(args, confirm=True),
            data_dir=data,
            database=database,
            secret_key_file=os.environ.get("WAARBORG_SECRET_KEY_FILE"),
        )
    except backup.BackupError as error:
        raise UsageError(str(error)) from error
    except subprocess.CalledProcessError as error:
        print(f"waarborg: the database copy failed: {error.stderr.decode()}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Backup written to {args.output} ({len(names)} parts, encrypted):")
    for name in names:
        print(f"  {name}")
    if os.environ.get("WAARBORG_SECRET_KEY") and "secret_key" not in names:
        print("Note: the secret key comes from WAARBORG_SECRET_KEY; keep it with the backup.")
    return EXIT_OK


def cmd_restore(args):
    from waarborg import backup

    data, database = _installation(args)
    try:
        backup.restore_backup(
            args.archive, _passphrase(args, confirm=False), data_dir=data, database=database
        )
    except backup.BackupError as error:
        raise UsageError(str(error)) from error
    except subprocess.CalledProcessError as error:
        print(f"waarborg: the database restore failed: {error.stderr.decode()}", file=sys.stderr)
        return EXIT_FAILED
    setup_django(data)
    migrate()  # a backup of an older version is brought up to date
    print(f"Restored into {data}. Check it with `waarborg audit verify`.")
    return EXIT_OK


def cmd_manage(args):
    setup_django(args.data_dir)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["waarborg manage", *args.passthrough])
    return EXIT_OK


# `waarborg GROUP SUBCOMMAND ...` runs the management command GROUP_SUBCOMMAND.
GROUPS = {
    "audit": {
        "verify": "Check the keyed chain of the audit trail (and, with --witness FILE, the "
        "witnessed heads); exit 1 naming any tampered entry.",
        "witness": "Write every chain's head to a file or mail it (kept outside Waarborg).",
    },
    "register": {
        "export": "Write an organisation's register as YAML.",
        "import": "Import a register YAML file, all or nothing (--dry-run shows the changes).",
        "starter": "Add the starter set of common small-firm activities.",
        "ropa": "Export the register for the supervisory authority: xlsx, csv, html or pdf.",
    },
    "source": {
        "annotate": "Draft a dataset annotation from a live database, for review.",
        "check": "Check an annotation against the live database (tables, reach, indexes).",
        "connect": "Connect a system of the register to its database with an annotation.",
        "find": "Find a person in a system's database and its mail and documents (read-only), "
        "as JSON.",
        "index": "Index a system's mail and document sources (only new and changed items).",
        "erase": "Erase a person's data in a system's database (dry run unless --commit).",
        "rectify": "Set corrected values on a person's rows.",
        "restrict": "Restrict a person's rows (flag column or restriction record).",
    },
    "consent": {
        "verify": "Check the hash chain of the consent ledger; exit 1 naming a changed event.",
        "history": "Print one person's consent history as JSON, with the wording agreed to.",
    },
    "cookies": {
        "scan": "Scan the organisation's websites now (three passes in Chromium) and print what "
        "is set before a choice; exit 1 when something is.",
    },
    "retention": {
        "plan": "Show what retention would delete, anonymise or restrict now (changes nothing).",
        "sweep": "Carry out the retention plan (dry run unless --commit), with evidence.",
    },
}


def cmd_group(args):
    """`waarborg GROUP SUB ARGS...`: the management command GROUP_SUB with its own options,
    in one language for the whole run."""
    if args.data_dir is not None:
        os.environ["WAARBORG_DATA_DIR"] = str(Path(args.data_dir).expanduser().resolve())
    from waarborg import config

    not_there = _not_there(config.data_dir())
    setup_django(args.data_dir)
    from django.conf import settings
    from django.core.management import get_commands, load_command_class
    from django.utils import translation

    name = f"{args.command}_{args.subcommand}"
    command = load_command_class(get_commands()[name], name)
    rest = list(args.passthrough)
    language = run_language(args.language, rest)
    if args.language and _takes_language(command):
        rest = ["--language", args.language, *rest]
    translation.activate(language)
    installed = not _pending_migrations()
    if not installed and not ({"-h", "--help"} & set(rest)):
        print(
            "waarborg: "
            + translation.gettext(
                "the database in %(folder)s is not set up or not up to date: run `waarborg "
                "init`, or give --data-dir the folder of an installation or demo"
            )
            % {"folder": settings.DATA_DIR},
            file=sys.stderr,
        )
        _remove_new(not_there)
        return EXIT_FAILED
    # the command's own parser, named as it is typed: `waarborg register import --help`
    command._called_from_command_line = True  # as run_from_argv: a bad line is a usage error
    parser = command.create_parser("waarborg", f"{args.command} {args.subcommand}")
    try:
        options = vars(parser.parse_args(rest))
    except SystemExit as done:
        if done.code == 0 and ({"-h", "--help"} & set(rest)):
            print(
                "\nWaarborg's own options, anywhere on the line:\n"
                "  --data-dir DIR        the data directory\n"
                "  --language {nl,en}    the language of the output (default: the "
                "organisation's)"
            )
        raise
    finally:
        if not installed:  # only help was asked for: nothing stays behind
            _remove_new(not_there)
    return _execute(command, options)


def _execute(command, options):
    """Run a management command as Django's run_from_argv does, but tell a refusal as every
    other line of Waarborg's: "waarborg: ..." (Django would write "CommandError: ...")."""
    from django.core.management.base import CommandError
    from django.db import connections

    try:
        command.execute(*options.pop("args", ()), **options)
    except CommandError as error:
        if options.get("traceback"):
            raise
        print(f"waarborg: {error}", file=sys.stderr)
        return error.returncode
    finally:
        connections.close_all()
    return EXIT_OK


# what settings make in a data directory on first use
_FIRST_FILES = ("secret_key", "waarborg.sqlite3")


def _not_there(folder):
    """The folders of a data directory's path that do not exist yet (deepest first), and the
    files settings would make in it that are not there."""
    files = [folder / name for name in _FIRST_FILES if not (folder / name).exists()]
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing, files


def _remove_new(not_there):
    """Undo what settings made in a data directory that had no installation (its key, an
    empty database): a command refused for want of one leaves nothing behind."""
    folders, files = not_there
    from django.db import connections

    connections.close_all()
    for file in files:
        file.unlink(missing_ok=True)
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:  # something else is in it now: it stays
            return


def _takes_language(command):
    parser = command.create_parser("waarborg", "command")
    return "--language" in parser._option_string_actions


def _option_value(argv, name):
    """The value of `--name VALUE` or `--name=VALUE` in an argument list, or None."""
    for position, item in enumerate(argv):
        if item == name and position + 1 < len(argv):
            return argv[position + 1]
        if item.startswith(f"{name}="):
            return item.split("=", 1)[1]
    return None


def run_language(explicit, argv):
    """The language of a run: --language, else the default language of the organisation the
    command works on (--org, or the only one), else Waarborg's default (Dutch)."""
    from django.conf import settings
    from django.db import DatabaseError

    if explicit:
        return explicit
    from waarborg.core.models import Organisation

    slug = _option_value(argv, "--org")
    try:
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
        else:
            found = list(Organisation.objects.all()[:2])
            organisation = found[0] if len(found) == 1 else None
    except DatabaseError:
        organisation = None
    language = getattr(organisation, "default_language", "") or settings.LANGUAGE_CODE
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def build_parser():
    parser = argparse.ArgumentParser(
        prog="waarborg",
        description="Waarborg: privacy operations under the GDPR (AVG).",
        epilog="Exit codes: 0 done, 1 failed, 2 wrong use or configuration.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, func, help_text):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument(
            "--data-dir",
            help="data directory (default: WAARBORG_DATA_DIR or ~/.local/share/waarborg)",
        )
        sub.set_defaults(func=func)
        return sub

    init = command(
        "init",
        cmd_init,
        "Create the data directory and database, the first owner and organisation.",
    )
    init.add_argument("--email", help="e-mail address of the first owner")
    init.add_argument("--name", help="name of the first owner")
    init.add_argument(
        "--password", help="password of the first owner (or set WAARBORG_INIT_PASSWORD)"
    )
    init.add_argument("--org-name", help="legal name of the first organisation")
    init.add_argument("--no-input", action="store_true", help="never prompt")

    def server_options(sub, default_port=8000):
        sub.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
        sub.add_argument("--port", type=int, default=default_port, help="port (8000)")
        sub.add_argument("--workers", type=int, default=2, help="web worker processes (2)")

    server_options(command("serve", cmd_serve, "Serve Waarborg with gunicorn."))
    demo = command(
        "demo",
        cmd_demo,
        "Build a fresh demo organisation on SQLite (in DATA_DIR/demo, or in the folder "
        "--data-dir names) and serve it.",
    )
    server_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="build the demo, do not serve it")
    command(
        "demo-code",
        cmd_demo_code,
        "Print the code of the demo owner's authenticator app, valid for 30 seconds.",
    )

    command(
        "worker",
        cmd_worker,
        "Run background work: tasks under a lease, in a child process that is restarted when "
        "it dies. Other options go to the worker, e.g. --max-tasks N, --interval SECONDS, "
        "--no-supervise; `waarborg worker -- --help` lists them.",
    )
    command(
        "check",
        cmd_check,
        "Check the register and practice of an organisation (--org SLUG), or a register file "
        "without importing it (waarborg check register.yaml); --format text|json|junit; "
        "exit 1 on errors.",
    )
    backup = command(
        "backup",
        cmd_backup,
        "Write one encrypted archive of the database, the data directory and the key.",
    )
    backup.add_argument("-o", "--output", required=True, help="the archive to write")
    backup.add_argument("--passphrase-file", help="file holding the passphrase")
    restore = command(
        "restore",
        cmd_restore,
        "Restore an archive of `waarborg backup` into a new data directory (and database).",
    )
    restore.add_argument("archive", help="the archive to restore")
    restore.add_argument("--passphrase-file", help="file holding the passphrase")
    command(
        "manage",
        cmd_manage,
        "Run a Django management command, e.g. `waarborg manage check --deploy`.",
    )

    for group, subcommands in GROUPS.items():
        sub = commands.add_parser(group, help=f"{group} commands", description=f"{group} commands")
        choices = sub.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        for name, help_text in subcommands.items():
            choice = choices.add_parser(name, help=help_text, description=help_text)
            choice.add_argument("--data-dir", help="data directory")
            choice.add_argument(
                "--language",
                choices=LANGUAGES,
                help="the language of the output (default: the organisation's)",
            )
        sub.set_defaults(func=cmd_group)
    return parser


PASSTHROUGH = ("worker", "manage", "check")
OWN_OPTIONS = ("--data-dir", "--language")  # of the `waarborg` command itself, anywhere


def parse(argv):
    """Parse the command line. `worker`, `manage`, `check` and the groups' subcommands hand
    their arguments and options to the command itself, written the ordinary way
    (`waarborg register import FILE --org X`; a `--` before them is allowed, never needed);
    `--data-dir` and `--language` are Waarborg's own, wherever they stand, and `--help` after a
    subcommand shows the command's own options."""
    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough = []
    is_group = argv[:1] and argv[0] in GROUPS and len(argv) > 1 and argv[1] in GROUPS[argv[0]]
    head = 2 if is_group else 1
    passes = argv and (argv[0] in PASSTHROUGH or is_group)
    if passes and (is_group or argv[head : head + 1] not in (["-h"], ["--help"])):
        own, rest = argv[:head], []
        tail = argv[head:]
        if tail[:1] == ["--"]:
            tail = tail[1:]
        index = 0
        while index < len(tail):
            item = tail[index]
            name = item.split("=", 1)[0]
            if name in OWN_OPTIONS and (is_group or name == "--data-dir"):
                take = 1 if "=" in item else 2
                own += tail[index : index + take]
                index += take
                continue
            rest.append(item)
            index += 1
        argv, passthrough = own, rest
    args = build_parser().parse_args(argv)
    args.passthrough = passthrough
    args.language = getattr(args, "language", None)
    return args


def main(argv=None):
    from waarborg.config import ConfigError

    args = parse(argv)
    try:
        return args.func(args)
    except ConfigError as error:
        print(f"waarborg: {error}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as error:
        print(f"waarborg: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
