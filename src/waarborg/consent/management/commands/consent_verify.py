from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
                raise CommandError(_("no organisation with short name %r") % org, returncode=2)
        failed = False
        for organisation in organisations:
            problems = verify_ledger(organisation)
            head = ChainHead.objects.filter(organisation=organisation).first()
            if problems:
                failed = True
                for seq, reason in problems:
                    self.stdout.write(
                        _("FAILED %(org)s: event #%(seq)s: %(reason)s")
                        % {"org": organisation.slug, "seq": seq, "reason": reason}
                    )
            else:
                seq, digest = (head.seq, head.hash) if head else (0, "-")
                self.stdout.write(
                    _("ok %(org)s: %(count)s events, head %(hash)s")
                    % {"org": organisation.slug, "count": seq, "hash": digest}
                )
        if failed:
            raise CommandError(_("the consent ledger was changed"))
