"""The organisation's own texts: a little Markdown, and never raw HTML."""

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from waarborg.core.taxonomy import TermIndex
from waarborg.notices import statement
from waarborg.notices.markup import render

ALLOWED = {"p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a"}


def test_headings_lists_paragraphs_emphasis_and_links():
    text = (
        "# Over ons\n\nWij zijn **Van Dijk** en werken *zorgvuldig*.\nTweede regel.\n\n"
        "- eerste\n- tweede met [onze site](https://vandijk.example/privacy?a=1&b=2)\n\n"
        "1. een\n2. twee\n\n### Klein"
    )
    out = render(text)
    assert "<h2>Over ons</h2>" in out
    assert (
        "<p>Wij zijn <strong>Van Dijk</strong> en werken <em>zorgvuldig</em>.<br>Tweede regel.</p>"
        in out
    )
    assert "<ul><li>eerste</li><li>tweede met " in out
    link = '<a href="https://vandijk.example/privacy?a=1&amp;b=2" rel="nofollow noopener">'
    assert link + "onze site</a>" in out
    assert "<ol><li>een</li><li>twee</li></ol>" in out
    assert "<h3>Klein</h3>" in out
    assert "<h3>Over ons</h3>" in render("# Over ons", top=3)
    assert "<h2>Welkom</h2>" in render("## Welkom")


def test_html_is_never_passed_through():
    out = render(
        '<script>alert(1)</script>\n\n# <img src=x onerror="alert(2)">\n\n'
        "- [klik](javascript:alert%283%29)\n- [ook](JAVASCRIPT:alert%284%29)\n\n"
        '[x](https://a.example/"onmouseover="alert(5))'
    )
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "javascript:" not in out.lower()  # the text stays, the link goes
    assert "<li>klik</li>" in out
    assert 'onmouseover="' not in out and "&quot;onmouseover=&quot;" in out
    assert "snake_case_name" in render("snake_case_name")  # underscores inside words stay


@given(st.text(alphabet=st.sampled_from(list("<>\"'&/=#*_-[]() \nascriptjv:1.")), max_size=200))
def test_only_the_allowed_tags_and_attributes_come_out(text):
    out = render(text)
    for tag in re.findall(r"<(/?)([a-zA-Z0-9]+)([^>]*)>", out):
        assert tag[1] in ALLOWED, out
        attributes = tag[2].strip()
        if attributes:
            assert tag[1] == "a" and re.fullmatch(
                r'href="(https?://|mailto:)[^"<>]*" rel="nofollow noopener"',
                attributes,
                re.IGNORECASE,
            ), out
    # What the person typed is all there, as text.
    visible = html.unescape(re.sub(r"<[^>]+>", "", out))
    assert set(visible) <= set(text)


def test_the_statement_renders_the_own_texts(organisation):
    snapshot = {"organisation": {"name": "Firma"}}
    layout = {
        "introduction": {"nl": "## Welkom\n\n- punt <b>vet</b>", "en": "## Welcome"},
        "closing": {"nl": "Groet, *het team*"},
        "section_notes": {"rights": {"nl": "# Let op\nBel ons."}},
    }
    content = statement.build(snapshot, TermIndex(organisation), layout, "nl")
    page = statement.render(content)
    assert "<h2>Welkom</h2>" in page and "<li>punt &lt;b&gt;vet&lt;/b&gt;</li>" in page
    assert "<em>het team</em>" in page
    assert '<div class="note"><h3>Let op</h3>\n<p>Bel ons.</p></div>' in page
    assert "<b>" not in page
    text = statement.render_markdown(content)
    assert "## Welkom" in text and "&lt;b&gt;" in text


def test_the_settings_page_says_how_to_write_headings_and_lists(organisation, owner, client_for):
    from django.urls import reverse

    page = client_for(owner).get(reverse("notices:settings")).content.decode()
    assert "een regel die met # begint een kop" in page


def test_a_recipient_is_listed_with_one_pair_of_brackets():
    from waarborg.notices.statement import listed_recipient

    assert listed_recipient("DHL Parcel", "ontvanger", "Nederland") == (
        "DHL Parcel", "ontvanger", "Nederland",
    )  # fmt: skip
    authority = listed_recipient(
        "Belastingdienst (overheidsinstantie)", "overheidsinstantie", "Nederland"
    )
    assert authority == ("Belastingdienst (overheidsinstantie, Nederland)", "", "")
    assert listed_recipient("Verwerker Acme", "verwerker", "Ierland") == (
        "Verwerker Acme",
        "",
        "Ierland",
    )
