"""Every test here is a fuzz test: CI runs them once, on SQLite (the `fuzz` marker)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.fuzz)
