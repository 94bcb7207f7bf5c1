import pytest
from django.core import mail

from waarborg import demo
from waarborg.register.models import System
from waarborg.sources import actions as source_actions
from waarborg.sources import demo_shop


@pytest.fixture
def firm(organisation, owner):
    """The organisation with the demo firm's register (controller activities, processors,
    systems with manual instructions)."""
    demo.build_register(organisation, owner)
    return organisation


@pytest.fixture
def shop(firm, owner, tmp_path):
    """The demo web shop database connected to the system `webshop`."""
    path = demo_shop.build(tmp_path / "webshop.sqlite3")
    return source_actions.connect_source(
        firm,
        System.objects.get(organisation=firm, key="webshop"),
        actor=owner,
        url=f"sqlite:///{path}",
        annotation=demo_shop.ANNOTATION.read_text(encoding="utf-8"),
    )


def link_in(message, marker):
    for word in message.body.split():
        if marker in word:
            return word
    raise AssertionError(f"no link with {marker} in:\n{message.body}")


def path_of(url):
    from urllib.parse import urlsplit

    return urlsplit(url).path


@pytest.fixture
def outbox():
    mail.outbox.clear()
    return mail.outbox


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs the e-mails an action queues for after its commit."""

    def context():
        return django_capture_on_commit_callbacks(execute=True)

    return context
