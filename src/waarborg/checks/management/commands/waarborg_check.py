import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from waarborg.checks.engine import ERROR
from waarborg.checks.findings import check_file, findings_for
from waarborg.checks.report import FORMATS
from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.register.yamlio import RegisterFileError


class Command(BaseCommand):
    help = (
        "Check an organisation's register and practice, or a register file without importing "
        "it; exit 1 when there are errors."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="a register YAML file to check instead")
        organisation_option(parser)
        parser.add_argument("--format", choices=sorted(FORMATS), default="text")
        parser.add_argument("--language", choices=["nl", "en"], help="default: the organisation's")

    def handle(self, *args, file=None, org=None, format="text", language=None, **options):
        if file:
            path = Path(file)
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as error:
                raise CommandError(f"{file}: {error.strerror}", returncode=2) from error
            with translation.override(language or "nl"):
                try:
                    findings = check_file(text)
                except RegisterFileError as error:
                    raise CommandError(
                        "\n".join(f"{file}: {p}" for p in error.problems), returncode=2
                    ) from error
                output = FORMATS[format](findings, file)
        else:
            organisation = find_organisation(org)
            with translation.override(language or organisation.default_language):
                findings = [f for f in findings_for(organisation) if f.dismissal is None]
                output = FORMATS[format](findings, organisation.slug)
        self.stdout.write(output, ending="")
        if any(f.severity == ERROR for f in findings):
            sys.exit(1)
