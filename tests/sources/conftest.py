import pytest

from tests.sources.databases import backends, cookie_house_sql, database, portable


@pytest.fixture(params=backends())
def backend(request):
    return request.param


@pytest.fixture
def empty_source(backend, tmp_path):
    """(url, run) of a new empty database on the backend under test."""
    with database(backend, tmp_path) as made:
        yield made


@pytest.fixture
def cookie_house(backend, empty_source):
    """The URL of a database loaded with the Cookie House sample of Fides."""
    url, run = empty_source
    run(portable(cookie_house_sql(), backend))
    return url
