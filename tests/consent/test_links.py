"""No personal data in the links of consent e-mails: an opaque random id, stored hashed, that
expires where it should; links sent before (the address in a signed token) keep working."""

import base64
import hashlib
import re
import zlib
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from waarborg.center.consent_views import form_token
from waarborg.consent import actions, links
from waarborg.consent.models import ConsentEvent, ConsentState, LinkToken

ADDRESS = "lisa@example.nl"


def tokens_in(text):
    return re.findall(r"/c/[^/]+/(?:confirm|unsubscribe|preferences)/([^/\s>]+)/", text)


def decodes_to_address(token):
    """Whether the token, read as the old signed tokens could be, holds the address."""
    part = token.split(":")[0].lstrip(".")
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except ValueError:
        return False
    return any(ADDRESS.encode() in data for data in (raw, _inflate(raw)))


def _inflate(raw):
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return b""


def old(salt, data, timed=True):
    signer = signing.TimestampSigner(salt=salt) if timed else signing.Signer(salt=salt)
    return signer.sign_object(data, compress=True)


def test_every_mailed_link_is_opaque_and_stored_hashed(
    client, organisation, newsletter, django_capture_on_commit_callbacks
):
    url = reverse("center:subscribe", args=[organisation.slug, newsletter.key])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": ADDRESS, "agree": "1", "form_token": form_token(newsletter)})
    confirm = tokens_in(mail.outbox[0].body)[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("center:confirm", args=[organisation.slug, confirm]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("center:preferences", args=[organisation.slug]), {"email": ADDRESS})
    found = [t for m in mail.outbox for t in tokens_in(m.body + str(m.extra_headers))]
    assert len(found) >= 3
    for token in found:
        assert ADDRESS not in token and "lisa" not in token and not decodes_to_address(token)
        assert ":" not in token and len(token) >= 32
        row = LinkToken.objects.get(token_hash=hashlib.sha256(token.encode()).hexdigest())
        assert token not in (row.token_hash + row.token_encrypted)
    # the proof keeps no link id either
    for event in ConsentEvent.objects.all():
        assert not any(token in event.page for token in found)


def test_links_expire_where_they_should(client, organisation, newsletter):
    confirm = links.confirm_token(newsletter, ADDRESS, "nl")
    preferences = links.preferences_token(organisation, ADDRESS, "nl")
    unsubscribe = links.unsubscribe_token(newsletter, ADDRESS)
    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later):
        with pytest.raises(links.LinkError):
            links.read_confirm(confirm)
        with pytest.raises(links.LinkError):
            links.read_preferences(preferences)
    with time_machine.travel(timezone.now() + timedelta(days=5 * 365)):
        assert links.read_unsubscribe(unsubscribe)["k"] == ADDRESS  # for good
    assert links.unsubscribe_token(newsletter, ADDRESS) == unsubscribe  # one per person
    for reader in (links.read_confirm, links.read_unsubscribe, links.read_preferences):
        with pytest.raises(links.LinkError):
            reader("x" * 32)
    with pytest.raises(links.LinkError):
        links.read_confirm(unsubscribe)  # another kind of link


def test_links_sent_before_keep_working(client, organisation, newsletter):
    unsubscribe = old("consent-unsubscribe", {"p": newsletter.pk, "k": ADDRESS}, timed=False)
    response = client.post(reverse("center:unsubscribe", args=[organisation.slug, unsubscribe]))
    assert response.status_code == 200
    assert ConsentState.objects.get(person_key=ADDRESS).status == "withdrawn"
    confirm = old("consent-confirm", {"p": newsletter.pk, "k": ADDRESS, "l": "nl"})
    response = client.post(reverse("center:confirm", args=[organisation.slug, confirm]))
    assert response.status_code == 200
    assert ConsentState.objects.get(person_key=ADDRESS).status == "granted"
    preferences = old("consent-preferences", {"o": organisation.pk, "k": ADDRESS, "l": "nl"})
    page = client.get(reverse("center:preferences_page", args=[organisation.slug, preferences]))
    assert page.status_code == 200
    assert not any(unsubscribe in e.page or confirm in e.page for e in ConsentEvent.objects.all())


def test_a_link_of_another_organisation_is_refused(
    client, organisation, newsletter, other_organisation
):
    token = links.preferences_token(organisation, ADDRESS, "nl")
    response = client.get(reverse("center:preferences_page", args=[other_organisation.slug, token]))
    assert response.status_code == 404
    unsubscribe = links.unsubscribe_token(newsletter, ADDRESS)
    response = client.post(
        reverse("center:unsubscribe", args=[other_organisation.slug, unsubscribe])
    )
    assert response.status_code == 404
    assert not ConsentEvent.objects.exists()


def test_the_api_gives_an_opaque_unsubscribe_link(newsletter):
    actions.record_event(newsletter, ADDRESS, "granted", source="form")
    url = links.unsubscribe_url(newsletter, ADDRESS)
    assert ADDRESS not in url and not decodes_to_address(url.rstrip("/").rsplit("/", 1)[-1])
