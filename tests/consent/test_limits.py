"""Limits on the public consent pages: per IP and per address on every form that sends e-mail,
the client's address taken from X-Forwarded-For only behind a trusted proxy, and the sign-up's
signed form token in place of the CSRF cookie."""

import ipaddress

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from waarborg.center.consent_views import form_token
from waarborg.consent import actions, links
from waarborg.consent.models import ConsentEvent
from waarborg.core.clients import client_ip


@pytest.fixture
def signup(organisation, newsletter):
    url = reverse("center:subscribe", args=[organisation.slug, newsletter.key])

    def post(client, email, **extra):
        data = {"email": email, "agree": "1", "age": "16_or_over"}
        data["form_token"] = form_token(newsletter)
        return client.post(url, data, **extra)

    return post


def test_sign_up_is_limited_per_address_and_per_ip(
    client, signup, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [signup(client, "lisa@example.nl").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        answers = [signup(client, f"p{i}@example.nl").status_code for i in range(10)]
    assert answers.count(429) == 5  # ten per IP an hour, five were used above
    assert len(mail.outbox) == 8
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert signup(other, "new@example.nl", REMOTE_ADDR="198.51.100.9").status_code == 200


def test_a_refused_attempt_changes_nothing(client, signup, django_capture_on_commit_callbacks):
    for _ in range(3):
        signup(client, "lisa@example.nl")
    before = ConsentEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert signup(client, "lisa@example.nl").status_code == 429
    assert ConsentEvent.objects.count() == before and not mail.outbox


def test_preferences_link_is_limited(client, organisation, django_capture_on_commit_callbacks):
    url = reverse("center:preferences", args=[organisation.slug])
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, {"email": "lisa@example.nl"}).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429] and len(mail.outbox) == 3


def test_confirming_again_and_again_sends_no_flood(
    client, newsletter, organisation, django_capture_on_commit_callbacks
):
    token = links.confirm_token(newsletter, "lisa@example.nl", "nl")
    url = reverse("center:confirm", args=[organisation.slug, token])
    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url).status_code for _ in range(5)]
    assert answers.count(429) == 2 and len(mail.outbox) == 3


def test_forwarded_for_counts_only_behind_a_trusted_proxy(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.TRUSTED_PROXIES = []
    assert client_ip(spoofed) == "203.0.113.7"
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/8")]
    assert client_ip(spoofed) == "203.0.113.7"  # not from the proxy: the header is ignored
    behind = factory.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20, 10.0.0.3"
    )
    assert client_ip(behind) == "198.51.100.20"  # the nearest hop our proxies did not write
    garbled = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbled) == "10.0.0.2"


def test_behind_a_proxy_each_visitor_has_their_own_limit_and_proof(
    settings, signup, newsletter, django_capture_on_commit_callbacks
):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    client = Client()
    for i in range(12):
        with django_capture_on_commit_callbacks(execute=True):
            response = signup(
                client,
                f"v{i}@example.nl",
                REMOTE_ADDR="127.0.0.1",
                HTTP_X_FORWARDED_FOR=f"198.51.{i}.10",
            )
        assert response.status_code == 200
    event = ConsentEvent.objects.filter(person_key="v3@example.nl").get()
    assert event.ip == "198.51.3.0/24"
    # a visitor who writes the header himself, not through the proxy, is counted by address
    spoof = signup(
        client, "x@example.nl", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.1.1.1"
    )
    assert spoof.status_code == 200
    assert ConsentEvent.objects.get(person_key="x@example.nl").ip == "203.0.113.0/24"


def test_sign_up_needs_the_signed_form_token(client, organisation, newsletter):
    url = reverse("center:subscribe", args=[organisation.slug, newsletter.key])
    data = {"email": "lisa@example.nl", "agree": "1", "age": "16_or_over", "embed": "1"}
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(url, data).status_code == 400
    assert csrf_client.post(url, {**data, "form_token": "forged"}).status_code == 400
    other = actions.save_purpose(
        organisation,
        actor=None,
        key="aanbiedingen",
        name={"nl": "Aanbiedingen"},
        channel="email",
        mechanism="opt_in",
        wording={"nl": "Aanbiedingen per e-mail."},
    )
    wrong = {**data, "form_token": form_token(other)}  # a token of another purpose
    assert csrf_client.post(url, wrong).status_code == 400
    assert not ConsentEvent.objects.exists()
    page = csrf_client.get(url + "?embed=1").content.decode()
    assert 'name="form_token"' in page
    right = {**data, "email": "eva@example.nl", "form_token": form_token(newsletter)}
    assert csrf_client.post(url, right).status_code == 200  # no CSRF cookie needed
    assert ConsentEvent.objects.get().person_key == "eva@example.nl"
