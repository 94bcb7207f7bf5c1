from django.core.management.base import BaseCommand

from waarborg.register.management.commands._org import find_organisation, organisation_option
from waarborg.retention.actions import build_plan


def print_plan(stdout, items):
    for item in items:
        rule = item.rule.key if item.rule else item.builtin
        if item.problem:
            stdout.write(f"  {item.label}  [{rule}]  -- {item.problem}")
            continue
        if item.note:
            stdout.write(f"  {item.label}  [{rule}]  {item.note}")
            continue
        if item.kind == "review":
            state = "review due" if item.count else "reviewed"
            stdout.write(f"  {item.label}  [{rule}]  {state}: delete by hand, then confirm")
            continue
        when = f" (before {item.cutoff:%Y-%m-%d})" if item.cutoff else ""
        span = f", oldest {item.oldest}" if item.oldest else ""
        guard = f", after the minimum of {', '.join(item.guards)}" if item.guards else ""
        stdout.write(
            f"  {item.label}  [{rule}]  {item.action} {item.count or 0:,} row(s){when}{span}{guard}"
        )


class Command(BaseCommand):
    help = "Show, per retention rule, how many rows or items are due and what will happen."

    def add_arguments(self, parser):
        organisation_option(parser)

    def handle(self, *args, org=None, **options):
        organisation = find_organisation(org)
        self.stdout.write(f"Retention plan of {organisation} (nothing is changed):")
        print_plan(self.stdout, build_plan(organisation))
