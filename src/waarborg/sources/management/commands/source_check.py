from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from waarborg.register.management.commands._org import organisation_option
from waarborg.sources import actions, introspect
from waarborg.sources.annotation import parse
from waarborg.sources.management.commands._source import ERRORS, fail, find_source


class Command(BaseCommand):
    help = (
        "Check an annotation against the live database: tables, columns, reachability, indexes. "
        "Either a file and --url, or the stored source of --system."
    )

    def add_arguments(self, parser):
        parser.add_argument("annotation", nargs="?", help="annotation file (YAML)")
        parser.add_argument("--url", help="database URL to check the file against")
        organisation_option(parser)
        parser.add_argument("--system", help="check the stored source of this system instead")

    def handle(self, *args, annotation=None, url=None, system=None, **options):
        try:
            if system:
                if annotation or url:
                    raise CommandError(_("give either --system or a file with --url"), returncode=2)
                source = find_source({"system": system, **options})
                problems = actions.check_source(source, actor=None)
            elif annotation and url:
                with open(annotation, encoding="utf-8") as handle:
                    dataset = parse(handle.read())
                problems = introspect.check(url, dataset)
            else:
                raise CommandError(_("give a file with --url, or --system"), returncode=2)
        except ERRORS as error:
            fail(error)
        except OSError as error:
            raise CommandError(str(error), returncode=2) from error
        for problem in problems:
            level = _("error") if problem.level == "error" else _("warning")
            self.stdout.write(f"{level}: {problem.message}")
            if problem.fix:
                self.stdout.write("    " + _("fix: %s") % problem.fix)
        errors = sum(problem.level == "error" for problem in problems)
        self.stdout.write(
            _("%(errors)s error(s), %(warnings)s warning(s)")
            % {"errors": errors, "warnings": len(problems) - errors}
        )
        if errors:
            raise CommandError(_("the annotation does not match the database"))
