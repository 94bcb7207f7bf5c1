"""Recognisers of Dutch identifiers, and the BSN never leaving the text unmasked."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from waarborg.documents import recognise


def bsn_from(eight):
    """A valid BSN from 8 digits, or None when no ninth digit makes one."""
    total = sum(int(d) * w for d, w in zip(eight, range(9, 1, -1), strict=True))
    last = total % 11
    return eight + str(last) if last < 10 and eight != "00000000" else None


def test_11_proef():
    assert recognise.is_bsn("111222333")
    assert recognise.is_bsn("1112.22.333")
    assert not recognise.is_bsn("111222334")
    assert not recognise.is_bsn("000000000")
    assert not recognise.is_bsn("12345678")


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.text(max_size=40))
def test_every_valid_bsn_is_masked(eight, around):
    bsn = bsn_from(eight)
    if bsn is None:
        return
    for written in (bsn, f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}", f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}"):
        text = f"{around} BSN {written} {around}"
        masked, count = recognise.mask_bsn(text)
        assert bsn not in masked.replace(" ", "").replace(".", "")
        assert count >= 1


def test_other_numbers_are_left_alone():
    text = "bel 0612345678 of KvK 12345678, order 111222334"
    assert recognise.mask_bsn(text) == (text, 0)


def test_iban():
    assert recognise.is_iban("NL91ABNA0417164300")
    assert not recognise.is_iban("NL91ABNA0417164301")
    assert [v for v, _ in recognise.ibans("rekening NL91 ABNA 0417 1643 00 graag")] == [
        "NL91ABNA0417164300"
    ]


def test_postcode_with_house_number_either_way():
    found = {(p, h) for p, h, _ in recognise.postcodes("Dorpsstraat 12a, 1234 AB Dorp")}
    assert ("1234AB", "12a") in found
    found = {(p, h) for p, h, _ in recognise.postcodes("postcode 1234AB 7")}
    assert ("1234AB", "7") in found


def test_kvk_needs_a_context_word():
    assert [v for v, _ in recognise.kvk_numbers("KvK-nummer: 12345678")] == ["12345678"]
    assert recognise.kvk_numbers("ordernummer 12345678") == []


def test_date_of_birth_needs_a_context_word():
    assert [v for v, _ in recognise.dates_of_birth("geboren op 3 maart 1981")] == ["3 maart 1981"]
    assert [v for v, _ in recognise.dates_of_birth("Geboortedatum: 03-03-1981")] == ["03-03-1981"]
    assert recognise.dates_of_birth("factuur van 03-03-1981") == []


# The definitions the quick versions keep to: each recogniser as one regex over the whole text.
_BSN_DEFINITION = re.compile(
    r"(?<![\w.-])(\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3}|\d{9})(?![\w-]|\.\d)"
)
identifier_text = st.lists(
    st.one_of(
        st.sampled_from(
            ["111222333", "1112.22.333", "111 222 333", "111.222.333", "NL91ABNA0417164300",
             "NL91 ABNA 0417 1643 00",
             "GB82WEST12345698765432", "xNL91ABNA0417164300", "1234 AB 12", "12a, 1234AB",
             "KvK 12345678", "kvk:",
             "geboren op 3 maart 1980", "Geb. 01-02-1990", "DOB 1990-02-01", "born on", " ",
             ".", "-", "a", "\n", "İ", "ı", "ſ", "K", "@", "x@y.nl", "jan.de.vries@example.nl"]
        ),
        st.text(alphabet="0123456789 .-aZ@", max_size=14),
    ),
    max_size=20,
).map("".join)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(identifier_text)
def test_quick_recognisers_find_what_their_definitions_find(text):
    bsn = [m.span() for m in _BSN_DEFINITION.finditer(text) if recognise.is_bsn(m.group(1))]
    assert recognise.bsn_spans(text) == bsn
    kvk = [
        (m.group(1), m.span())
        for m in recognise._KVK.finditer(text)
        if recognise._KVK_CONTEXT.search(text[max(0, m.start() - 40) : m.start()])
    ]
    assert recognise.kvk_numbers(text) == kvk
    dob = [(m.group(2), m.span(2)) for m in recognise._DOB.finditer(text)]
    assert recognise.dates_of_birth(text) == dob
    postcodes = [
        (m.group(3) + m.group(4), m.group(1) + (m.group(2) or "").lower(), m.span())
        for m in recognise._POSTCODE_AFTER.finditer(text)
    ] + [
        (m.group(1) + m.group(2), m.group(3) + (m.group(4) or "").lower(), m.span())
        for m in recognise._POSTCODE_BEFORE.finditer(text)
    ]
    assert recognise.postcodes(text) == postcodes
    ibans = []
    for match in recognise._IBAN.finditer(text):
        value = match.group(1).replace(" ", "")
        for end in range(len(value), 14, -1):
            if recognise.is_iban(value[:end]):
                ibans.append((value[:end], match.span()))
                break
    assert recognise.ibans(text) == ibans


@settings(max_examples=600, deadline=None)
@given(identifier_text)
def test_quick_address_scan_finds_what_the_regex_finds(text):
    from waarborg.documents import index

    expected = [(m.group(0).lower(), m.span()) for m in index.keyterms._EMAIL.finditer(text)]
    assert index.emails_in(text) == expected
