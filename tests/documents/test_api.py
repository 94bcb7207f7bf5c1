"""The mail and document routes of the API: list and status, start indexing (once), the hits
of a request's task read-only; roles, another organisation's ids (404), never 500."""

import pytest
from django_tasks_db.models import DBTaskResult
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.api.test_register import call, key_for  # noqa: F401 (fixture)
from tests.documents.test_request_review import JAN, _request, _task, folder, source  # noqa: F401
from waarborg.documents import actions as document_actions
from waarborg.register.models import System
from waarborg.requests import actions

BASE = "/api/v1/document-sources"


@pytest.fixture
def task(source, organisation, owner, system):  # noqa: F811
    subject_request = _request(organisation, owner)
    found = _task(subject_request, system)
    actions.find_documents(found, actor=owner)
    return found


def test_list_and_read_a_source(client, key_for, source):  # noqa: F811
    key = key_for("viewer")
    response = call(client, "get", f"{BASE}/", key)
    assert response.status_code == 200
    (item,) = response.json()
    assert item["id"] == source.pk and item["kind"] == "folder" and item["system"] == "gedeeld"
    assert item["counts"]["read"] >= 1 and item["indexing"] is None
    assert "password" not in str(item)
    assert call(client, "get", f"{BASE}/?system=gedeeld", key).json()[0]["id"] == source.pk
    assert call(client, "get", f"{BASE}/?system=anders", key).json() == []
    assert call(client, "get", f"{BASE}/{source.pk}", key).json()["name"] == "Gedeelde schijf"


def test_start_indexing_once_and_see_it_queued(client, key_for, source):  # noqa: F811
    key = key_for("privacy_officer")
    response = call(client, "post", f"{BASE}/{source.pk}/index", key)
    assert response.status_code == 202
    assert response.json()["indexing"]["status"] == "queued"
    again = call(client, "post", f"{BASE}/{source.pk}/index", key)
    assert again.status_code == 409 and again.json()["detail"]
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize("role", ["viewer", "handler"])
def test_lesser_roles_cannot_start_indexing(client, key_for, source, role):  # noqa: F811
    response = call(client, "post", f"{BASE}/{source.pk}/index", key_for(role))
    assert response.status_code == 403 and not DBTaskResult.objects.exists()


def test_another_organisations_source_is_not_found(
    client,
    key_for,  # noqa: F811
    source,  # noqa: F811
    other_organisation,
):
    key = key_for("owner", other_organisation)
    assert call(client, "get", f"{BASE}/", key).json() == []
    assert call(client, "get", f"{BASE}/{source.pk}", key).status_code == 404
    assert call(client, "post", f"{BASE}/{source.pk}/index", key).status_code == 404
    assert not DBTaskResult.objects.exists()
    assert call(client, "get", f"{BASE}/abc", key).status_code == 422


def test_hits_of_a_task_read_only(client, key_for, task, owner):  # noqa: F811
    hit = task.document_hits.get(ref="gesprek.txt")
    actions.review_hit(hit, actor=owner, decision="included", redactions=["Piet Jansen"])
    url = f"/api/v1/requests/{task.request.reference}/tasks/{task.pk}/hits"
    response = call(client, "get", url, key_for("handler"))
    assert response.status_code == 200
    by_title = {h["title"]: h for h in response.json()}
    item = by_title["gesprek.txt"]
    assert item["decision"] == "included" and item["redactions"] == 1
    assert "Piet Jansen" not in response.content.decode()  # redacted here too
    assert "111222333" not in response.content.decode()
    assert any(JAN in part for s in item["snippets"] for part in s)
    assert call(client, "get", url, key_for("viewer")).status_code == 403
    assert call(client, "post", url, key_for("owner")).status_code == 405


def test_hits_of_another_organisations_task_are_not_found(
    client,
    key_for,  # noqa: F811
    task,
    other_organisation,
    other_owner,
):
    url = f"/api/v1/requests/{task.request.reference}/tasks/{task.pk}/hits"
    assert call(client, "get", url, key_for("owner", other_organisation)).status_code == 404
    # their own request with our task's id: not found either
    System.objects.create(organisation=other_organisation, key="crm", name={})
    theirs = _request(other_organisation, other_owner)
    url = f"/api/v1/requests/{theirs.reference}/tasks/{task.pk}/hits"
    assert call(client, "get", url, key_for("owner", other_organisation)).status_code == 404


def test_a_source_whose_folder_went_shows_the_error(client, key_for, source, folder):  # noqa: F811
    import shutil

    shutil.rmtree(folder)
    with pytest.raises(document_actions.DocumentSourceError):
        document_actions.index_source(source, actor=None)
    item = call(client, "get", f"{BASE}/{source.pk}", key_for("viewer")).json()
    assert "Deze map bestaat niet" in item["last_error"]  # in the reader's language


