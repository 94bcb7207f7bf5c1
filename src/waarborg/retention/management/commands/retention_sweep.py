from django.core.management.base import BaseCommand, CommandError

from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.retention import actions
from waarborg.retention.management.commands.retention_plan import print_plan
from waarborg.retention.models import RetentionRun


class Command(BaseCommand):
    help = "Carry out the retention plan in short batches, with evidence. Dry run unless --commit."

    def add_arguments(self, parser):
        organisation_option(parser)
        parser.add_argument("--commit", action="store_true", help="really delete")

    def handle(self, *args, org=None, commit=False, **options):
        organisation = find_organisation(org)
        if not commit:
            self.stdout.write("Dry run: this is what --commit would do.")
            print_plan(self.stdout, actions.build_plan(organisation))
            return
        run = actions.start_run(organisation, actor=None, trigger="command")
        run = actions.execute_run(run, report=lambda line: self.stdout.write("  " + line))
        self.stdout.write(f"run #{run.pk}: {run.status}, {run.rows():,} row(s)")
        if run.status == RetentionRun.Status.FAILED:
            raise CommandError(run.error)
