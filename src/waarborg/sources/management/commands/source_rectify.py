from django.core.management.base import BaseCommand, CommandError
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
    help = "Set corrected values on a person's rows: --set table.column=value (repeatable)."

    def add_arguments(self, parser):
        person_options(parser)
        parser.add_argument("--set", action="append", required=True, metavar="TABLE.COLUMN=VALUE")

    def handle(self, *args, **options):
        changes = {}
        for item in options["set"]:
            target, sep, value = item.partition("=")
            if not sep or "." not in target:
                raise CommandError(_("--set needs TABLE.COLUMN=VALUE, not %r") % item, returncode=2)
            changes[target.strip()] = value
        source = find_source(options)
        try:
            evidence = actions.rectify_person(
                source, identities(options), changes, actor=None, reason=options["reason"]
            )
        except ERRORS as error:
            fail(error)
        print_evidence(self.stdout, evidence)
