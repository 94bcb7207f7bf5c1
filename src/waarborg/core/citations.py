"""Article references as each language writes them: "Art. 6(1)(f) GDPR" in English, "art. 6
lid 1 sub f AVG" in Dutch, whichever way the reference was typed."""

import re

from django.utils.translation import get_language

# 30(1), 6(1)(f), and a range of points 30(1)(c)-(g)
PARTS = re.compile(r"\b(\d+)\((\d+)\)(?:\(([a-z])\)(?:-\(([a-z])\))?)?")


def _dutch_parts(match):
    article, paragraph, point, last = match.groups()
    text = f"{article} lid {paragraph}"
    if point:
        text += f" sub {point}" + (f"-{last}" if last else "")
    return text


def cite(text, language=None):
    """`text` with its article references in the style of `language` (the active one)."""
    if not text:
        return text
    language = (language or get_language() or "nl")[:2]
    text = str(text)
    if language == "en":
        return re.sub(r"\bAVG\b", "GDPR", text)
    text = re.sub(r"\bGDPR\b", "AVG", text)
    text = re.sub(r"(^|[\s(\[])Art\. ", r"\1art. ", text)
    return PARTS.sub(_dutch_parts, text)
