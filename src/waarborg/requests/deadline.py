"""The legal deadline of a data subject request (Art. 12(3) GDPR).

A period of months is counted per Regulation (EEC, Euratom) No 1182/71, art. 3: it ends on the
same date in the last month, or on that month's last day when the date does not exist there; a
period ending on a Saturday, Sunday or public holiday ends on the next working day. The public
holidays are those the Algemene termijnenwet (art. 3) names for legal periods in the Netherlands.
"""

from datetime import date, timedelta
from functools import lru_cache

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta


@lru_cache(maxsize=64)
def holidays(year):
    """Algemene termijnenwet art. 3(1): New Year's Day, Easter Monday, Ascension Day, Whit
    Monday, Christmas and Boxing Day, the King's birthday as celebrated (27 April, or 26 April
    when the 27th is a Sunday) and 5 May. Good Friday is not one."""
    easter_sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return frozenset(
        {
            date(year, 1, 1),
            easter_sunday + timedelta(days=1),
            easter_sunday + timedelta(days=39),
            easter_sunday + timedelta(days=50),
            kings_day,
            date(year, 5, 5),
            date(year, 12, 25),
            date(year, 12, 26),
        }
    )


def is_working_day(day):
    return day.weekday() < 5 and day not in holidays(day.year)


def next_working_day(day):
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def months_after(start, months):
    """The last day of a period of `months` months that starts on the day after `start`
    (Regulation 1182/71 art. 3(2)(c) and 3(4))."""
    return next_working_day(start + relativedelta(months=months))


def due_date(received):
    """Art. 12(3) GDPR: one month after receipt."""
    return months_after(received, 1)


def extended_due_date(received):
    """Art. 12(3) GDPR: extended by two further months, three in all from receipt."""
    return months_after(received, 3)
