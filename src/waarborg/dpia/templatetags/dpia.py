from django import template
from django.utils.html import format_html

register = template.Library()

SYMBOLS = {"done": "✓", "needed": "!!", "advisable": "!", "not_needed": "–"}


@register.filter
def dpia_badge(activity):
    """An activity's screening outcome: a coloured label with a symbol, readable without colour
    (one filter rather than an include: the register lists thousands of activities)."""
    return format_html(
        '<span class="dpia dpia-{}" data-outcome="{}"><span aria-hidden="true">{}</span> {}</span>',
        activity.dpia,
        activity.dpia,
        SYMBOLS.get(activity.dpia, "?"),
        activity.get_dpia_display(),
    )
