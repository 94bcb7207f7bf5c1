"""Recognisers for Dutch identifiers in text: BSN (11-proef), IBAN (mod 97), postcode with
house number, KvK number (only with a context word nearby) and date of birth (idem).

A recognised BSN is removed from text before it is indexed or stored (UAVG art. 46: a BSN is
processed only where a law requires it, and an index of mail is no such place).
"""

import re

BSN_MASK = "[BSN]"

_BSN = re.compile(r"(?<![\w.-])(\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3}|\d{9})(?![\w-]|\.\d)")
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


def is_bsn(digits):
    """The 11-proef of a BSN: 9 digits, weights 9..2 and -1 (8-digit numbers are left alone:
    they are KvK numbers far more often than old BSNs)."""
    digits = re.sub(r"\D", "", digits)
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def bsn_spans(text):
    return [m.span() for m in _BSN.finditer(text) if is_bsn(m.group(1))]


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
    found = []
    for match in _IBAN.finditer(text):
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
    for m in _POSTCODE_AFTER.finditer(text):
        found.append((m.group(3) + m.group(4), m.group(1) + (m.group(2) or "").lower(), m.span()))
    for m in _POSTCODE_BEFORE.finditer(text):
        found.append((m.group(1) + m.group(2), m.group(3) + (m.group(4) or "").lower(), m.span()))
    return found


def kvk_numbers(text):
    """8-digit numbers with a KvK context word within 40 characters before them."""
    found = []
    for m in _KVK.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if _KVK_CONTEXT.search(before):
            found.append((m.group(1), m.span()))
    return found


def dates_of_birth(text):
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
