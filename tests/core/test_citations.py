"""Article references in each language's own style, whichever way they were typed."""

import pytest

from waarborg.core.citations import cite


@pytest.mark.parametrize(
    ("text", "dutch", "english"),
    [
        ("Art. 34(1) AVG", "art. 34 lid 1 AVG", "Art. 34(1) GDPR"),
        ("Art. 6(1)(f) GDPR", "art. 6 lid 1 sub f AVG", "Art. 6(1)(f) GDPR"),
        ("Art. 44-46, 13(1)(f) AVG", "art. 44-46, 13 lid 1 sub f AVG", "Art. 44-46, 13(1)(f) GDPR"),
        ("art. 30 lid 1 sub c AVG", "art. 30 lid 1 sub c AVG", "art. 30 lid 1 sub c GDPR"),
        ("UAVG art. 46", "UAVG art. 46", "UAVG art. 46"),
        ("Art. 30(1)(c)-(g) AVG", "art. 30 lid 1 sub c-g AVG", "Art. 30(1)(c)-(g) GDPR"),
        ("", "", ""),
    ],
)
def test_cite(text, dutch, english):
    assert cite(text, "nl") == dutch
    assert cite(text, "en") == english
