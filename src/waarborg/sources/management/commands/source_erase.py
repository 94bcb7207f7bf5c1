from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from waarborg.sources import actions
from waarborg.sources.management.commands._source import (
    ERRORS,
    fail,
    find_source,
    identities,
    person_options,
    print_evidence,
)


class Command(BaseCommand):
    help = "Erase a person's data in a system's database. Shows what would happen unless --commit."

    def add_arguments(self, parser):
        person_options(parser)
        parser.add_argument(
            "--category", action="append", help="only these data categories (e.g. user.contact)"
        )
        parser.add_argument("--commit", action="store_true", help="really erase")

    def handle(self, *args, category=None, commit=False, **options):
        source = find_source(options)
        try:
            evidence = actions.erase_person(
                source,
                identities(options),
                actor=None,
                categories=category,
                reason=options["reason"],
                dry_run=not commit,
            )
        except ERRORS as error:
            fail(error)
        self.stdout.write(_("erased:") if commit else _("would erase (dry run; add --commit):"))
        print_evidence(self.stdout, evidence)
