"""Periods as people type and read them: '7 jaar' in, 'P7Y' stored, '7 jaar' shown again."""

import re

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from waarborg.core.dates import PeriodField, humanise_duration, parse_period


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("7 jaar", "P7Y"),
        ("5 maanden", "P5M"),
        ("1 jaar en 6 maanden", "P1Y6M"),
        ("18 months", "P18M"),
        ("4 Weken", "P4W"),
        ("30 dagen", "P30D"),
        ("2 years, 3 days", "P2Y3D"),
        ("direct", "P0D"),
        ("at once", "P0D"),
        ("P7Y", "P7Y"),
        ("", ""),
    ],
)
def test_a_period_typed_in_words_is_stored_in_iso(text, iso):
    assert parse_period(text) == iso


@pytest.mark.parametrize(
    "text", ["ooit", "7", "jaar", "7 eeuwen", "7 jaar en 2 jaar", "P", "7 jaar of zo", "-1 jaar"]
)
def test_anything_else_is_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


@given(
    st.sampled_from(["nl", "en"]),
    st.lists(st.integers(0, 99), min_size=4, max_size=4),
)
def test_what_a_period_field_shows_is_read_back_as_the_same_period(language, numbers):
    """The rule once: whatever is stored, the words shown in the form give it back."""
    iso = "P" + "".join(f"{n}{u}" for n, u in zip(numbers, "YMWD", strict=True) if n)
    iso = iso if iso != "P" else "P0D"
    with translation.override(language):
        shown = PeriodField().prepare_value(iso)
        assert not re.search(r"P\d", shown)
        assert parse_period(shown) == iso
        assert shown == humanise_duration(iso)


def test_the_field_gives_a_translated_error():
    from django import forms

    with translation.override("nl"), pytest.raises(forms.ValidationError) as error:
        PeriodField().clean("ooit")
    assert "Schrijf een periode" in str(error.value)
