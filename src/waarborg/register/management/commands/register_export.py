import sys

from django.core.management.base import BaseCommand

from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.register.yamlio import export_register


class Command(BaseCommand):
    help = "Write the register of an organisation as YAML (to standard output or --output)."

    def add_arguments(self, parser):
        organisation_option(parser)
        parser.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args, org=None, output=None, **options):
        text = export_register(find_organisation(org))
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
