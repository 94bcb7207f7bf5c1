from django.core.management.base import BaseCommand

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
    help = "Restrict a person's rows: set the annotated flag column, or keep a restriction record."

    def add_arguments(self, parser):
        person_options(parser)

    def handle(self, *args, **options):
        source = find_source(options)
        try:
            evidence = actions.restrict_person(
                source, identities(options), actor=None, reason=options["reason"]
            )
        except ERRORS as error:
            fail(error)
        print_evidence(self.stdout, evidence)
