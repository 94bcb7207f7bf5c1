"""The rate limiter (core/limits.py) on every form that sends e-mail: the password reset per
IP and per address (known or not, the same answer), invitations and a verification sent again;
importable from its old places."""

from django.core import mail
from django.test import Client
from django.urls import reverse

from waarborg.core.models import Attempt, Invitation


def _reset(client, email):
    return client.post(reverse("core:password_reset"), {"email": email})


def test_old_import_paths_are_the_core_limiter():
    from waarborg.center import limits as center_limits
    from waarborg.core import limits
    from waarborg.requests import actions

    assert center_limits.within is limits.within
    assert actions.allow is limits.allow


def test_password_reset_is_limited_per_address(client, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [_reset(client, owner.email).status_code for _ in range(5)]
    assert answers == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    # another address from another client is not held up by it
    assert _reset(Client(REMOTE_ADDR="198.51.100.7"), "iemand@x.example").status_code == 302


def test_an_unknown_address_is_limited_the_same_way(client, db):
    answers = [_reset(client, "niemand@x.example").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]  # nothing tells which addresses have an account
    assert not mail.outbox


def test_password_reset_is_limited_per_ip(client, owner):
    answers = [_reset(client, f"p{i}@x.example").status_code for i in range(11)]
    assert answers.count(429) == 1 and answers[-1] == 429
    # over the IP limit, even a real account's address gets no mail
    assert _reset(client, owner.email).status_code == 429
    assert not mail.outbox
    # another client is counted apart
    assert _reset(Client(REMOTE_ADDR="198.51.100.8"), owner.email).status_code == 302


def test_a_refused_reset_sends_nothing_and_says_so(client, owner):
    for _ in range(3):
        _reset(client, owner.email)
    mail.outbox.clear()
    response = _reset(client, owner.email)
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    assert not mail.outbox


def test_the_limiter_stores_no_address(client, owner):
    _reset(client, owner.email)
    stored = list(Attempt.objects.values_list("scope", "key_hash"))
    assert {scope for scope, _ in stored} == {"password-reset-ip", "password-reset-address"}
    assert all(owner.email not in key and "127.0.0.1" not in key for _, key in stored)


def test_invitations_to_one_address_are_limited(
    client_for, owner, organisation, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    url = reverse("core:invite")
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"email": "nieuw@x.example", "role": "viewer"})
    assert Invitation.objects.filter(organisation=organisation, email="nieuw@x.example").exists()
    sent, rows = len(mail.outbox), Invitation.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "nieuw@x.example", "role": "viewer"}, follow=True)
    assert "Te veel uitnodigingen" in response.content.decode()
    assert len(mail.outbox) == sent and Invitation.objects.count() == rows
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": "ander@x.example", "role": "viewer"})
    assert len(mail.outbox) == sent + 1  # another address is counted apart


def test_sending_the_verification_again_is_limited(
    client_for, handler, organisation, django_capture_on_commit_callbacks
):
    from waarborg.requests import actions

    with django_capture_on_commit_callbacks(execute=True):
        subject_request = actions.create_request(
            organisation, actor=None, kind="access", channel="web", name="Jan", email="jan@x.nl"
        )
    client = client_for(handler)
    url = reverse("requests:resend", args=[subject_request.pk])
    mail.outbox.clear()
    for _ in range(6):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, follow=True)
    assert len(mail.outbox) == 5
    assert "Te veel pogingen" in response.content.decode()
