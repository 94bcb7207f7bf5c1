"""Personas shared by every test: an owner, a privacy officer, a handler, a viewer of one
organisation, a member of another organisation, and a user with no organisation."""

import os

import pytest
from hypothesis import HealthCheck, settings

from waarborg.core import actions
from waarborg.core.models import Role

# Property-based tests: a bounded profile in CI (CI=true), a longer one by hand
# (HYPOTHESIS_PROFILE=thorough). Database fixtures are function-scoped on purpose: each
# example builds its own tables, so the health check about them is off.
settings.register_profile(
    "ci",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "dev",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

PASSWORD = "a-long-test-password"


def make_user(email, name=""):
    return actions.create_user(email=email, password=PASSWORD, name=name)


@pytest.fixture
def owner(db):
    return make_user("owner@firma.example", "Olga Owner")


@pytest.fixture
def organisation(owner):
    return actions.create_organisation(
        actor=owner, owner=owner, name="Firma Een B.V.", kvk_number="12345678"
    )


def _member(organisation, owner, email, role):
    user = make_user(email)
    actions.add_member(organisation, actor=owner, user=user, role=role)
    return user


@pytest.fixture
def privacy_officer(organisation, owner):
    return _member(organisation, owner, "po@firma.example", Role.PRIVACY_OFFICER)


@pytest.fixture
def handler(organisation, owner):
    return _member(organisation, owner, "handler@firma.example", Role.HANDLER)


@pytest.fixture
def viewer(organisation, owner):
    return _member(organisation, owner, "viewer@firma.example", Role.VIEWER)


@pytest.fixture
def other_owner(db):
    return make_user("owner@ander.example", "Otto Other")


@pytest.fixture
def other_organisation(other_owner):
    return actions.create_organisation(actor=other_owner, owner=other_owner, name="Ander B.V.")


@pytest.fixture
def loner(db):
    return make_user("loner@nergens.example")


@pytest.fixture
def client_for():
    """A logged-in Django test client for a user."""
    from django.test import Client

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


class CapturedMail:
    """Messages received by the local SMTP server, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost (aiosmtpd); Django sends to it for this test."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = CapturedMail()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the product's first language: a request in English (the test
    client activates the language in this thread) must not leak into the next test."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()
