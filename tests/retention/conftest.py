from tests.sources.conftest import backend, empty_source  # noqa: F401 (fixtures)
