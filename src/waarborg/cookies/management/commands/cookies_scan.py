import sys

from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.checks.rules.cookies import platform_of
from waarborg.cookies import actions, report
from waarborg.cookies.models import Scan, Website
from waarborg.core.access import scoped
from waarborg.register.management.commands._org import find_organisation, organisation_option


class Command(BaseCommand):
    help = (
        "Scan the organisation's websites now (in this process, not the worker) and print what "
        "each pass found; exit 1 when something is set before a choice or a scan fails."
    )

    def add_arguments(self, parser):
        organisation_option(parser)
        parser.add_argument("--url", help="only the website with this start address")
        parser.add_argument("--language", choices=["nl", "en"], help="default: the organisation's")

    def handle(self, *args, org=None, url=None, language=None, **options):
        organisation = find_organisation(org)
        websites = scoped(Website, organisation)
        if url:
            websites = websites.filter(url=url)
        failed = False
        with translation.override(language or organisation.default_language):
            if not websites.exists():
                self.stderr.write(_("No websites yet."))
                sys.exit(1)
            for website in websites:
                try:
                    queued = actions.request_scan(website, actor=None, enqueue=False)
                except actions.CookieError as error:
                    self.stderr.write(f"{website.url}: {error}")
                    failed = True
                    continue
                scan = actions.carry_out_scan(queued.pk)
                if scan.status != Scan.Status.DONE:
                    from waarborg.cookies.views import ERRORS

                    reason = str(ERRORS.get(scan.error, scan.error))
                    detail = f" ({scan.error_detail})" if scan.error_detail else ""
                    self.stderr.write(f"{website.url}: {reason}{detail}")
                    failed = True
                    continue
                facts = report.scan_facts([scan])[0]
                self.stdout.write(
                    _("%(website)s: %(pages)s page visits, %(cookies)s cookies and keys.")
                    % {
                        "website": website.url,
                        "pages": scan.pages_done,
                        "cookies": scan.observations.count(),
                    }
                )
                for item in facts["before_choice"]:
                    failed = True
                    self.stdout.write(
                        "  "
                        + _("%(name)s (%(platform)s) is set %(when)s on %(website)s.")
                        % {
                            "name": item["name"],
                            "platform": platform_of(item),
                            "when": report.before_choice_label(item["passes"]),
                            "website": website.url,
                        }
                    )
        if failed:
            sys.exit(1)
