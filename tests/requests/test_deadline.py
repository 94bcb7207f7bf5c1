"""The deadline rule: one month per Regulation 1182/71, moved past weekends and the holidays of
the Algemene termijnenwet."""

from datetime import date, timedelta

import pytest
from dateutil.easter import easter

from waarborg.requests.deadline import (
    due_date,
    extended_due_date,
    holidays,
    is_working_day,
    next_working_day,
)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 10), date(2026, 4, 10)),  # Friday: same date next month
        (date(2026, 1, 31), date(2026, 3, 2)),  # 28 Feb 2026 is a Saturday -> Monday 2 March
        (date(2027, 1, 29), date(2027, 3, 1)),  # no 29 Feb 2027 -> 28 Feb, a Sunday -> 1 March
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year: the last day, a Tuesday
        (date(2026, 5, 31), date(2026, 6, 30)),  # no 31 June -> 30 June
        (date(2026, 8, 31), date(2026, 9, 30)),
        (date(2026, 10, 31), date(2026, 11, 30)),
        (date(2026, 12, 31), date(2027, 2, 1)),  # 31 Jan 2027 is a Sunday -> Monday 1 Feb
    ],
)
def test_month_ends(received, due):
    assert due_date(received) == due


def test_weekend_moves_to_monday():
    assert due_date(date(2026, 9, 12)) == date(2026, 10, 12)  # 12 Oct 2026 is a Monday
    assert due_date(date(2026, 9, 17)) == date(2026, 10, 19)  # Sat 17 Oct -> Mon 19 Oct
    assert due_date(date(2026, 9, 18)) == date(2026, 10, 19)  # Sun 18 Oct -> Mon 19 Oct


YEARS = range(2024, 2036)


def _named_holidays(year):
    sunday = easter(year)
    kings = date(year, 4, 27) if date(year, 4, 27).weekday() != 6 else date(year, 4, 26)
    return {
        "new_year": date(year, 1, 1),
        "easter_monday": sunday + timedelta(days=1),
        "ascension": sunday + timedelta(days=39),
        "whit_monday": sunday + timedelta(days=50),
        "kings_day": kings,
        "liberation_day": date(year, 5, 5),
        "christmas": date(year, 12, 25),
        "boxing_day": date(year, 12, 26),
    }


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(
    "name",
    [
        "new_year",
        "easter_monday",
        "ascension",
        "whit_monday",
        "kings_day",
        "liberation_day",
        "christmas",
        "boxing_day",
    ],
)
def test_every_holiday_moves_the_deadline(year, name):
    """A request received one month before a holiday that falls on a working day is due on
    the next working day after it, never on the holiday itself."""
    day = _named_holidays(year)[name]
    assert day in holidays(year)
    assert not is_working_day(day)
    # (Easter Monday 2027 is 29 March: from 28 February the month ends on Sunday 28 March,
    # and moves past the holiday too)
    received = day - relativedelta_month()
    due = due_date(received)
    assert due > day
    assert is_working_day(due)
    assert all(not is_working_day(day + timedelta(days=n)) for n in range((due - day).days))


def relativedelta_month():
    from dateutil.relativedelta import relativedelta

    return relativedelta(months=1)


def test_known_holiday_dates():
    assert date(2026, 4, 6) in holidays(2026)  # Easter Monday 2026
    assert date(2026, 5, 14) in holidays(2026)  # Ascension Day 2026
    assert date(2026, 5, 25) in holidays(2026)  # Whit Monday 2026
    assert date(2025, 4, 26) in holidays(2025)  # King's Day on Saturday 26 April: 27th a Sunday
    assert date(2025, 4, 27) not in holidays(2025)
    assert date(2030, 5, 5) in holidays(2030)  # 5 May every year, not only every fifth


def test_good_friday_is_not_a_holiday():
    for year in YEARS:
        good_friday = easter(year) - timedelta(days=2)
        assert good_friday not in holidays(year)
        assert is_working_day(good_friday)


def test_chained_holidays_and_weekend():
    # Christmas 2026 is a Friday, Boxing Day a Saturday: due on Monday 28 December.
    assert due_date(date(2026, 11, 25)) == date(2026, 11, 25).replace(month=12, day=28)
    # 1 January 2027 is a Friday: a request of 1 December 2026 is due Monday 4 January.
    assert due_date(date(2026, 12, 1)) == date(2027, 1, 4)


def test_next_working_day_is_identity_on_working_days():
    assert next_working_day(date(2026, 11, 23)) == date(2026, 11, 23)


def test_extension_is_three_months_from_receipt():
    assert extended_due_date(date(2026, 3, 10)) == date(2026, 6, 10)
    assert extended_due_date(date(2026, 2, 2)) == date(2026, 5, 4)  # 2 May 2026 is a Saturday
