from pathlib import Path

import pytest

from waarborg.register.yamlio import import_register

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = {
    "000": "register_mainnovation.yaml",
    "001": "register_megawatt.yaml",
    "002": "register_koel_ict.yaml",
}


def seed_text(number):
    return (FIXTURES / SEEDS[number]).read_text(encoding="utf-8")


@pytest.fixture
def seeded(organisation, owner):
    """Import seed register `number` into the organisation."""

    def load(number):
        import_register(organisation, seed_text(number), actor=owner)
        return organisation

    return load
