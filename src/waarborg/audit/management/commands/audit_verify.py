from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

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
                raise CommandError(_("no organisation with short name %r") % org, returncode=2)
        witnessed = None
        if witness:
            try:
                witnessed = Path(witness).read_text(errors="replace")
            except OSError as error:
                raise CommandError(
                    _("--witness %(file)r cannot be read: %(error)s")
                    % {"file": witness, "error": error.strerror},
                    returncode=2,
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
                self.stderr.write(_("TAMPERED %s") % problem)
            failed = failed or bool(problems)
            state = _("FAILED") if problems else _("ok")
            if head:
                self.stdout.write(
                    _("%(state)s %(org)s: %(count)s entries, head %(hash)s")
                    % {"state": state, "org": organisation.slug, "count": head[0], "hash": head[1]}
                )
            else:
                self.stdout.write(
                    _("%(state)s %(org)s: no entries") % {"state": state, "org": organisation.slug}
                )
        if witnessed is not None:
            problems = check_witness(witnessed, only=org)
            for problem in problems:
                self.stderr.write(_("TAMPERED %s") % problem)
            failed = failed or bool(problems)
            self.stdout.write(
                _("%(state)s witness %(file)s: %(count)s problem(s)")
                % {
                    "state": _("FAILED") if problems else _("ok"),
                    "file": witness,
                    "count": len(problems),
                }
            )
        if failed:
            raise SystemExit(1)
