import pytest

from waarborg.register.yamlio import apply_starter


@pytest.fixture
def started(organisation, owner):
    apply_starter(organisation, actor=owner)
    return organisation
