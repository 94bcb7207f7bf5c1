from django import template

from waarborg.notices.markup import render

register = template.Library()


@register.filter
def own_text(value, top=2):
    """An organisation's own text as safe HTML: headings, lists, emphasis, links."""
    return render(value, int(top))
