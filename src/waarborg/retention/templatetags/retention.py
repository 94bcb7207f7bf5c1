"""Labels of retention's codes in the active language, for its pages."""

from django import template
from django.utils.translation import gettext as _

from waarborg.register.models import RetentionRule

register = template.Library()


@register.filter
def action_label(code):
    """'anonymise' -> 'anonimiseren': what happens to the rows."""
    labels = {
        "delete": _("delete"),
        "anonymise": _("anonymise"),
        "restrict": _("restrict"),
    }
    return labels.get(code, code)


@register.filter
def trigger_label(code):
    return dict(RetentionRule.Trigger.choices).get(code, code)


@register.filter
def run_trigger(code):
    """Who or what started a run."""
    labels = {
        "staff": _("started on the retention page"),
        "schedule": _("the nightly schedule"),
        "command": _("the command line"),
        "test": _("a test"),
    }
    return labels.get(code, code)


@register.filter
def skip_reason(item):
    """Why a run's item was skipped, in the reader's language (the run stores the numbers)."""
    share = item.get("share_skipped")
    if not share:
        return item.get("skipped", "")
    text = _(
        "not run: it would take %(count)s of the %(total)s rows of the table (%(share)s%%); "
        "a person must confirm it first"
    )
    return text % share
