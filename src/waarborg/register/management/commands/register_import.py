from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.register.yamlio import RegisterFileError, import_register


class Command(BaseCommand):
    help = (
        "Import a register YAML file: it becomes the whole register (items not in it are "
        "retired). All or nothing: any problem changes nothing. Exit 2 on problems."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="register YAML file, or - for standard input")
        organisation_option(parser)
        parser.add_argument("--dry-run", action="store_true", help="only print what would change")

    def handle(self, *args, file, org=None, dry_run=False, **options):
        organisation = find_organisation(org)
        if file == "-":
            import sys

            text = sys.stdin.read()
        else:
            with open(file, encoding="utf-8") as handle:
                text = handle.read()
        try:
            plan = import_register(organisation, text, actor=None, dry_run=dry_run)
        except RegisterFileError as error:
            for problem in error.problems:
                self.stderr.write(f"{file}: {problem}")
            self.stderr.write(_("Nothing was changed."))
            raise SystemExit(2) from error
        for line in plan.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
