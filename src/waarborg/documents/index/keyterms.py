"""The key terms of an item: its e-mail addresses and phone numbers as keyed hashes, found in
its text quickly and exactly as phonenumbers' matcher and the address pattern find them."""

import hashlib
import hmac
import re
from functools import lru_cache

import phonenumbers
from django.conf import settings
from phonenumbers import phonenumberutil

from waarborg.core import crypto

KEY_PURPOSE = "document-index-key"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def key_token(kind, value):
    return _key_token(kind, value, settings.SECRET_KEY)


# an address or number comes back in many items: hashed once per run (forget_lines() after
# it, so no address stays in a worker's memory)
@lru_cache(maxsize=65536)
def _key_token(kind, value, secret):
    return token_with(crypto.hash_key(KEY_PURPOSE), kind, value)


def token_with(key, kind, value):
    """The key term of an address, number or IBAN: its kind and a keyed hash of it (with
    crypto.hash_key(KEY_PURPOSE), as keyed_hash makes it), shortened: one formula for the
    index and its look-ups, in this process or a preparing one."""
    return kind + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:24]


def email_key(address):
    return key_token("e", address.strip().lower())


def phone_key(number):
    return key_token("p", number)


def normal_phone(text, region="NL"):
    """E.164 of a phone number as a person types it, or None."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Digits joined by what phonenumbers allows between them (at most four of its punctuation
# characters, a leading plus or bracket). Its matcher never looks across a line break, so a line
# without such a run of min_digits() digits holds no valid number: phones_in reads only the
# other lines, with the same result and a fraction of the parsing (most digits in mail are
# dates, amounts and house numbers).
_DIGIT_RUN = re.compile(
    r"\d(?:[" + phonenumberutil._VALID_PUNCTUATION + r"+\uFF0B(\[\uFF08\uFF3B]{0,4}\d)*"
)


@lru_cache(maxsize=8)
def _long_runs(least):
    """_DIGIT_RUN for runs of at least `least` digits only (the same runs: a shorter one can hold
    no number, and no longer one begins inside it)."""
    return re.compile(_DIGIT_RUN.pattern.removesuffix("*") + "{" + str(least - 1) + ",}")


# the matcher gives up after this many candidates; a shorter text cannot reach it
_MAX_TRIES = 65535


@lru_cache(maxsize=8)
def min_digits(region):
    """The fewest digits a valid number can be written with: a national number of the region
    (trunk prefix left out) or any country's, after its country code."""

    def shortest(metadata):
        # the general description's lengths are those of all its number types together
        return min((n for n in metadata.general_desc.possible_length if n > 0), default=1)

    international = min(
        len(str(code)) + shortest(phonenumbers.PhoneMetadata.metadata_for_region(name))
        for name in phonenumbers.SUPPORTED_REGIONS
        if (code := phonenumbers.country_code_for_region(name))
    )
    national = shortest(phonenumbers.PhoneMetadata.metadata_for_region(region))
    return max(1, min(international, national))


def _matches(text, region):
    found = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.VALID
    ):
        number = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        found.append((number, (match.start, match.end)))
    return found


# A signature line comes back in every message of its writer: its numbers are parsed once
# per run (forget_lines() after it: no line of anyone's mail stays in a worker's memory).
_line_matches = lru_cache(maxsize=2048)(_matches)


def forget_lines():
    _line_matches.cache_clear()
    _token_matches.cache_clear()
    _valid_dutch.cache_clear()
    _key_token.cache_clear()


# The fast path of phones_in. A run of digits (_DIGIT_RUN) is the matcher's candidate as it
# stands when nothing beside it can join it: no opening bracket or plus before it (other than
# one directly in front, which is then part of it), no extension label before or after it, and
# nothing but white space or a full stop, comma and the like around it. The matcher's verdict on
# such a candidate does not depend on the rest of the line, so it is asked about the candidate
# alone (a Dutch number in one of its usual notations needs no matcher at all: its E.164 form
# follows from the digits, and only its validity is asked, once per number); any other run has
# its whole line read by the matcher, as before. tests/documents/test_index_phones.py checks the
# result against the matcher over generated lines.
_RUN_CHARS = re.compile(r"[0-9 ().-]+")
_LEAD = "+(\uff0b\uff08[\uff3b"
_EXTENSION_LABEL = (  # phonenumbers' labels for matching, explicit and ambiguous
    r"(?:e?xt|\uFF45?\uFF58\uFF54|\u0434\u043E\u0431|anexo"
    r"|[x\uFF58#\uFF03~\uFF5E]|int|\uFF49\uFF4E\uFF54)"
)
_EXTENSION_AFTER = re.compile(r";ext=|[ \u00A0\t,]*" + _EXTENSION_LABEL + r"|[- ]+\d{1,6}#", re.I)
_EXTENSION_BEFORE = re.compile(_EXTENSION_LABEL + r"[:.\uFF0E]?[ \u00A0\t,-]*$", re.I)
_QUIET_AFTER = frozenset(" \t\r\f\v.,;!?)")
_QUIET_BEFORE = frozenset(" \t\r\f\v:;,=*'\"<>|-")
_SEPARATOR = r"[ -]"
_NSN = r"([1-9](?:" + _SEPARATOR + r"?\d){8})"
_DUTCH = re.compile(
    r"(?:0" + _NSN + r"|\(0([1-9]\d{0,2})\) ?(\d(?:" + _SEPARATOR + r"?\d){4,7})"
    r"|(?:\+|00)31" + _SEPARATOR + r"?(?:\(0\) ?)?" + _NSN + r")"
)
_NOT_DIGIT = re.compile(r"\D")
_INNER = re.compile(r"[ ().]")


