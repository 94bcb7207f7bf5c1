"""Finding a person in the index from the identities of a request: e-mail addresses (also in
headers), phone numbers in any notation, names with their Dutch variants and customer numbers.

The index gives candidates (keyed hashes for addresses and numbers, words for names and IBANs); each
candidate's decrypted text is then checked, so a hit is a place where the person is named, with
a snippet (the match marked) and a confidence between 0 and 1.
"""

import re
from contextlib import closing
from dataclasses import dataclass, field

import phonenumbers

from waarborg.documents import index, recognise

TUSSENVOEGSELS = {
    "van", "de", "der", "den", "het", "ter", "ten", "te", "'t", "in", "op", "la", "le",
    "du", "d'", "da", "di", "del", "von", "vd", "v.d.", "'s", "aan", "bij", "uit", "onder",
}  # fmt: skip
SNIPPET = 70
_NOT_DIGIT = re.compile(r"\D+")


@dataclass
class Name:
    given: list
    tussenvoegsel: str
    surname: str


def split_name(full):
    """ "Jan Pieter de Vries" -> given ["Jan", "Pieter"], "de", "Vries". Also reads the
    inverted "de Vries, Jan" and "Vries, Jan de"."""
    full = " ".join(full.split())
    if "," in full:
        last, _, first = full.partition(",")
        words = first.split()
        given = [w for w in words if w.lower() not in TUSSENVOEGSELS]
        after = [w for w in words if w.lower() in TUSSENVOEGSELS]
        last_words = last.split()
        lead = [w for w in last_words if w.lower() in TUSSENVOEGSELS]
        rest = [w for w in last_words if w.lower() not in TUSSENVOEGSELS]
        return Name(given, " ".join(lead + after).lower(), " ".join(rest))
    words = full.split()
    if len(words) == 1:
        return Name([], "", words[0])
    for i, word in enumerate(words[1:], start=1):
        if word.lower() in TUSSENVOEGSELS:
            tail = words[i:]
            lead = [
                w for w in tail if w.lower() in TUSSENVOEGSELS and tail.index(w) < len(tail) - 1
            ]
            return Name(words[:i], " ".join(lead).lower(), " ".join(tail[len(lead) :]))
    return Name(words[:-1], "", words[-1])


def _words(text):
    return r"\s+".join(re.escape(w) for w in text.split())


HONORIFIC = r"(?:mevrouw|mevr\.|meneer|mijnheer|dhr\.|de heer|mw\.|mr\.|mrs\.|ms\.|mr)"
# what every honorific holds, lower-cased; and the letters re.I matches to ASCII ones that
# str.lower() does not turn into them (dotless and dotted i, long s)
_HONORIFIC_PARTS = ("mevr", "meneer", "mijnheer", "dhr.", "de heer", "mw.", "mr", "ms.")
_ODD_CASES = re.compile("[\u0130\u0131\u017f]")
_WORD = re.compile(r"\w")
_WORD_OR_DOT = re.compile(r"[\w.]")
_AFTER_NOT_WORD_OR_DOT = r"(?<![\w.])"


def _forms(name):
    """(pattern, confidence) per written form of a split name, without the word boundaries."""
    surname = _words(name.surname)
    tv = _words(name.tussenvoegsel) + r"\s+" if name.tussenvoegsel else ""
    tv_after = r"\s+" + _words(name.tussenvoegsel) if name.tussenvoegsel else ""
    patterns = []
    if name.given:
        first = re.escape(name.given[0])
        initial = re.escape(name.given[0][0])
        given_all = r"\s+".join(re.escape(g) for g in name.given)
        # initials are capitals, whatever the case of the rest
        initials = r"(?-i:(?:[A-Z]\.\s?)*" + initial.upper() + r"\.?(?:\s?[A-Z]\.)*)"
        patterns += [
            (given_all + r"\s+" + tv + surname, 0.95),
            (first + r"(?:\s+\w+)?\s+" + tv + surname, 0.9),
            (tv + surname + r",\s*" + first + tv_after, 0.9),
            (surname + r",\s*" + first + tv_after, 0.9),
            (_AFTER_NOT_WORD_OR_DOT + initials + r"\s*" + tv + surname, 0.75),
            (tv + surname + r",\s*" + initials + tv_after, 0.75),
            (surname + r",\s*" + initials + tv_after, 0.75),
        ]
    patterns += [
        (HONORIFIC + r"\s+" + tv + surname, 0.6),
        (tv + surname, 0.35 if name.tussenvoegsel else 0.3),
    ]
    return patterns


def name_patterns(full):
    """(compiled pattern, confidence) per written form of a name, most certain first."""
    name = split_name(full)
    if not name.surname:
        return []
    return [(re.compile(r"(?<!\w)" + p + r"(?!\w)", re.I), c) for p, c in _forms(name)]


