"""Periods and dates: ISO 8601 durations of the register, and where a period ends."""

import re
from datetime import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def parse_duration(text):
    """'P7Y' -> relativedelta(years=7); 'P1Y6M', 'P4W', 'P0D' likewise. ValueError otherwise."""
    match = DURATION.match((text or "").strip())
    if not match or text.strip() == "P":
        raise ValueError(f"not an ISO 8601 period of years, months, weeks and days: {text!r}")
    years, months, weeks, days = (int(part or 0) for part in match.groups())
    return relativedelta(years=years, months=months, weeks=weeks, days=days)


def cutoff(now, duration, trigger=""):
    """The moment before which a date's period has ended at `now` (a naive local datetime).

    Counted from the date itself, except for `end_of_fiscal_year`: then the period starts at
    the end of the date's (calendar) year, so invoices of 2019 kept 7 years may go in 2027.
    """
    moment = now - parse_duration(duration)
    if trigger == "end_of_fiscal_year":
        return datetime(moment.year, 1, 1)
    return moment


def humanise_duration(duration):
    """'P7Y' -> '7 jaar', 'P1Y6M' -> '1 jaar en 6 maanden', 'P0D' -> 'direct' (in the active
    language): how a person reads a period, never 'P7Y'."""
    parts = {unit: int(number) for number, unit in re.findall(r"(\d+)([YMWD])", duration or "")}
    if not any(parts.values()):
        return _("at once")
    words = {
        "Y": (_("%(n)s year"), _("%(n)s years")),
        "M": (_("%(n)s month"), _("%(n)s months")),
        "W": (_("%(n)s week"), _("%(n)s weeks")),
        "D": (_("%(n)s day"), _("%(n)s days")),
    }
    pieces = [
        (words[unit][0] if count == 1 else words[unit][1]) % {"n": count}
        for unit in "YMWD"
        if (count := parts.get(unit))
    ]
    return (" " + _("and") + " ").join(pieces)


# The words a person types for a unit of time, Dutch and English, whatever the page's language.
_UNITS = {
    "Y": ("j", "jr", "jaar", "jaren", "y", "yr", "yrs", "year", "years"),
    "M": ("mnd", "maand", "maanden", "m", "mo", "month", "months"),
    "W": ("w", "wk", "week", "weken", "weeks"),
    "D": ("d", "dag", "dagen", "day", "days"),
}
_UNIT_OF = {word: unit for unit, words in _UNITS.items() for word in words}
_AT_ONCE = {"direct", "meteen", "onmiddellijk", "at once", "immediately", "0"}
_PART = re.compile(r"(\d+)\s*([a-z]+)")


def parse_period(text):
    """A period as a person types it -> ISO 8601: '7 jaar' -> 'P7Y', '1 jaar en 6 maanden'
    -> 'P1Y6M', '4 weeks' -> 'P4W', 'direct' -> 'P0D'. An ISO period is taken as it is.
    ValueError for anything else; '' for an empty text."""
    words = " ".join((text or "").lower().split())
    if not words:
        return ""
    if DURATION.match(words.upper()) and words != "p":
        return words.upper()
    if words in _AT_ONCE or words == _("at once").lower():
        return "P0D"
    counts = {}
    if re.sub(r"\b(?:en|and)\b|[,+]", " ", _PART.sub(" ", words)).strip():
        raise ValueError(f"not a period: {text!r}")
    for number, word in _PART.findall(words):
        unit = _UNIT_OF.get(word)
        if unit is None or unit in counts:
            raise ValueError(f"not a period: {text!r}")
        counts[unit] = int(number)
    if not counts:
        raise ValueError(f"not a period: {text!r}")
    iso = "P" + "".join(f"{counts[unit]}{unit}" for unit in "YMWD" if unit in counts)
    return iso if any(counts.values()) else "P0D"


def period_for_input(duration):
    """What a period field shows: the stored ISO period in words ('7 jaar'), as typed back."""
    if not duration or not DURATION.match(duration):
        return duration or ""
    return humanise_duration(duration)


