"""The three firms in shared/seeds, each written as a register file: imported without
workarounds and exported losslessly."""

from pathlib import Path

import pytest
import yaml

from waarborg.core import actions
from waarborg.register.models import ProcessingActivity
from waarborg.register.yamlio import export_register, import_register

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEEDS = ["register_mainnovation.yaml", "register_megawatt.yaml", "register_koel_ict.yaml"]


@pytest.fixture
def firm(owner):
    return actions.create_organisation(actor=owner, owner=owner, name="Nieuw")


@pytest.mark.parametrize("name", SEEDS)
def test_seed_register_imports_and_exports_losslessly(firm, owner, name):
    text = (FIXTURES / name).read_text(encoding="utf-8")
    import_register(firm, text, actor=owner)
    exported = export_register(firm)
    assert yaml.safe_load(exported) == yaml.safe_load(text)
    plan = import_register(firm, exported, actor=owner)
    assert plan.is_empty
    assert export_register(firm) == exported


def test_megawatt_is_both_controller_and_processor(firm, owner):
    import_register(firm, (FIXTURES / "register_megawatt.yaml").read_text(), actor=owner)
    roles = set(ProcessingActivity.objects.filter(organisation=firm).values_list("role", flat=True))
    assert roles == {"controller", "processor", "joint_controller"}
    processing = ProcessingActivity.objects.get(organisation=firm, key="client-processing")
    assert processing.controller.kind == "client_controller"
