from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from waarborg.sources import actions
from waarborg.sources.engine import records
from waarborg.sources.management.commands._source import (
    ERRORS,
    fail,
    find_system,
    identities,
    person_options,
    print_json,
)
from waarborg.sources.models import SqlSource


class Command(BaseCommand):
    help = (
        "Find a person in a system (read-only) and print what is found as JSON: the rows of its "
        "database, or the hits in its mail and document sources."
    )

    def add_arguments(self, parser):
        person_options(parser)
        parser.add_argument(
            "--category", action="append", help="only these data categories (e.g. user.contact)"
        )
        parser.add_argument(
            "--name", action="append", default=[], help="a name (mail and document sources)"
        )

    def handle(self, *args, category=None, name=(), **options):
        organisation, system = find_system(options)
        source = SqlSource.objects.filter(system=system).first()
        if source is not None:
            self._rows(source, options, category)
            return
        from waarborg.documents.models import DocumentSource

        documents = list(DocumentSource.objects.filter(organisation=organisation, system=system))
        if not documents:
            raise CommandError(
                _(
                    "the system %r has no database and no mail or document source; connect one "
                    "with `waarborg source connect` or on the system's page"
                )
                % system.key,
                returncode=2,
            )
        self._hits(organisation, documents, {**identities(options), "name": list(name)}, options)

    def _rows(self, source, options, category):
        try:
            result = actions.find_person(
                source,
                identities(options),
                actor=None,
                categories=category,
                reason=options["reason"],
            )
        except ERRORS as error:
            fail(error)
        print_json({table: records(item) for table, item in result.items()})

    def _hits(self, organisation, sources, wanted, options):
        from waarborg.documents.actions import DocumentSourceError, find_person

        try:
            hits = find_person(
                organisation, wanted, actor=None, sources=sources, reason=options["reason"]
            )
        except DocumentSourceError as error:
            raise CommandError(str(error), returncode=2) from None
        names = {source.pk: source.name for source in sources}
        print_json(
            [
                {
                    "source": names.get(hit.source_id, ""),
                    "item": hit.ref,
                    "confidence": round(hit.confidence, 2),
                    "matched": hit.matched,
                    "snippets": [
                        f"{before}[{match}]{after}" for before, match, after in hit.snippets
                    ],
                    "meta": hit.meta,
                }
                for hit in hits
            ]
        )
