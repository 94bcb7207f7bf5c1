"""The rule of what goes out for an included message or file, stated once and checked on random
files: the original only when nothing in it was redacted or masked, every attachment of it was
read, and its bytes are those the review hashed; otherwise never the original, but the reviewed
text (and a PDF of it when redacted). Real files in a real folder, read through the same guard
as the index."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waarborg.documents import extract
from waarborg.documents.models import DocumentSource, Kind
from waarborg.documents.originals import Originals
from waarborg.requests import package

contents = st.binary(min_size=1, max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    reviewed=contents,
    now=st.one_of(st.none(), contents),  # None: the file is gone
    same=st.booleans(),
    redacted=st.booleans(),
    masked=st.booleans(),
    unread=st.booleans(),
    hashed=st.booleans(),
    suffix=st.sampled_from([".txt", ".pdf", ".csv", ".eml"]),
)
def test_only_the_reviewed_unredacted_original_goes_out(
    reviewed, now, same, redacted, masked, unread, hashed, suffix
):
    with tempfile.TemporaryDirectory() as folder:
        name = f"stuk{suffix}"
        current = reviewed if same else now
        if current is not None:
            (Path(folder) / name).write_bytes(current)
        source = DocumentSource(kind=Kind.FOLDER, name="Schijf", path=folder)
        text = "de beoordeelde tekst [weggelaten]" if redacted else "de beoordeelde tekst"
        item = {
            "title": name, "where": f"Schijf: {name}", "text": text, "redacted": redacted,
            "bsn_masked": masked, "unread": ["foto.jpg"] if unread else [],
            "source": source, "ref": name,
            "meta": {"path": name, "message": None},
            "digest": extract.digest(reviewed) if hashed else "", "stem": "x/documenten/01-",
        }  # fmt: skip
        with Originals() as originals:
            files, form = package._pack_document(item, originals, "nl")
    names = [n for n, _data in files]
    texts = [d for n, d in files if n.endswith(".txt")]
    out = [data.encode() if isinstance(data, str) else data for _n, data in files]
    if redacted or masked or unread:
        expected = package.REDACTED if redacted else package.MASKED if masked else package.UNREAD
        assert form == expected
        assert [n.rpartition(".")[2] for n in names] == ["pdf", "txt"]
        assert texts == [text]
        assert current not in out
        pdf = extract.pdf_text(files[0][1])
        assert "de beoordeelde tekst" in pdf
    elif not hashed:
        assert form == package.UNCHECKED and texts == [text] and len(files) == 1
    elif current == reviewed:
        assert form == package.ORIGINAL
        assert files == [(f"x/documenten/01-stuk{suffix}", reviewed)]
    else:
        assert form == package.CHANGED and texts == [text] and len(files) == 1
        assert names == [f"x/documenten/01-stuk-{suffix[1:]}.txt"]
    # whatever the case, a file that is not the one reviewed never goes out as it is now
    if current is not None and current != reviewed:
        assert current not in out or current == text.encode()
