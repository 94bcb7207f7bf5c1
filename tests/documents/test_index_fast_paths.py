"""The short cuts of the index and the look-up give what the slow way gives: phone numbers found
line by line as phonenumbers finds them in the whole text, the digit test of a look-up never
skipping a text that holds the number, and identifier hits found past a crowd of name hits."""

import sqlite3

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from waarborg.documents import index, matching, recognise

NUMBERS = ["+31612345678", "+31205301234", "+441632960123", "+3215123456", "+4930123456"]


def reference(text, region="NL"):
    """phonenumbers' matcher over the whole text, as phones_in worked before."""
    return [
        (
            phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164),
            (m.start, m.end),
        )
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    ]


def written(number, style):
    parsed = phonenumbers.parse(number)
    formats = [
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.E164,
    ]
    text = phonenumbers.format_number(parsed, formats[style % 3])
    return text.replace(" ", "-") if style >= 3 else text


pieces = st.one_of(
    st.sampled_from(["\n", " ", "  ", "-", ".", "/", "(", ")", "+", "x", "ext. ", "%", "€",
                     ":", ",", "Tel. ", "abc", "12:30", "2024", "1234 AB", "0031 ", "(0)"]),
    st.text(alphabet="0123456789 -.\n", min_size=1, max_size=12),
    st.builds(written, st.sampled_from(NUMBERS), st.integers(0, 5)),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(pieces, max_size=30).map("".join))
def test_phones_in_finds_what_the_matcher_finds_in_the_whole_text(text):
    assert index.phones_in(text) == reference(text)


def test_phones_in_on_a_signature_and_a_quoted_reply():
    text = (
        "Beste Jan,\n\nBel me op 06-12345678 of (020) 530 1234, niet na 17:30.\n"
        "Factuur F2025-2885 van EUR 2687,62; IBAN NL91ABNA0417164300.\n"
        "> Op 3 maart 2025 schreef Jan <jan@example.nl>:\n> +31 (0)6 1234 5678\n"
        "UK: +44 1632 960123, intern: toestel 12345"
    )
    found = index.phones_in(text)
    assert found == reference(text)
    assert {number for number, _ in found} >= {"+31612345678", "+31205301234"}


def test_the_fewest_digits_of_a_valid_number():
    assert index.min_digits("NL") == 5
    # no valid Dutch number is shorter; the shortest international one has more
    assert not phonenumbers.is_valid_number(phonenumbers.parse("1234", "NL"))


@given(st.sampled_from(NUMBERS), st.integers(0, 5), st.text(max_size=40), st.text(max_size=40))
def test_the_digit_test_never_skips_a_text_that_holds_the_number(number, style, before, after):
    text = f"{before}\n{written(number, style)}\n{after}"
    nationals = matching.wanted({"phone_number": [number]}).nationals
    if number in {n for n, _ in index.phones_in(text)}:
        assert matching._may_hold(text, nationals)


def test_the_digit_test_skips_a_text_without_the_number():
    nationals = matching.wanted({"phone_number": ["06 12345678"]}).nationals
    assert not matching._may_hold("Bel 06-87654321 of 020-5301234", nationals)
    assert matching._may_hold("Bel +31 (0)6 1234 5678", nationals)


@pytest.fixture
def crowded_index(settings, tmp_path):
    """Thirty items that name only the surname (the firm carries it), then the person's own."""
    settings.DATA_DIR = tmp_path
    items = [(f"firm-{i}", f"Hoekstra Administratie B.V., brief {i}") for i in range(30)]
    items.append(("own", "Van: anais@example.nl\nMet vriendelijke groet, Anaïs Hoekstra"))
    items.append(("other", "Van: someone@example.nl\nBel 06-12345678"))
    texts = dict(items)

    def load(refs):
        for ref in refs:
            yield index.Item(ref, "1", {"kind": "file", "title": ref}, texts[ref])

    index.update(7, [(ref, "1") for ref, _ in items], load)
    return 7


def test_identifier_hits_are_found_past_a_crowd_of_name_hits(crowded_index):
    identities = {"email": ["anais@example.nl"], "name": ["Anaïs Hoekstra"]}
    hits = matching.find([crowded_index], identities, limit=5)
    assert hits[0].ref == "own" and hits[0].matched == ["email", "name"]
    assert len(hits) == 5
    # without a limit that bites, the same hits as one query gives
    everything = matching.find([crowded_index], identities)
    assert {hit.ref for hit in everything} == {f"firm-{i}" for i in range(30)} | {"own"}


