from django import template

from waarborg.core.fields import translated

register = template.Library()


@register.filter
def tr(value):
    """The text of a Dutch/English value in the active language."""
    return translated(value)


@register.simple_tag
def term(index, kind, code):
    """The label of a taxonomy code, from a TermIndex."""
    found = index.get(kind, code) if code else None
    return found.label() if found else code or ""
