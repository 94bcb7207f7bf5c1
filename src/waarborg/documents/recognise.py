"""Recognisers for Dutch identifiers in text: BSN (11-proef), IBAN (mod 97), postcode with
house number, KvK number (only with a context word nearby) and date of birth (idem).

A recognised BSN is removed from text before it is indexed or stored (UAVG art. 46: a BSN is
processed only where a law requires it, and an index of mail is no such place).
"""

import re

BSN_MASK = "[BSN]"

# The notations of a BSN, not preceded by a word character, a dot or a hyphen. Python's re tries
# a leading look-behind at every position of a text; without it the search skips to the next
# digit in C, so _BSN_NOTATION finds the candidates and bsn_spans checks the character before
# each (the same matches as with the look-behind in the pattern).
_BSN_NOTATION = re.compile(r"(\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3}|\d{9})(?![\w-]|\.\d)")
_NOT_BEFORE_BSN = re.compile(r"[\w.-]")
# where a notation can begin: a digit with eight digits, dots or spaces after it (a class, which
# re scans for quickly, where the alternatives of the notation are slow to try at each digit)
_BSN_START = re.compile(r"\d[\d. ]{8}")
_IBAN = re.compile(r"\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b")
_POSTCODE_AFTER = re.compile(r"\b(\d{1,5}) ?([a-zA-Z])?\s*,?\s*([1-9]\d{3}) ?([A-Z]{2})\b")
_POSTCODE_BEFORE = re.compile(r"\b([1-9]\d{3}) ?([A-Z]{2})\s*,?\s+(\d{1,5})(?: ?([a-zA-Z]))?\b")
_KVK = re.compile(r"(?<!\d)(\d{8})(?!\d)")
_KVK_CONTEXT = re.compile(
    r"(kvk|k\.v\.k\.|kamer van koophandel|handelsregister|chamber of commerce|coc)", re.I
)
_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|may|june|july|august|october"
)
_DATE = (
    r"(\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}"
    rf"|\d{{1,2}} (?:{_MONTHS}) (?:19|20)\d{{2}}"
    r"|(?:19|20)\d{2}-\d{2}-\d{2})"
)
_DOB = re.compile(
    r"(geboren(?: op)?|geboortedatum|geb\.|date of birth|born(?: on)?|d\.o\.b\.|dob)\s*:?\s*"
    + _DATE,
    re.I,
)


# Quick tests of whether a recogniser can find anything at all: the patterns above begin with a
# word boundary or a group of alternatives, which Python's re tries at every position of a text;
# these begin with a character class or are plain words, which it skips through in C.
_IBAN_START = re.compile(r"[A-Z]{2}\d{2}")
_POSTCODE = re.compile(r"[1-9]\d{3} ?[A-Z]{2}\b")
_DOB_WORDS = ("geboren", "geboortedatum", "geb.", "date of birth", "born", "d.o.b.", "dob")
_ODD_CASES = re.compile("[\u0130\u0131\u017f\u212a]")  # letters re.I folds to ASCII ones


def _may_name(text, words):
    """Whether a text can hold one of these (lower-case, ASCII) words as re.I matches them."""
    if _ODD_CASES.search(text):
        return True
    lowered = text.lower()
    return any(word in lowered for word in words)


def is_bsn(digits):
    """The 11-proef of a BSN: 9 digits, weights 9..2 and -1 (8-digit numbers are left alone:
    they are KvK numbers far more often than old BSNs)."""
    digits = re.sub(r"\D", "", digits)
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def bsn_spans(text):
    """Where a BSN is written: a notation of nine digits that passes the 11-proef."""
    spans, position = [], 0
    while begin := _BSN_START.search(text, position):
        start = begin.start()
        match = _BSN_NOTATION.match(text, start)
        if not match or (start and _NOT_BEFORE_BSN.match(text, start - 1)):
            position = start + 1
            continue
        if is_bsn(match.group(1)):
            spans.append(match.span())
        position = match.end()
    return spans


def mask_bsn(text):
    """The text with every recognised BSN replaced by [BSN], and how many there were."""
    spans = bsn_spans(text)
    if not spans:
        return text, 0
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(BSN_MASK)
        last = end
    parts.append(text[last:])
    return "".join(parts), len(spans)


def is_iban(value):
    value = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", value):
        return False
    if value.startswith("NL") and not re.fullmatch(r"NL\d{2}[A-Z]{4}\d{10}", value):
        return False
    moved = value[4:] + value[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def ibans(text):
    found, position = [], 0
    # an IBAN begins where _IBAN_START matches: tried there only (as _IBAN.finditer would find)
    while start := _IBAN_START.search(text, position):
        match = _IBAN.match(text, start.start())
        if not match:
            position = start.start() + 1
            continue
        position = match.end()
        value = match.group(1).replace(" ", "")
        # the regex is greedy over groups of four: try shorter tails as well
        for end in range(len(value), 14, -1):
            if is_iban(value[:end]):
                found.append((value[:end], match.span()))
                break
    return found


def postcodes(text):
    """(postcode "1234AB", house number "12a") pairs, in either order."""
    found = []
    if not _POSTCODE.search(text):
        return found
    for m in _POSTCODE_AFTER.finditer(text):
        found.append((m.group(3) + m.group(4), m.group(1) + (m.group(2) or "").lower(), m.span()))
    for m in _POSTCODE_BEFORE.finditer(text):
        found.append((m.group(1) + m.group(2), m.group(3) + (m.group(4) or "").lower(), m.span()))
    return found


def kvk_numbers(text):
    """8-digit numbers with a KvK context word within 40 characters before them."""
    found = []
    if not _KVK_CONTEXT.search(text):
        return found
    for m in _KVK.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if _KVK_CONTEXT.search(before):
            found.append((m.group(1), m.span()))
    return found


def dates_of_birth(text):
    if not _may_name(text, _DOB_WORDS):
        return []
    return [(m.group(2), m.span(2)) for m in _DOB.finditer(text)]


def recognised(text):
    """What identifiers a text holds, as counts per kind (for the hit list; never the values)."""
    counts = {
        "iban": len(ibans(text)),
        "postcode": len(postcodes(text)),
        "kvk": len(kvk_numbers(text)),
        "date_of_birth": len(dates_of_birth(text)),
    }
    return {kind: count for kind, count in counts.items() if count}
