"""Values of a person's records in the report, as people write them: dates and times in words
of the report's language, anything else as it is."""

from datetime import date, datetime

import pytest
from django.utils import translation

from waarborg.core.templatetags.waarborg import as_written


@pytest.mark.parametrize(
    ("value", "dutch", "english"),
    [
        ("2026-05-08", "8 mei 2026", "8 May 2026"),
        ("2026-09-08 10:27:00", "8 september 2026, 10:27", "8 September 2026, 10:27"),
        ("2026-09-08T10:27", "8 september 2026, 10:27", "8 September 2026, 10:27"),
        (date(2025, 10, 27), "27 oktober 2025", "27 October 2025"),
        (datetime(2025, 10, 27, 9, 5), "27 oktober 2025, 09:05", "27 October 2025, 09:05"),
        ("2026-13-45", "2026-13-45", "2026-13-45"),  # no date: as it is
        ("K-2026-05-08", "K-2026-05-08", "K-2026-05-08"),
        ("06-12345678", "06-12345678", "06-12345678"),
        (0, 0, 0),
        ("", "", ""),
    ],
)
def test_dates_in_words_and_the_rest_as_it_is(value, dutch, english):
    with translation.override("nl"):
        assert as_written(value) == dutch
    with translation.override("en"):
        assert as_written(value) == english
