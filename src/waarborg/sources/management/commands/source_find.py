from django.core.management.base import BaseCommand

from waarborg.sources import actions
from waarborg.sources.engine import records
from waarborg.sources.management.commands._source import (
    ERRORS,
    fail,
    find_source,
    identities,
    person_options,
    print_json,
)


class Command(BaseCommand):
    help = "Find a person's rows in a system's database (read-only) and print them as JSON."

    def add_arguments(self, parser):
        person_options(parser)
        parser.add_argument(
            "--category", action="append", help="only these data categories (e.g. user.contact)"
        )

    def handle(self, *args, category=None, **options):
        source = find_source(options)
        try:
            result = actions.find_person(
                source,
                identities(options),
                actor=None,
                categories=category,
                reason=options["reason"],
            )
        except ERRORS as error:
            fail(error)
        print_json({table: records(item) for table, item in result.items()})
