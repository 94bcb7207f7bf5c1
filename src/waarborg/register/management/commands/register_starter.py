from django.core.management.base import BaseCommand

from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.register.yamlio import apply_starter


class Command(BaseCommand):
    help = "Add the starter set of common small-firm processing activities to a register."

    def add_arguments(self, parser):
        organisation_option(parser)

    def handle(self, *args, org=None, **options):
        plan = apply_starter(find_organisation(org), actor=None)
        for line in plan.lines():
            self.stdout.write(line)
