from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
        failed = []
        for source in sources:
            try:
                run = actions.index_source(source, actor=None)
            except actions.DocumentSourceError as error:
                # the other sources are indexed all the same; the run fails at the end
                self.stderr.write(f"{source.name}: {error}")
                failed.append(source.name)
                continue
            self.stdout.write(
                _("%(source)s: %(read)s read, %(unchanged)s unchanged, %(removed)s removed, "
                  "%(failed)s unreadable")
                % {"source": source.name, "read": run.read, "unchanged": run.unchanged,
                   "removed": run.removed, "failed": run.failed}
            )  # fmt: skip
        if failed:
            raise CommandError(
                ngettext(
                    "%(count)d source could not be indexed: %(names)s",
                    "%(count)d sources could not be indexed: %(names)s",
                    len(failed),
                )
                % {"count": len(failed), "names": ", ".join(failed)}
            )
