"""Periods and dates: ISO 8601 durations of the register, and where a period ends."""

import re
from datetime import datetime

from dateutil.relativedelta import relativedelta

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