@dataclass
class NameScan:
    """name_patterns, made quick: Python's re tries a leading look-behind at every position of
    the text, so the forms are searched without it and a match preceded by a word character
    is passed over (the same matches); a text without the surname holds none of the forms, and
    one without an honorific none of that form."""

    surname: re.Pattern
    forms: list

    def finditer(self, text):
        """(match, confidence) per form, in the order and with the matches of name_patterns."""
        if not self.surname.search(text):
            return
        lowered = text.lower()
        honorific = bool(_ODD_CASES.search(text)) or any(p in lowered for p in _HONORIFIC_PARTS)
        for pattern, before, confidence, needs_honorific in self.forms:
            if needs_honorific and not honorific:
                continue
            position = 0
            while match := pattern.search(text, position):
                start = match.start()
                if start and before.match(text, start - 1):
                    position = start + 1
                    continue
                yield match, confidence
                position = match.end()


def name_scan(full):
    name = split_name(full)
    if not name.surname:
        return NameScan(re.compile("(?!)"), [])
    forms = []
    for form, confidence in _forms(name):
        before = _WORD
        if form.startswith(_AFTER_NOT_WORD_OR_DOT):
            form, before = form.removeprefix(_AFTER_NOT_WORD_OR_DOT), _WORD_OR_DOT
        compiled = re.compile(form + r"(?!\w)", re.I)
        forms.append((compiled, before, confidence, form.startswith(HONORIFIC)))
    return NameScan(re.compile(_words(name.surname), re.I), forms)


@dataclass
class Hit:
    """One place where a person is named: an item of a source, a snippet, a confidence."""

    source_id: int
    ref: str
    meta: dict
    confidence: float
    matched: list = field(default_factory=list)
    snippets: list = field(default_factory=list)


def snippet(text, span):
    """(before, match, after) around a span, with BSNs masked (they already are in stored text;
    again here because a snippet can also come from text read live)."""
    start, end = span
    before = text[max(0, start - SNIPPET) : start]
    after = text[end : end + SNIPPET]
    before, match, after = (" ".join(recognise.mask_bsn(part)[0].split()) for part in
                            (before, text[start:end], after))  # fmt: skip
    # a space where the text has one beside the match, and none where it has none, so that
    # "<jan@example.nl>" reads as written
    if before and text[start - 1 : start].isspace():
        before += " "
    if after and text[end : end + 1].isspace():
        after = " " + after
    return before, match, after


def _apart(places, count):
    """The spans of up to `count` places, most certain first, each outside the snippets of
    those before it: "Kees Bakker", "K. Bakker" and "Bakker" at one place are one snippet."""
    spans = []
    for place in places:
        start, end = place[1]
        if all(end <= left - SNIPPET or start >= right + SNIPPET for left, right in spans):
            spans.append((start, end))
            if len(spans) == count:
                break
    return spans


EDGE = 3  # a redacted string cut by a snippet's edge: this many of its characters go too


def _flexible(value):
    """A pattern for the string in a joined snippet: the words as redact() takes them, and a
    space allowed inside a word, where the join of two parts put one."""
    return r"\s+".join(r"\s?".join(re.escape(char) for char in word) for word in value.split())


def redact_snippet(parts, strings, mark):
    """A snippet's (before, match, after) with each string redacted as in redact(), but over
    the snippet as one text: a string split between two parts goes, and so does what the
    snippet's cut left of one at its edges ("…ter Bakker" of "Pieter Bakker", EDGE
    characters or more). Redacting a little too much at an edge is harmless; less is not."""
    parts = [str(part) for part in parts]
    joined = " ".join(parts)
    spans = []
    for value in strings:
        value = " ".join(value.split())
        if not value:
            continue
        spans += [m.span() for m in re.finditer(_flexible(value), joined, re.IGNORECASE)]
        for size in range(len(value) - 1, EDGE - 1, -1):
            tail = value[-size:].strip()
            if tail and (found := re.match(_flexible(tail), joined, re.IGNORECASE)):
                spans.append((0, found.end()))
                break
        for size in range(len(value) - 1, EDGE - 1, -1):
            head = value[:size].strip()
            if head and (found := re.search(_flexible(head) + r"\Z", joined, re.IGNORECASE)):
                spans.append((found.start(), len(joined)))
                break
    if not spans:
        return parts
    hidden = [False] * len(joined)
    for start, end in spans:
        hidden[start:end] = [True] * (end - start)
    out, offset = [], 0
    for part in parts:
        pieces, previous = [], False
        for position, char in enumerate(part, offset):
            if hidden[position]:
                if not previous:
                    pieces.append(mark)
                previous = True
            else:
                pieces.append(char)
                previous = False
        out.append("".join(pieces))
        offset += len(part) + 1
    return out


@dataclass
class Wanted:
    """The identities of a look-up, prepared once for all its candidates."""

    emails: set
    phones: set
    nationals: set
    customers: list
    ibans: set
    names: list


def wanted(identities):
    phones = {index.normal_phone(p) for p in identities.get("phone_number", [])} - {None}
    return Wanted(
        emails={e.strip().lower() for e in identities.get("email", [])} - {""},
        phones=phones,
        nationals={phonenumbers.national_significant_number(phonenumbers.parse(p)) for p in phones},
        customers=[
            re.compile(r"(?<![\w-])" + re.escape(number.strip()) + r"(?![\w-])", re.I)
            for number in identities.get("customer_number", [])
        ],
        ibans={i.replace(" ", "").upper() for i in identities.get("iban", [])},
        names=[name_scan(full) for full in identities.get("name", [])],
    )


