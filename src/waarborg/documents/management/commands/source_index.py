from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from waarborg.documents import actions
from waarborg.documents.models import DocumentSource
from waarborg.sources.management.commands._source import find_system, system_options


class Command(BaseCommand):
    help = "Index a system's mail and document sources now (only new and changed items)."

    def add_arguments(self, parser):
        system_options(parser)

    def handle(self, *args, **options):
        organisation, system = find_system(options)
        sources = DocumentSource.objects.filter(organisation=organisation, system=system)
        if not sources:
            raise CommandError(_("the system %r has no mail or document source") % system.key)
        for source in sources:
            try:
                run = actions.index_source(source, actor=None)
            except actions.DocumentSourceError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f"{source.name}: {run.read} read, {run.unchanged} unchanged, "
                f"{run.removed} removed, {run.failed} unreadable"
            )
