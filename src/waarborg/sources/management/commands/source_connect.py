from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from waarborg.sources import actions
from waarborg.sources.management.commands._source import (
    ERRORS,
    fail,
    find_system,
    system_options,
)


class Command(BaseCommand):
    help = "Connect a system of the register to its database with a reviewed annotation."

    def add_arguments(self, parser):
        system_options(parser)
        parser.add_argument("--url", required=True, help="database URL (stored encrypted)")
        parser.add_argument("--annotation", required=True, help="annotation file (YAML)")

    def handle(self, *args, url, annotation, **options):
        organisation, system = find_system(options)
        try:
            with open(annotation, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            raise CommandError(str(error), returncode=2) from error
        try:
            source = actions.connect_source(
                organisation, system, actor=None, url=url, annotation=text
            )
        except ERRORS as error:
            fail(error)
        for problem in source.problems:
            self.stdout.write(_("warning: %s") % problem["message"])
        self.stdout.write(
            _("connected %(system)s to %(url)s") % {"system": system.key, "url": source.url_display}
        )