def _found(text, identities, prepared=None):
    """[(kind, span, confidence)] of every place the identities appear in text."""
    want = prepared or wanted(identities)
    places = []
    if want.emails:
        for address, span in index.emails_in(text):
            if address in want.emails:
                places.append(("email", span, 1.0))
    if _may_hold(text, want.nationals):
        for number, span in index.phones_in(text):
            if number in want.phones:
                places.append(("phone_number", span, 0.95))
    for pattern in want.customers:
        places += [("customer_number", m.span(), 0.85) for m in pattern.finditer(text)]
    if want.ibans:
        for value, span in recognise.ibans(text):
            if value in want.ibans:
                places.append(("iban", span, 0.95))
    for scan in want.names:
        taken = []
        for m, confidence in scan.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            places.append(("name", m.span(), confidence))
    return places


def _may_hold(text, nationals):
    """Whether the text can hold a number with one of these national numbers: however it is
    written, their digits stand together once the other characters are left out. Parsing every
    number of a text is slow, and most candidates of a look-up hold none of the person's."""
    if not nationals:
        return False
    digits = _NOT_DIGIT.sub("", text)
    if not digits.isascii():
        return True
    return any(national in digits for national in nationals)


def queries(identities):
    """FTS5 queries that find every candidate (a superset of the hits)."""
    parts = []
    parts += [index.email_key(e) for e in identities.get("email", []) if e.strip()]
    phones = {index.normal_phone(p) for p in identities.get("phone_number", [])} - {None}
    parts += [index.phone_key(p) for p in phones]
    parts += [index.iban_query(i) for i in identities.get("iban", []) if index.iban_query(i)]
    for number in identities.get("customer_number", []):
        if index.phrase(number):
            parts.append("body:" + index.phrase(number))
    for full in identities.get("name", []):
        surname = split_name(full).surname
        if index.phrase(surname):
            parts.append("body:" + index.phrase(surname))
    return " OR ".join(parts)


def stages(identities):
    """The candidates' queries from the most certain to the least, the last one `queries`:
    when a common surname (or the firm's own name) fills the limit, the items with the
    person's address, number or full name are among the candidates all the same."""
    exact = []
    exact += [index.email_key(e) for e in identities.get("email", []) if e.strip()]
    phones = {index.normal_phone(p) for p in identities.get("phone_number", [])} - {None}
    exact += [index.phone_key(p) for p in phones]
    exact += [index.iban_query(i) for i in identities.get("iban", []) if index.iban_query(i)]
    exact += [
        "body:" + index.phrase(n) for n in identities.get("customer_number", []) if index.phrase(n)
    ]
    named = []
    for full in identities.get("name", []):
        name = split_name(full)
        given = {index.phrase(word) for g in name.given[:1] for word in (g, g[0])} - {""}
        if index.phrase(name.surname) and given:
            either = " OR ".join("body:" + g for g in sorted(given))
            named.append(f"(body:{index.phrase(name.surname)} AND ({either}))")
    found = [" OR ".join(exact), " OR ".join(named), queries(identities)]
    return [query for query in found if query]


def combined(confidences):
    """More independent places raise the confidence: 1 - prod(1 - c)."""
    remaining = 1.0
    for c in confidences:
        remaining *= 1 - c
    return round(1 - remaining, 2)


def find(source_ids, identities, *, limit=1000, snippets=3):
    """The hits of a person in the items of these sources, most certain first."""
    query = queries(identities)
    if not query or not source_ids:
        return []
    hits, prepared = [], wanted(identities)
    with closing(index.connect()) as connection:
        row_ids = []
        for stage in stages(identities):
            if len(row_ids) < limit:
                seen = set(row_ids)
                more = index.candidates(connection, list(source_ids), stage, limit=limit)
                row_ids += [r for r in more if r not in seen][: limit - len(row_ids)]
        for _, source, ref, meta, body in index.load_items(connection, row_ids) if row_ids else ():
            places = _found(body, identities, prepared)
            addresses = {a.lower() for a in meta.get("addresses", [])}
            header = addresses & prepared.emails
            if not places and not header:
                continue
            places.sort(key=lambda p: -p[2])
            # the identifiers an item holds are only shown with a hit: recognised here, on
            # the hits' text, rather than for every item indexed
            meta = {**meta, "recognised": recognise.recognised(body)}
            hit = Hit(
                source_id=source,
                ref=ref,
                meta=meta,
                confidence=combined([1.0] * bool(header) + [p[2] for p in places[:5]]),
                matched=sorted({p[0] for p in places} | ({"email"} if header else set())),
                snippets=[snippet(body, span) for span in _apart(places, snippets)],
            )
            hits.append(hit)
    index.forget_lines()
    hits.sort(key=lambda h: (-h.confidence, h.ref))
    return hits
