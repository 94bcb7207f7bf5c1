"""The template language of letters, sandboxed: a few tags (if, for, with, firstof, comment)
and filters, no {% load %}, {% include %}, {% extends %}, {% url %} or {% debug %}. Letters
are rendered with plain data of the variables they declare, never with model objects."""

from django.template import Library, defaultfilters, defaulttags

from waarborg.core.dates import period_in_words

register = Library()

for _name in ("if", "for", "with", "firstof", "comment"):
    register.tag(_name, defaulttags.register.tags[_name])

for _name in (
    "date",
    "join",
    "default",
    "default_if_none",
    "length",
    "upper",
    "lower",
    "capfirst",
    "title",
    "yesno",
    "pluralize",
    "first",
    "last",
):
    register.filter(_name, defaultfilters.register.filters[_name])


@register.filter
def period(duration, trigger=""):
    """{{ rule.duration|period:rule.trigger }}: 'P7Y' -> '7 jaar na het einde van het boekjaar'."""
    return period_in_words(duration, trigger)
