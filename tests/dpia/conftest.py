import pytest

from waarborg.register import actions as register_actions
from waarborg.register.models import ProcessingActivity
from waarborg.register.yamlio import apply_starter


@pytest.fixture
def started(organisation, owner):
    apply_starter(organisation, actor=owner)
    return organisation


def make_activity(organisation, owner, key="camera", **values):
    data = {
        "key": key,
        "name": {"nl": "Camera's in de winkel", "en": "Cameras in the shop"},
        "role": "controller",
        "purpose": {"nl": "Diefstal voorkomen"},
        "legal_basis": "legitimate_interests",
        "data_subjects": ["customer"],
        "data_categories": ["user.content.self_image.camera"],
        **values,
    }
    register_actions.save_item("activities", organisation, data, actor=owner)
    return ProcessingActivity.objects.get(organisation=organisation, key=key)


@pytest.fixture
def camera(organisation, owner):
    return make_activity(organisation, owner)