def test_a_full_name_comes_before_the_bare_surname(crowded_index):
    hits = matching.find([crowded_index], {"name": ["Anaïs Hoekstra"]}, limit=3)
    assert "own" in {hit.ref for hit in hits}


def test_another_persons_number_finds_nothing(crowded_index):
    assert matching.find([crowded_index], {"phone_number": ["06 87654321"]}) == []
    hits = matching.find([crowded_index], {"phone_number": ["+31 6 12345678"]})
    assert [hit.ref for hit in hits] == ["other"]


NAMES = [
    "Jan de Vries",
    "Anaïs Lucas Hoekstra",
    "Mirjam 't Hart",
    "de Vries, Jan",
    "Kok",
    "Iris Kış",
]
name_pieces = st.one_of(
    st.sampled_from(["Jan", "J.", "J. P.", "de", "De", "Vries", "VRIES", "vries,", "Hoekstra",
                     "Anaïs", "A.", "'t", "Hart", "Mirjam", "M.", "mevrouw", "Mr.", "dhr.",
                     "de heer", "Kok", "KOK", "Kış", "KIŞ", "İris", "ſ", "x", ",", ".", " ",
                     "\n", "-", "aan", "Iris"]),
    st.text(max_size=4),
)  # fmt: skip


def slow_names(full, text):
    return [(m.span(), c) for p, c in matching.name_patterns(full) for m in p.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(NAMES), st.lists(name_pieces, max_size=25).map(" ".join))
def test_the_quick_name_scan_finds_what_name_patterns_find(full, text):
    quick = [(m.span(), c) for m, c in matching.name_scan(full).finditer(text)]
    assert quick == slow_names(full, text)


def test_the_quick_name_scan_on_written_forms():
    text = "Geachte mevrouw De Vries,\nJ. de Vries, Vries, Jan de; xJan de Vries; Jan de Vriesje"
    for full in NAMES:
        quick = [(m.span(), c) for m, c in matching.name_scan(full).finditer(text)]
        assert quick == slow_names(full, text)
    assert len(slow_names("Jan de Vries", text)) >= 4


# Dutch numbers as people write them, valid or not (a random national number is mostly not),
# with what may stand beside them: the fast path of phones_in turns these into E.164 itself
def dutch_written(national, style, separators, extra):
    groups, rest = [], national
    for size in separators:
        if rest:
            groups.append(rest[:size])
            rest = rest[size:]
    groups.append(rest)
    sep = ["", " ", "-", "  ", ".", "/"][extra % 6]
    body = sep.join(g for g in groups if g)
    prefix = [
        "0",
        "+31 ",
        "+31",
        "0031 ",
        "+31 (0)",
        "0031-",
        "+31 0",
        "+31-",
        "00 31 ",
        "(0",
    ][style % 10]
    if prefix == "(0":
        return f"(0{national[:2]}) {national[2:]}"
    return prefix + body


nationals = st.one_of(
    st.sampled_from(["612345678", "205301234", "101234567", "704567890", "858765432",
                     "800123456", "900123456", "880123456", "612", "6123456789", "20530123"]),
    st.text(alphabet="0123456789", min_size=5, max_size=11),
)  # fmt: skip
dutch_numbers = st.builds(
    dutch_written,
    nationals,
    st.integers(0, 9),
    st.lists(st.integers(1, 4), max_size=5),
    st.integers(0, 5),
)
beside = st.sampled_from(
    ["", " ", "\t", "\n", "Tel: ", "tel.", "Mobiel ", "(", ")", "+", "x", " x ", "ext. 12", "#",
     "a", "é", "€", "%", ",", ", ", ".", ". ", ";", ";ext=5", ":", "-", "K-", "/", " 12#",
     "06", "1234", " 1234 AB", "12:30", "[", "]", "＋", "（", "int", "２", "\u00a0"]
)  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.one_of(beside, dutch_numbers), max_size=12).map("".join))
def test_the_fast_path_gives_the_matchers_numbers_for_dutch_notations(text):
    assert index.phones_in(text) == reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "06-12345678",
        "06 1234 5678",
        "+31 6 12345678",
        "0031 6 12345678",
        "(020) 530 1234",
        "020-5301234",
        "+31 (0)20 530 1234",
        "Bel 06 12 34 56 78.",
        "Factuur F2025-0488, bel 06-12345678 of 020 530 1234; dank",
    ],
)
def test_dutch_notations_need_no_matcher(text, monkeypatch):
    expected = reference(text)
    assert expected
    index.forget_lines()

    def refused(*args):
        raise AssertionError("the matcher was asked")

    monkeypatch.setattr(index.keyterms, "_line_matches", refused)
    monkeypatch.setattr(index.keyterms, "_token_matches", refused)
    assert index.phones_in(text) == expected


