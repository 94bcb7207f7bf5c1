import re

from django import template
from django.utils.translation import gettext as _

from waarborg.audit.actions import SYSTEM_ACTOR
from waarborg.core.dates import format_day, format_moment, humanise_duration
from waarborg.core.fields import translated
from waarborg.core.masking import mask_text

register = template.Library()


@register.filter
def masked(value):
    """Text with any password in a URL in it hidden (old audit entries hold some)."""
    return mask_text(value)


@register.filter
def tr(value):
    """The text of a Dutch/English value in the active language."""
    return translated(value)


@register.simple_tag
def term(index, kind, code):
    """The label of a taxonomy code, from a TermIndex."""
    found = index.get(kind, code) if code else None
    return found.label() if found else code or ""


_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


@register.filter
def as_written(value):
    """A value of a record as a person reads it: a date or date and time (a datetime, or text
    that is one in ISO 8601, "2026-05-08", "2026-09-08 10:27:00") as people write it; any
    other value as it is."""
    if isinstance(value, str) and _ISO.fullmatch(value.strip()):
        text = value.strip().replace("Z", "+00:00")
        written = format_day(text) if len(text) == 10 else format_moment(text)
        return written or value
    if hasattr(value, "year"):
        return format_moment(value)
    return value


@register.filter
def day(value):
    """A date (or ISO text) as people write it: '1 december 2026' / '1 December 2026'."""
    return format_day(value)


@register.filter
def moment(value):
    """A date and time as people write it: '1 december 2026, 22:36'."""
    return format_moment(value)


# How the audit trail names a user ("anna@firma.nl (#12)"): the id tells accounts apart in the
# evidence, but is not for people to read.
_ACCOUNT_ID = re.compile(r"\s*\(#\d+\)")


@register.filter
def who(value):
    """Who did something, for people: 'anna@firma.nl (#12)' -> 'anna@firma.nl'; what Waarborg
    did by itself (the trail's "system") in the active language."""
    if not value:
        return ""
    if str(value) == SYSTEM_ACTOR:
        return _("Waarborg (automatically)")
    return _ACCOUNT_ID.sub("", str(value))


@register.filter
def period(value):
    """An ISO 8601 period in words: 'P7Y' -> '7 jaar'."""
    return humanise_duration(value) if value else ""


@register.filter
def count(value):
    """A whole number as people write it: '1.200' / '1,200'; anything else as it is."""
    from django.utils.formats import number_format

    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return number_format(value, force_grouping=True)


@register.filter
def cite(value):
    """An article reference as the active language writes it ("art. 34 lid 1 AVG")."""
    from waarborg.core.citations import cite as in_style

    return in_style(value)


@register.filter
def phone(value):
    """A phone number as people write it: a Dutch one in its national form ("06 12345678"),
    another country's with its code ("+32 2 123 45 67"); text that is no number as it is."""
    import phonenumbers

    if not value:
        return ""
    try:
        number = phonenumbers.parse(str(value), "NL")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_possible_number(number):
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 31
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


@register.filter
def identifiers(values):
    """A request's identifiers ({name: value}) as people write them, joined by commas."""
    return ", ".join(
        phone(value) if name == "phone_number" else str(value) for name, value in values.items()
    )
