import os

from django.db import connection


def test_suite_runs_on_the_configured_database(db):
    """Guards CI: with WAARBORG_TEST_DATABASE_URL set, the tests really run on PostgreSQL."""
    url = os.environ.get("WAARBORG_TEST_DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def test_migrations_match_the_models(db):
    """A model change without its migration fails here, not on a user's upgrade."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