def test_the_key_term_of_this_process_and_of_a_preparer_is_the_keyed_hash(settings):
    """An index written by a preparing process is found by this one's look-ups, and an index
    written before (keyed_hash) by both: the same term for the same value."""
    from waarborg.core.crypto import keyed_hash
    from waarborg.documents import index

    index.forget_lines()
    preparer = index.Preparer.of_installation()
    for kind, value in (("e", "jan@devries.example"), ("p", "+31612345678")):
        expected = kind + keyed_hash(value, index.KEY_PURPOSE)[:24]
        assert index.key_token(kind, value) == expected == preparer.token(kind, value)


IBANS = [
    "NL91ABNA0417164300",
    "NL20INGB0001234567",
    "BE68539007547034",
    "DE89370400440532013000",
    "GB82WEST12345698765432",
    "FR1420041010050500013M02606",
    "MT84MALT011000012345MTLCAST001S",
]


def iban_written(value, cuts):
    """The IBAN in groups of four, a space after the groups `cuts` picks."""
    groups = [value[start : start + 4] for start in range(0, len(value), 4)]
    out = groups[0]
    for number, group in enumerate(groups[1:]):
        out += (" " if cuts >> number & 1 else "") + group
    return out


iban_pieces = st.one_of(
    st.sampled_from([" ", "\n", "-", ".", "_", "/", "é", "NL", "00", "AB", "1", "x", "IBAN: ",
                     "rekening ", "ABNA", "0417", "2024"]),
    st.text(alphabet="ABNL0123456789 ._-é", min_size=1, max_size=8),
    st.builds(iban_written, st.sampled_from(IBANS), st.integers(0, 255)),
)  # fmt: skip


def matches(text, query):
    connection = sqlite3.connect(":memory:")
    connection.executescript(index.SCHEMA)
    connection.execute("INSERT INTO terms(rowid, body, keys) VALUES (1, ?, '')", (text,))
    return bool(connection.execute("SELECT 1 FROM terms WHERE terms MATCH ?", (query,)).fetchall())


@settings(max_examples=300, deadline=None)
@given(st.lists(iban_pieces, max_size=12).map("".join))
def test_the_iban_query_finds_every_text_the_recogniser_finds_the_iban_in(text):
    """An IBAN is no key term: the words of the text (as the index holds them, BSNs masked)
    must find every item in which recognise.ibans then finds it, however it is written."""
    text, _ = recognise.mask_bsn(text)
    for value, _ in recognise.ibans(text):
        assert matches(text, index.iban_query(value)), (value, text)


def test_the_iban_query_on_written_forms():
    value = "NL91ABNA0417164300"
    for text in ["rek. NL91 ABNA 0417 1643 00.", "NL91ABNA0417164300", "IBAN:NL91 ABNA0417164300",
                 "NL91ABNA04171643001234 (sic)", "nl91 abna 0417 1643 00"]:  # fmt: skip
        assert matches(text, index.iban_query(value)), text
    # another account, or the number without its country and check digits, is no candidate
    for text in ["NL91 ABNA 0417 1643 01", "ABNA 0417 1643 00", "NL91 ABNA 0417 16 43 00"]:
        assert not matches(text, index.iban_query(value)), text
    assert index.iban_query("NL91 ABNA 0417 1643 00") == index.iban_query(value)
    assert index.iban_query("geen iban") == "" and index.iban_query('NL91"ABNA0417164300') == ""


def test_a_look_up_by_iban_finds_it_in_groups(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    texts = {"a.txt": "Graag op NL91 ABNA 0417 1643 00 t.n.v. J. Jansen.", "b.txt": "Iets anders."}

    def load(refs):
        for ref in refs:
            yield index.Item(ref, "1", {}, texts[ref])

    index.update(5, [(ref, "1") for ref in texts], load)
    hits = matching.find([5], {"iban": ["NL91ABNA0417164300"]})
    assert [(hit.ref, hit.matched) for hit in hits] == [("a.txt", ["iban"])]
    assert matching.find([5], {"iban": ["NL20INGB0001234567"]}) == []
