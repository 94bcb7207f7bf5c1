"""The organisation's own texts in the statement: a small, safe part of Markdown.

Headings, lists, paragraphs, emphasis and links; everything else is text. The text is escaped
before any markup is added, so HTML typed into Waarborg never reaches the public page, and a
link goes only to http(s) or mailto addresses.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
BULLET = re.compile(r"^\s*[-*+]\s+(.+)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.+)$")
LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"
)
SAFE_URL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def _link(match):
    text, url = match.group(1), match.group(2)
    if not SAFE_URL.match(url):
        return text
    return f'<a href="{url}" rel="nofollow noopener">{text}</a>'


def inline(text):
    """One line: escaped, then links, strong and emphasis."""
    html = LINK.sub(_link, escape(text))
    html = STRONG.sub(r"<strong>\1</strong>", html)
    return EMPHASIS.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", html)


def render(text, top=2):
    """`text` as HTML; a heading is at least <h{top}>, so an own text never adds a second
    title, nor a heading above the section it stands in."""
    out, paragraph, items, kind = [], [], [], ""

    def close():
        nonlocal paragraph, items, kind
        if paragraph:
            out.append("<p>" + "<br>".join(paragraph) + "</p>")
        if items:
            out.append(f"<{kind}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{kind}>")
        paragraph, items, kind = [], [], ""

    for line in (text or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            close()
        elif heading := HEADING.match(line):
            close()
            level = max(len(heading.group(1)), top)
            out.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif item := BULLET.match(line) or NUMBERED.match(line):
            this = "ul" if BULLET.match(line) else "ol"
            if paragraph or (kind and kind != this):
                close()
            kind = this
            items.append(inline(item.group(1)))
        elif items and line.startswith((" ", "\t")):  # a list item that goes on
            items[-1] += " " + inline(line.strip())
        else:
            if items:
                close()
            paragraph.append(inline(line.strip()))
    close()
    return mark_safe("\n".join(out))  # noqa: S308 (every piece of text was escaped above)
