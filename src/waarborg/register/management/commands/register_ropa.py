import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from waarborg.register import ropa
from waarborg.register.management.commands._org import find_organisation, organisation_option

FORMATS = {"xlsx": ropa.to_xlsx, "csv": ropa.to_csv, "html": ropa.to_html, "pdf": ropa.to_pdf}


class Command(BaseCommand):
    help = "Export the register of processing activities (RoPA) as xlsx, csv, html or pdf."

    def add_arguments(self, parser):
        organisation_option(parser)
        parser.add_argument("--format", choices=sorted(FORMATS), default="xlsx")
        parser.add_argument("--language", choices=["nl", "en"], default=None)
        parser.add_argument("--output", "-o", help="file to write (required for xlsx and pdf)")

    def handle(self, *args, org=None, format="xlsx", language=None, output=None, **options):
        organisation = find_organisation(org)
        try:
            content = FORMATS[format](organisation, language or organisation.default_language)
        except ropa.PdfUnavailable as error:
            raise CommandError(
                _("PDF needs Pango: apt-get install libpango-1.0-0 libpangoft2-1.0-0 (%s)") % error
            ) from error
        if output:
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(output, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as handle:
                handle.write(content)
            self.stdout.write(_("Wrote %s") % output)
        elif isinstance(content, bytes):
            raise CommandError(_("--output is required for %s") % format, returncode=2)
        else:
            sys.stdout.write(content)
