from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from waarborg.sources.introspect import annotate
from waarborg.sources.management.commands._source import ERRORS, fail


class Command(BaseCommand):
    help = "Draft a dataset annotation from a live database schema, for a person to review."

    def add_arguments(self, parser):
        parser.add_argument("url", help="database URL (postgresql://, mysql://, sqlite:///path)")
        parser.add_argument("--schema", help="schema to read (PostgreSQL; default: the default)")
        parser.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args, url, schema=None, output=None, **options):
        try:
            text = annotate(url, schema=schema)
        except ERRORS as error:
            fail(error)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(
                _("wrote %s: review every 'guessed' line before connecting it") % output
            )
        else:
            self.stdout.write(text, ending="")