def period_in_words(duration, trigger=""):
    """'P7Y', 'end_of_fiscal_year' -> '7 jaar na het einde van het boekjaar': a retention
    period with the moment it counts from, as a letter or a page says it."""
    after = {
        "collected": _("after collection"),
        "last_contact": _("after the last contact"),
        "end_of_relationship": _("after the end of the relationship"),
        "end_of_fiscal_year": _("after the end of the financial year"),
        "consent_withdrawn": _("after the withdrawal of consent"),
        "unsubscribed": _("after unsubscribing"),
    }
    if not duration:  # a scheme or contract sets the period, not recorded here
        return _("as the scheme or contract that applies sets it")
    words = humanise_duration(duration)
    if not any(int(n) for n in re.findall(r"\d+", duration or "")):
        when = {
            "collected": _("at collection"),
            "last_contact": _("at the last contact"),
            "end_of_relationship": _("at the end of the relationship"),
            "end_of_fiscal_year": _("at the end of the financial year"),
            "consent_withdrawn": _("when consent is withdrawn"),
            "unsubscribed": _("on unsubscribing"),
        }
        return when.get(trigger, words)
    return f"{words} {after[trigger]}" if trigger in after else words


# Who a person is to the organisation while a relationship lasts, by group of people.
RELATIONSHIP_GROUPS = {
    "customer": "customer",
    "employee": "employee",
    "patient": "patient",
    "job_applicant": "applicant",
}


def _while(kind):
    return {
        "customer": (
            _("as long as you are a customer"),
            _("as long as you are a customer, and %(period)s after that"),
        ),
        "employee": (
            _("as long as you work for us"),
            _("as long as you work for us, and %(period)s after that"),
        ),
        "patient": (
            _("as long as you are in our care"),
            _("as long as you are in our care, and %(period)s after that"),
        ),
        "applicant": (
            _("until the application procedure ends"),
            _("%(period)s after the application procedure ends"),
        ),
        "": (
            _("as long as our relationship lasts"),
            _("as long as our relationship lasts, and %(period)s after that"),
        ),
        "unsubscribed": (
            _("until you unsubscribe"),
            _("until you unsubscribe, and %(period)s after that"),
        ),
        "consent_withdrawn": (
            _("until you withdraw your consent"),
            _("until you withdraw your consent, and %(period)s after that"),
        ),
    }[kind]


def kept_for(duration, trigger, groups=()):
    """How long data is kept, said to the person whose data they are: 'P0D', 'unsubscribed'
    -> 'tot u zich afmeldt'; 'P2Y', 'end_of_relationship', ['customer'] -> 'zolang u klant
    bent, en daarna 2 jaar'. The relationship is named when every group of people shares it."""
    some = any(int(n) for n in re.findall(r"\d+", duration or ""))
    period = humanise_duration(duration)
    if trigger in ("unsubscribed", "consent_withdrawn", "end_of_relationship"):
        kind = trigger
        if trigger == "end_of_relationship":
            kinds = {RELATIONSHIP_GROUPS.get(group, "") for group in groups}
            kind = kinds.pop() if len(kinds) == 1 else ""
        until, and_after = _while(kind)
        return and_after % {"period": period} if some else until
    if some and trigger == "last_contact":
        return _("%(period)s after your last contact with us") % {"period": period}
    if some and trigger == "collected":
        return _("%(period)s after we receive it") % {"period": period}
    return period_in_words(duration, trigger)


def as_moment(value):
    """A date or datetime from a value stored as text (ISO 8601) or as it is; None if none."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return value


def format_day(value):
    """'1 december 2026' / '1 December 2026': a date as people write it, in the active
    language; text that is no date is returned as it is."""
    from django.utils.formats import date_format

    moment = as_moment(value)
    if moment is None:
        return value if isinstance(value, str) else ""
    if hasattr(moment, "hour"):
        from django.utils import timezone

        if timezone.is_aware(moment):  # the day it was here, not in UTC
            moment = timezone.localtime(moment)
    return date_format(moment, "j F Y")


def format_moment(value):
    """'1 december 2026, 22:36': a date and time as people write it."""
    from django.utils.formats import date_format

    moment = as_moment(value)
    if moment is None:
        return value if isinstance(value, str) else ""
    if not hasattr(moment, "hour"):
        return date_format(moment, "j F Y")
    from django.utils import timezone

    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "j F Y, H:i")


class PeriodField(forms.CharField):
    """A period typed and shown in words ('7 jaar', '5 maanden', '1 jaar en 6 maanden'),
    stored as ISO 8601 ('P7Y'): a person never reads or types 'P7Y'."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        return period_for_input(value) if isinstance(value, str) else value

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return parse_period(text)
        except ValueError:
            raise forms.ValidationError(
                gettext_lazy("Write a period such as 30 days, 6 months or 7 years."),
                code="period",
            ) from None
