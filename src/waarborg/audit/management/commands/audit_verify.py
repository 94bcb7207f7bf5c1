from django.core.management.base import BaseCommand, CommandError

from waarborg.audit.actions import verify_chain
from waarborg.audit.models import AuditEntry
from waarborg.core.models import Organisation


class Command(BaseCommand):
    help = (
        "Check the audit chain of every organisation (or one, with --org): exits 1 and names "
        "each entry that was edited or deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", help="short name (slug) of one organisation")

    def handle(self, *args, org=None, **options):
        organisations = Organisation.objects.order_by("slug")
        if org:
            organisations = organisations.filter(slug=org)
            if not organisations.exists():
                raise CommandError(f"no organisation with short name {org!r}", returncode=2)
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
        if failed:
            raise SystemExit(1)
