from django.core.management.base import BaseCommand, CommandError

from waarborg.consent.actions import verify_ledger
from waarborg.consent.models import ChainHead
from waarborg.core.models import Organisation


class Command(BaseCommand):
    help = "Check the hash chain of the consent ledger; exit 1 naming any edited or lost event."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="short name (slug) of one organisation; default: all")

    def handle(self, *args, org=None, **options):
        organisations = Organisation.objects.order_by("slug")
        if org:
            organisations = organisations.filter(slug=org)
            if not organisations:
                raise CommandError(f"no organisation with short name {org!r}", returncode=2)
        failed = False
        for organisation in organisations:
            problems = verify_ledger(organisation)
            head = ChainHead.objects.filter(organisation=organisation).first()
            if problems:
                failed = True
                for seq, reason in problems:
                    self.stdout.write(f"FAIL {organisation.slug}: event #{seq}: {reason}")
            else:
                seq, digest = (head.seq, head.hash) if head else (0, "-")
                self.stdout.write(f"ok {organisation.slug}: {seq} events, head {digest}")
        if failed:
            raise CommandError("the consent ledger was changed")
