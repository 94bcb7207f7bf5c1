import json
import sys

from django.core.management.base import BaseCommand, CommandError

from waarborg.consent.actions import ConsentError
from waarborg.consent.proof import history_data
from waarborg.register.management.commands._org import find_organisation, organisation_option


class Command(BaseCommand):
    help = "Print the whole consent history of one person as JSON (the proof, with wording)."

    def add_arguments(self, parser):
        organisation_option(parser)
        parser.add_argument("key", help="e-mail address, phone number or consent id")

    def handle(self, *args, key, org=None, **options):
        try:
            data = history_data(find_organisation(org), key)
        except ConsentError as error:
            raise CommandError(str(error), returncode=2) from error
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
