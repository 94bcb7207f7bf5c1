"""The migration to texts in two languages keeps what was typed before as the Dutch text, and
back again."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("breaches", "0001_h19_breaches")]
AFTER = [("breaches", "0002_s29_h19b_translated_texts")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_texts_become_the_dutch_text_and_back(organisation):
    old = _migrate(BEFORE)
    Breach = old.get_model("breaches", "Breach")
    breach = Breach.objects.create(
        organisation_id=organisation.pk, number=1, title="Oud", recorded_by="x",
        aware_at=datetime.datetime(2026, 10, 23, 15, tzinfo=datetime.UTC),
        description="Mail naar de verkeerde klant.", consequences="", cause="other",
        confidentiality=True, integrity=False, availability=False,
        contact_point="privacy@firma.example", advice_to_people="Verwijder de mail.",
    )  # fmt: skip
    try:
        new = _migrate(AFTER)
        row = new.get_model("breaches", "Breach").objects.get(pk=breach.pk)
        assert row.description == {"nl": "Mail naar de verkeerde klant.", "en": ""}
        assert row.contact_point == {"nl": "privacy@firma.example", "en": ""}
        assert row.advice_to_people == {"nl": "Verwijder de mail.", "en": ""}
        assert row.consequences == {} and row.measures_taken == {}
        back = _migrate(BEFORE)
        row = back.get_model("breaches", "Breach").objects.get(pk=breach.pk)
        assert row.description == "Mail naar de verkeerde klant."
        assert row.consequences == "" and row.contact_point == "privacy@firma.example"
    finally:
        _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
