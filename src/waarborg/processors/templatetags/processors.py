from django import template

from waarborg.core.fields import translated

register = template.Library()


@register.filter
def lang(value, language):
    """A {"nl": ..., "en": ...} text in the given language (falling back to Dutch)."""
    return translated(value, language)


@register.filter
def get(mapping, key):
    return mapping.get(key, "")
