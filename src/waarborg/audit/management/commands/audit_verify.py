from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from waarborg.audit.actions import verify_chain
from waarborg.audit.models import AuditEntry
from waarborg.audit.witness import check_witness
from waarborg.core.models import Organisation


class Command(BaseCommand):
    help = (
        "Check the keyed audit chain of every organisation (or one, with --org): exits 1 and "
        "names each entry or anchor that was edited, forged or deleted. With --witness FILE, "
        "also checks the heads witnessed in FILE (`waarborg audit witness`)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="short name (slug) of one organisation")
        parser.add_argument("--witness", metavar="FILE", help="witnessed heads to check against")

    def handle(self, *args, org=None, witness=None, **options):
        organisations = Organisation.objects.order_by("slug")
        if org:
            organisations = organisations.filter(slug=org)
            if not organisations.exists():
                raise CommandError(f"no organisation with short name {org!r}", returncode=2)
        witnessed = None
        if witness:
            try:
                witnessed = Path(witness).read_text(errors="replace")
            except OSError as error:
                raise CommandError(
                    f"--witness {witness!r} cannot be read: {error.strerror}", returncode=2
                ) from error
        failed = False
        for organisation in organisations:
            problems = verify_chain(organisation)
            head = (
                AuditEntry.objects.filter(organisation=organisation)
                .order_by("-seq")
                .values_list("seq", "hash")
                .first()
            )
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem}")
            failed = failed or bool(problems)
            state = "FAILED" if problems else "ok"
            if head:
                self.stdout.write(f"{state} {organisation.slug}: {head[0]} entries, head {head[1]}")
            else:
                self.stdout.write(f"{state} {organisation.slug}: no entries")
        if witnessed is not None:
            problems = check_witness(witnessed, only=org)
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem}")
            failed = failed or bool(problems)
            self.stdout.write(
                f"{'FAILED' if problems else 'ok'} witness {witness}: {len(problems)} problem(s)"
            )
        if failed:
            raise SystemExit(1)