@lru_cache(maxsize=4096)
def _valid_dutch(national):
    number = phonenumbers.PhoneNumber(country_code=31, national_number=int(national))
    return phonenumbers.is_valid_number(number)


def _dutch(token):
    """E.164 of a Dutch number in a usual notation when it is valid, else None (the matcher
    decides: an invalid whole may hold a valid part)."""
    match = _DUTCH.fullmatch(token)
    if not match:
        return None
    national = _NOT_DIGIT.sub("", "".join(g for g in match.groups() if g))
    if len(national) != 9 or not _valid_dutch(national):
        return None
    return "+31" + national


def _alone(text, run, region, line_start):
    """The matches of a run of digits when the rest of its line cannot change them, as
    [(E.164, span)], or None when only the whole line tells."""
    start, end = run.span()
    if end - start > 24 or not run.group().isascii():
        return None
    if end < len(text) and text[end] != "\n":
        if text[end] not in _QUIET_AFTER or _EXTENSION_AFTER.match(text, end):
            return None
        if text[end] in ".,;!?" and end + 1 < len(text) and not text[end + 1].isspace():
            return None
    lead = start > line_start and text[start - 1] in _LEAD
    start -= lead
    if not _RUN_CHARS.fullmatch(text, start + lead, end):
        return None
    if start > line_start:
        before = text[start - 1]
        if before.isascii() and before.isalpha() and not lead:
            # a letter right before: the matcher passes the candidate over, and without a
            # space, bracket or dot in it there is no inner number to try
            return None if _INNER.search(text, start, end) else []
        if before not in _QUIET_BEFORE:
            return None
        # a bracket or plus further back would open the candidate there; an extension label
        # would take these digits as its own
        head = text[max(line_start, start - 12) : start].rstrip(" \t\u00a0,:;.-")
        if head and (head[-1] in _LEAD or head[-1].isdigit() or _EXTENSION_BEFORE.search(head)):
            return None
    token = text[start:end]
    if region == "NL" and (number := _dutch(token)):
        return [(number, (start, end))]
    return [(number, (start + a, start + b)) for number, (a, b) in _token_matches(token, region)]


# the matcher's verdict on a candidate alone, once per run (forget_lines() after it)
_token_matches = lru_cache(maxsize=8192)(_matches)


def phones_in(text, region="NL"):
    """(E.164, span) of each phone number written in the text, in any common notation."""
    if len(text) >= _MAX_TRIES:
        return _matches(text, region)
    found, done = [], -1
    line_end, pending = -1, []
    for run in _long_runs(min_digits(region)).finditer(text):
        if run.start() < done:
            continue
        if run.start() > line_end:
            found += pending
            pending = []
            line_end = text.find("\n", run.end())
            line_end = len(text) if line_end == -1 else line_end
        alone = _alone(text, run, region, text.rfind("\n", 0, run.start()) + 1)
        if alone is not None:
            pending += alone
            continue
        # the matcher reads the whole line, this run's neighbours with it
        pending = []
        start = text.rfind("\n", 0, run.start()) + 1
        done = line_end
        found += [
            (number, (start + a, start + b))
            for number, (a, b) in _line_matches(text[start:done], region)
        ]
    return found + pending


_LOCAL_PART = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")


def emails_in(text):
    """(address, span) of each e-mail address, as _EMAIL.finditer finds them: each match holds
    one "@", so each "@" is tried once from the start of the word before it (the regex alone
    would be tried from every letter of the text)."""
    found, end, at = [], 0, text.find("@")
    while at != -1:
        start = at
        while start > end and text[start - 1] in _LOCAL_PART:
            start -= 1
        match = _EMAIL.match(text, start) if start < at else None
        if match:
            found.append((match.group(0).lower(), match.span()))
            end = match.end()
            at = text.find("@", end)
        else:
            at = text.find("@", at + 1)
    return found


def keys_of(text, addresses=(), token=None):
    """The key terms of a text: its addresses (those of its headers as well, which need not be
    in the text) and phone numbers as keyed hashes, so that a look-up finds them however they
    are written."""
    token = token or key_token
    found = {("e", a.strip().lower()) for a in addresses}
    found |= {("e", a) for a, _ in emails_in(text)}
    found |= {("p", p) for p, _ in phones_in(text)}
    return " ".join(sorted({token(kind, value) for kind, value in found}))
