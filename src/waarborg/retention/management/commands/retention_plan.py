from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waarborg.core.dates import format_day
from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.retention.actions import build_plan, large_items
from waarborg.retention.templatetags.retention import action_label


def language_option(parser):
    parser.add_argument(
        "--language", choices=["nl", "en"], help="output language (default: the organisation's)"
    )


def print_plan(stdout, items, large=()):
    """One line per item, in the active language; returns the number of items with a problem."""
    problems = 0
    for item in items:
        rule = str(item.rule) if item.rule else item.label
        head = f"  {item.label}  [{rule}]"
        if item.problem:
            problems += 1
            error = _("error")
            stdout.write(f"{head}  -- {error}: {item.problem}")
            continue
        if item.note:
            stdout.write(f"{head}  {item.note}")
            continue
        if item.kind == "review":
            state = _("review due") if item.count else _("reviewed")
            todo = _("delete by hand, then confirm")
            stdout.write(f"{head}  {state}: {todo}")
            continue
        parts = [
            ngettext("%(action)s %(count)s row", "%(action)s %(count)s rows", item.count or 0)
            % {"action": action_label(item.action), "count": f"{item.count or 0:,}"}
        ]
        if item.total:
            parts[0] += " " + _("of %(total)s") % {"total": f"{item.total:,}"}
        if item.cutoff:
            parts.append(_("dated before %(day)s") % {"day": format_day(item.cutoff)})
        if item.period_text():
            parts.append(item.period_text())
        if item.oldest:
            parts.append(_("oldest %(day)s") % {"day": format_day(item.oldest)})
        if item.guards:
            parts.append(_("after the minimum of %(rules)s") % {"rules": ", ".join(item.guards)})
        if item.no_date:
            parts.append(_("%(count)s without a date (never taken)") % {"count": item.no_date})
        if item.open:
            parts.append(_("%(count)s not ended") % {"count": item.open})
        if item.referenced:
            parts.append(
                _("%(count)s kept while rows that stay refer to them") % {"count": item.referenced}
            )
        if item.stages > 1:
            parts.append(_("stage %(n)s of %(of)s") % {"n": item.stage_number, "of": item.stages})
        if item.examples:
            parts.append(
                _("for example %(keys)s") % {"keys": ", ".join(str(k) for k in item.examples)}
            )
        if item.key in large:
            parts.append(_("more than the set share of the table: needs --confirm"))
        stdout.write(f"{head}  " + "; ".join(parts))
    return problems


class Command(BaseCommand):
    help = "Show, per retention rule, how many rows or items are due and what will happen."

    def add_arguments(self, parser):
        organisation_option(parser)
        language_option(parser)

    def handle(self, *args, org=None, language=None, **options):
        organisation = find_organisation(org)
        with translation.override(language or organisation.default_language):
            self.stdout.write(
                _("Retention plan of %(organisation)s (nothing is changed):")
                % {"organisation": organisation}
            )
            items = build_plan(organisation)
            keys = {item.key for item in large_items(items, organisation)}
            if print_plan(self.stdout, items, keys):
                raise CommandError(_("Some rules cannot be carried out; see above."))
