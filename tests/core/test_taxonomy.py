"""The shipped taxonomies: well-formed, bilingual, synced into the database after migrate."""

import pytest
import yaml

from waarborg.core.models import Adequacy, Term, TermKind
from waarborg.core.taxonomy import SHIPPED_FILE, TermIndex, sync_shipped_terms

ALLOWED = {"code", "nl", "en", "flags", "article", "dpv", "adequacy"}


def test_every_entry_is_complete_and_balanced():
    data = yaml.safe_load(SHIPPED_FILE.read_text(encoding="utf-8"))
    assert set(data) == set(TermKind.values)
    for kind, entries in data.items():
        codes = [entry["code"] for entry in entries]
        assert len(codes) == len(set(codes)), kind
        for entry in entries:
            assert set(entry) <= ALLOWED, entry
            for language in ("nl", "en"):
                label = entry[language]
                assert label and label.count("(") == label.count(")"), entry
            if kind == "country":
                assert entry["adequacy"] in Adequacy.values


def test_shipped_terms_are_in_the_database(db):
    index = TermIndex(None)
    assert index.get(
        "data_category", "user.government_id.national_identification_number"
    ).national_id
    assert index.get("data_category", "user.health_and_medical").special
    assert index.get("data_category", "user.criminal_history").criminal
    assert index.get("legal_basis", "legitimate_interests").article == "6(1)(f)"
    assert index.get("legal_basis", "consent").vocabulary == "dpv:Consent"
    assert index.get("country", "US").adequacy == Adequacy.DPF
    assert index.get("country", "GB").adequacy == Adequacy.ADEQUATE
    assert index.get("country", "NO").adequacy == Adequacy.EEA
    assert index.get("purpose", "dpv:DirectMarketing").label("nl").endswith("aanbiedingen)")


def test_sync_is_idempotent_and_retires_dropped_terms(db):
    Term.objects.create(kind="purpose", code="dpv:Gone", label_nl="Weg", label_en="Gone")
    count = Term.objects.count()
    sync_shipped_terms()
    sync_shipped_terms()
    assert Term.objects.count() == count
    assert Term.objects.get(code="dpv:Gone").retired


@pytest.mark.parametrize(
    ("code", "name", "language", "written"),
    [
        ("US", "Verenigde Staten", "nl", "de Verenigde Staten"),
        ("GB", "Verenigd Koninkrijk", "nl", "het Verenigd Koninkrijk"),
        ("PH", "Filipijnen", "nl", "de Filipijnen"),
        ("JP", "Japan", "nl", "Japan"),
        ("NL", "Nederland", "nl", "Nederland"),
        ("NL", "Netherlands", "en", "the Netherlands"),
        ("US", "United States", "en", "the United States"),
        ("CH", "Switzerland", "en", "Switzerland"),
        ("US", "de VS", "nl", "de VS"),  # an organisation's own name with its article
        ("XX", "XX", "nl", "XX"),
    ],
)
def test_a_country_takes_its_article_in_a_sentence(code, name, language, written):
    from waarborg.core.taxonomy import country_in_sentence

    assert country_in_sentence(code, name, language) == written
