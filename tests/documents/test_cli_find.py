"""`waarborg source find` on a system whose data lives in mail and documents: the hits as
JSON, found by e-mail, phone or name; another organisation's sources are never searched."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from waarborg.documents import actions
from waarborg.register.models import System


@pytest.fixture
def indexed(organisation, owner, system, documents_folder):
    source = actions.connect_folder(
        organisation, system, actor=owner, name="Gedeelde schijf", path=str(documents_folder),
        exclude="archief/*",
    )  # fmt: skip
    actions.index_source(source, actor=owner)
    return source


def _find(capsys, organisation, **options):
    call_command("source_find", org=organisation.slug, system="gedeeld", **options)
    return json.loads(capsys.readouterr().out)


def test_find_prints_the_hits_of_a_document_source(indexed, organisation, capsys):
    hits = _find(capsys, organisation, phone=["06-1234 5678"])
    assert sorted(hit["item"] for hit in hits) == ["klanten.xlsx", "offertes/offerte-2026.pdf"]
    assert all(hit["source"] == "Gedeelde schijf" and hit["snippets"] for hit in hits)
    by_name = _find(capsys, organisation, name=["Jan de Vries"])
    assert "offertes/offerte-2026.pdf" in {hit["item"] for hit in by_name}
    assert any("[J. de Vries]" in s for hit in by_name for s in hit["snippets"])


def test_another_organisations_documents_are_not_searched(indexed, other_organisation, capsys):
    System.objects.create(organisation=other_organisation, key="gedeeld", name={"nl": "Schijf"})
    with pytest.raises(CommandError, match="geen mail- of documentbron"):
        _find(capsys, other_organisation, phone=["0612345678"])


def test_find_without_an_identity_says_so(indexed, organisation, capsys):
    with pytest.raises(CommandError):
        _find(capsys, organisation)


def test_an_address_that_is_none_is_refused_not_an_empty_answer(indexed, organisation, capsys):
    with pytest.raises(CommandError, match="'jan.devries' is geen e-mailadres") as refused:
        _find(capsys, organisation, email=["jan.devries"])
    assert refused.value.returncode == 2 and capsys.readouterr().out == ""