def _pattern(value):
    import re

    return re.compile(r"\s+".join(re.escape(w) for w in value.split()), re.IGNORECASE)


WORDS = st.text(alphabet="xyzXYZ", min_size=2, max_size=6)
TEXT = st.lists(st.one_of(WORDS, st.sampled_from([" ", "\n", ". ", "ab"])), max_size=30).map(
    "".join
)


@given(
    title=TEXT,
    snippets=st.lists(st.tuples(TEXT, TEXT, TEXT), max_size=3),
    redactions=st.lists(st.lists(WORDS, min_size=1, max_size=2).map(" ".join), max_size=4),
)
@settings(max_examples=150, deadline=None)
def test_no_redacted_string_is_in_the_api_answer(title, snippets, redactions):
    """The rule, once: whatever a handler redacted in a hit is in no part of its answer, in
    any case and with any spaces or line breaks between its words; the rest is unchanged."""
    import json

    from waarborg.core.crypto import encrypt_text
    from waarborg.documents.api import hit_out
    from waarborg.requests.actions.documents import clean_redactions
    from waarborg.requests.models import HIT_PURPOSE, DocumentHit

    strings = clean_redactions(redactions)
    found = {"title": title, "where": "Schijf: " + title, "snippets": [list(s) for s in snippets]}
    hit = DocumentHit(
        found_encrypted=encrypt_text(json.dumps(found), HIT_PURPOSE),
        redactions_encrypted=encrypt_text(json.dumps(strings), HIT_PURPOSE) if strings else "",
        confidence=0.9,
    )
    out = hit_out(hit, "[weggelaten]")
    parts = [out["title"], out["where"], *(p for s in out["snippets"] for p in s)]
    for value in strings:
        assert not any(_pattern(value).search(part) for part in parts), (value, parts)
    assert out["redactions"] == len(strings)
    if not strings:
        assert out["title"] == title and out["snippets"] == [list(s) for s in snippets]


NAME_WORDS = st.text(alphabet="abcdefghij", min_size=2, max_size=8)


@given(
    name=st.lists(NAME_WORDS, min_size=1, max_size=3).map(" ".join),
    filler=st.text(alphabet="0123456789 ", min_size=0, max_size=200),
    where=st.integers(min_value=0, max_value=200),
    match_at=st.integers(min_value=0, max_value=400),
)
@settings(max_examples=200, deadline=None)
def test_a_snippet_cut_through_a_redacted_name_shows_none_of_it(name, filler, where, match_at):
    """Wherever the snippet's cut falls (through the name, or the name split between the
    text before the match and the match), what the API gives leaves no three letters of the
    redacted name together: the filler has no letters, so any left would be the name's."""
    import re

    from waarborg.documents.matching import EDGE, redact_snippet, snippet

    where = min(where, len(filler))
    text = filler[:where] + name + filler[where:] + " 0612345678 " + filler
    start = min(match_at, len(text) - 1)
    end = min(len(text), start + 10)
    parts = redact_snippet(snippet(text, (start, end)), [name], "#")
    leftover = re.findall(r"[a-j]+(?:\s+[a-j]+)*", " ".join(parts))
    assert all(len(run.replace(" ", "")) < EDGE for run in leftover), (name, parts)


def test_a_name_cut_by_the_snippet_edge_is_redacted():
    from waarborg.documents.matching import redact_snippet

    parts = ("ter Bakker belde over", "jan@devries.example", "en Pieter Ba")
    assert redact_snippet(parts, ["Pieter Bakker"], "[weggelakt]") == [
        "[weggelakt] belde over",
        "jan@devries.example",
        "en [weggelakt]",
    ]
    # a string split between the text before the match and the match
    assert redact_snippet(("mail van Anna", "Smit", "over"), ["Anna Smit"], "#") == [
        "mail van #", "#", "over",
    ]  # fmt: skip


def test_a_snippet_keeps_the_spaces_beside_the_match_as_written():
    from waarborg.documents.matching import snippet

    text = "Mail van Jan <jan@devries.example> graag"
    start = text.index("jan@")
    end = start + len("jan@devries.example")
    assert snippet(text, (start, end)) == ("Mail van Jan <", "jan@devries.example", "> graag")
    text = "Bel mij op\n06 1234 5678  morgen"
    start = text.index("06")
    assert snippet(text, (start, start + 12)) == ("Bel mij op ", "06 1234 5678", " morgen")
