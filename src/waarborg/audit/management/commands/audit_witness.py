from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from waarborg.audit.witness import configured_target, is_address, write_witness


class Command(BaseCommand):
    help = (
        "Write the head of every chain (audit trail, consent ledger) to a file, or mail it to "
        "an address outside the installation; the worker does it daily when "
        "WAARBORG_AUDIT_WITNESS is set. Check later with `waarborg audit verify --witness FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", metavar="FILE_OR_ADDRESS", help="default: WAARBORG_AUDIT_WITNESS"
        )

    def handle(self, *args, to=None, **options):
        target = to or configured_target()
        if not target:
            raise CommandError(_("give --to FILE or ADDRESS, or set WAARBORG_AUDIT_WITNESS"), 2)
        if not is_address(target) and target.endswith("/"):
            raise CommandError(_("--to %r is a directory; name a file") % target, returncode=2)
        records = write_witness(target)
        self.stdout.write(
            _("%(count)s chain head(s) written to %(target)s")
            % {"count": len(records), "target": target}
        )
