import pytest

from waarborg.consent import actions
from waarborg.consent.models import Mechanism


@pytest.fixture
def newsletter(organisation, owner):
    return actions.save_purpose(
        organisation,
        actor=owner,
        key="newsletter",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        direct_marketing=True,
        wording={"nl": "Ja, stuur mij de nieuwsbrief.", "en": "Yes, send me the newsletter."},
    )
