from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.retention import actions
from waarborg.retention.management.commands.retention_plan import language_option, print_plan
from waarborg.retention.models import RetentionRun
from waarborg.retention.templatetags.retention import skip_reason


class Command(BaseCommand):
    help = "Carry out the retention plan in short batches, with evidence. Dry run unless --commit."

    def add_arguments(self, parser):
        organisation_option(parser)
        language_option(parser)
        parser.add_argument("--commit", action="store_true", help="really delete")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="also carry out rules that take more than the set share of their table, "
            "as the plan shows them now (recorded in the audit trail)",
        )

    def handle(self, *args, org=None, language=None, commit=False, confirm=False, **options):
        organisation = find_organisation(org)
        with translation.override(language or organisation.default_language):
            items = actions.build_plan(organisation)
            large = {item.key for item in actions.large_items(items, organisation)}
            if not commit:
                self.stdout.write(_("Dry run: this is what --commit would do."))
                if print_plan(self.stdout, items, large):
                    raise CommandError(_("Some rules cannot be carried out; see above."))
                return
            confirmed = actions.confirmations(items, organisation) if confirm else {}
            run = actions.start_run(
                organisation, actor=None, trigger="command", confirmed=confirmed
            )
            run = actions.execute_run(run, report=lambda line: self.stdout.write("  " + line))
            self.stdout.write(
                ngettext(
                    "run #%(number)s: %(status)s, %(rows)s row",
                    "run #%(number)s: %(status)s, %(rows)s rows",
                    run.rows(),
                )
                % {"number": run.pk, "status": run.get_status_display(), "rows": f"{run.rows():,}"}
            )
            skipped = [item for item in run.items if item.get("needs_confirmation")]
            if skipped:
                self.stdout.write(_("Skipped, run again with --confirm if this is right:"))
                for item in skipped:
                    where = item.get("label") or f"{item['system']} · {item['collection']}"
                    self.stdout.write(f"  {where}: {skip_reason(item)}")
            if run.status == RetentionRun.Status.FAILED:
                raise CommandError(run.error)
