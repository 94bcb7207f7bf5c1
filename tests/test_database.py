import os

from django.db import connection


def test_suite_runs_on_the_configured_database(db):
    """Guards CI: with WAARBORG_TEST_DATABASE_URL set, the tests really run on PostgreSQL."""
    url = os.environ.get("WAARBORG_TEST_DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
