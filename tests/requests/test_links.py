"""Links e-mailed about a request (verification, ID upload, package download) are opaque random
ids stored hashed (core/links.py): forged, foreign, expired, replaced or replayed links do
nothing, and links signed the old way keep working until they expire."""

import base64
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from waarborg.audit.models import AuditEntry
from waarborg.core.links import token_hash
from waarborg.requests import actions
from waarborg.requests.actions.identity import _address_tag
from waarborg.requests.models import (
    FileKind,
    Kind,
    RequestFile,
    RequestLink,
    TaskStatus,
    Verification,
)
from waarborg.sources.demo_shop import DEMO_CUSTOMER

from .conftest import link_in, path_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _new(firm, committed, email=DEMO_CUSTOMER["email"], kind=Kind.ACCESS):
    with committed():
        return actions.create_request(
            firm, actor=None, kind=kind, channel="web", name="Jan de Jong", email=email
        )


@pytest.fixture
def firm_with_links(organisation):
    """An organisation with a verification link and a download link handed out; the property
    test only looks links up, so its examples share it."""
    subject_request = actions.create_request(
        organisation, actor=None, kind=Kind.ACCESS, channel="web", name="Jan", email="j@x.nl"
    )
    verify_token, _row = mint_link(subject_request, RequestLink.Kind.VERIFY)
    package = actions._store_file(
        subject_request,
        FileKind.PACKAGE,
        b"PK",
        actor_text="test",
        name="p.zip",
        expires_at=timezone.now() + timedelta(days=30),
    )
    download_token, _row = mint_link(subject_request, RequestLink.Kind.DOWNLOAD, package)
    return organisation, {"verify": verify_token, "download": download_token}


def mint_link(subject_request, kind, package=None):
    from waarborg.core.links import mint

    return mint(
        RequestLink,
        age=timedelta(days=1),
        organisation=subject_request.organisation,
        request=subject_request,
        kind=kind,
        package=package,
        address_tag=_address_tag(subject_request),
    )


def _token(link):
    return path_of(link).rstrip("/").rsplit("/", 1)[-1]


def _answered(firm, committed, outbox, officer, email=DEMO_CUSTOMER["email"]):
    """An access request answered with a package; returns (request, download link)."""
    subject_request = _new(firm, committed, email=email)
    actions.verify_request(
        subject_request,
        actor=officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant",
    )
    for task in subject_request.tasks.all():
        actions.update_task(
            task, actor=officer, status=TaskStatus.NOT_APPLICABLE, reason="geen gegevens"
        )
    with committed():
        actions.send_answer(subject_request, actor=officer)
    return subject_request, link_in(outbox[-1], "/download/")


def test_the_verification_link_is_opaque_and_stored_hashed(firm, committed, outbox):
    subject_request = _new(firm, committed)
    token = _token(link_in(outbox[-1], "/request/verify/"))
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    link = RequestLink.objects.get(request=subject_request)
    assert link.kind == "verify" and link.token_hash == token_hash(token) != token
    assert token not in str(list(RequestLink.objects.values()))
    decoded = base64.urlsafe_b64decode(token + "==")
    assert subject_request.email.encode() not in decoded and b'"r"' not in decoded


def test_the_link_verifies_once_and_a_replay_changes_nothing(firm, committed, outbox):
    subject_request = _new(firm, committed)
    path = path_of(link_in(outbox[-1], "/request/verify/"))
    client = Client()
    assert client.post(path).status_code == 200
    subject_request.refresh_from_db()
    assert subject_request.is_verified
    assert RequestLink.objects.get(request=subject_request).used_at is not None
    entries = AuditEntry.objects.count()
    again = client.post(path)
    assert again.status_code == 200  # the person sees it is done
    assert AuditEntry.objects.count() == entries


def test_forged_links_are_refused(firm, committed, outbox):
    subject_request = _new(firm, committed)
    real = _token(link_in(outbox[-1], "/request/verify/"))
    forged = [
        "A" * 32,
        real[:-1] + ("A" if real[-1] != "A" else "B"),
        real.upper() if real.upper() != real else real.lower(),
        "x" * 200,
        signing.dumps({"r": subject_request.pk, "a": "wrong"}, salt=actions.VERIFY_SALT),
        signing.dumps({"r": subject_request.pk, "a": _address_tag(subject_request)}, salt="x"),
    ]
    for token in forged:
        response = Client().post(f"/c/{firm.slug}/request/verify/{token}/")
        assert response.status_code == 400, token
        assert "Deze link werkt niet" in response.content.decode()
    subject_request.refresh_from_db()
    assert not subject_request.is_verified


def test_a_link_of_another_organisation_or_kind_is_refused(
    firm, other_organisation, committed, outbox
):
    subject_request = _new(firm, committed)
    token = _token(link_in(outbox[-1], "/request/verify/"))
    for path in (
        f"/c/{other_organisation.slug}/request/verify/{token}/",
        f"/c/{firm.slug}/request/id/{token}/",
        f"/c/{firm.slug}/download/{token}/",
    ):
        assert Client().post(path).status_code == 400, path
    subject_request.refresh_from_db()
    assert not subject_request.is_verified


def test_a_link_of_another_request_opens_only_that_request(firm, committed, outbox):
    first = _new(firm, committed, email="een@example.nl")
    first_path = path_of(link_in(outbox[-1], "/request/verify/"))
    second = _new(firm, committed, email="twee@example.nl")
    assert Client().post(first_path).status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_verified and not second.is_verified


def test_an_expired_verification_link_is_refused(firm, committed, outbox):
    subject_request = _new(firm, committed)
    path = path_of(link_in(outbox[-1], "/request/verify/"))
    days = actions.settings_for(firm).verification_days
    with time_machine.travel(datetime.now(tz=AMSTERDAM) + timedelta(days=days, hours=1)):
        assert Client().post(path).status_code == 400
    subject_request.refresh_from_db()
    assert not subject_request.is_verified


def test_changing_the_address_voids_the_link(firm, committed, outbox):
    subject_request = _new(firm, committed)
    path = path_of(link_in(outbox[-1], "/request/verify/"))
    subject_request.email = "ander@example.nl"
    subject_request.save(update_fields=["email"])
    assert Client().post(path).status_code == 400


def test_a_verification_link_signed_the_old_way_still_works(firm, committed, outbox):
    subject_request = _new(firm, committed)
    token = signing.dumps(
        {"r": subject_request.pk, "a": _address_tag(subject_request)}, salt=actions.VERIFY_SALT
    )
    assert Client().post(f"/c/{firm.slug}/request/verify/{token}/").status_code == 200
    subject_request.refresh_from_db()
    assert subject_request.is_verified
    days = actions.settings_for(firm).verification_days
    other = _new(firm, committed, email="later@example.nl")
    late = signing.dumps({"r": other.pk, "a": _address_tag(other)}, salt=actions.VERIFY_SALT)
    with time_machine.travel(datetime.now(tz=AMSTERDAM) + timedelta(days=days, hours=1)):
        assert Client().post(f"/c/{firm.slug}/request/verify/{late}/").status_code == 400


def test_the_download_link_is_opaque_and_works_until_the_package_expires(
    firm, shop, committed, outbox, privacy_officer
):
    subject_request, link = _answered(firm, committed, outbox, privacy_officer)
    token = _token(link)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    package = RequestFile.objects.get(request=subject_request, kind=FileKind.PACKAGE)
    stored = RequestLink.objects.get(request=subject_request, kind="download")
    assert stored.package == package and stored.expires_at == package.expires_at
    client = Client()
    assert client.get(path_of(link)).status_code == 200
    zipped = client.get(path_of(link) + f"{package.name}")
    assert zipped.status_code == 200 and zipped["Content-Type"] == "application/zip"
    assert client.get(path_of(link)).status_code == 200  # as often as needed until it expires
    with time_machine.travel(package.expires_at + timedelta(minutes=1)):
        assert Client().get(path_of(link)).status_code == 400


def test_a_download_link_opens_no_other_package(
    firm, other_organisation, shop, committed, outbox, privacy_officer
):
    first, link = _answered(firm, committed, outbox, privacy_officer)
    token = _token(link)
    assert Client().get(f"/c/{other_organisation.slug}/download/{token}/").status_code == 400
    assert Client().get(f"/c/{firm.slug}/request/verify/{token}/").status_code == 400
    # a package built again replaces the old one, and its links with it
    actions.build_package(first, actor=privacy_officer)
    assert Client().get(path_of(link)).status_code == 400


def test_a_download_link_signed_the_old_way_still_works(
    firm, shop, committed, outbox, privacy_officer
):
    subject_request, _link = _answered(firm, committed, outbox, privacy_officer)
    package = RequestFile.objects.get(request=subject_request, kind=FileKind.PACKAGE)
    token = signing.dumps({"f": package.pk}, salt=actions.DOWNLOAD_SALT)
    assert Client().get(f"/c/{firm.slug}/download/{token}/").status_code == 200
    forged = signing.dumps({"f": package.pk}, salt="another")
    assert Client().get(f"/c/{firm.slug}/download/{forged}/").status_code == 400
    with time_machine.travel(package.expires_at + timedelta(minutes=1)):
        assert Client().get(f"/c/{firm.slug}/download/{token}/").status_code == 400


def test_the_id_upload_link_is_opaque_and_for_its_request_only(
    firm, other_organisation, committed, outbox, privacy_officer
):
    subject_request = _new(firm, committed)
    verify_token = _token(link_in(outbox[-1], "/request/verify/"))
    with committed():
        actions.request_id_copy(subject_request, actor=privacy_officer)
    link = link_in(outbox[-1], "/request/id/")
    token = _token(link)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)
    assert RequestLink.objects.get(token_hash=token_hash(token)).kind == "id_upload"
    assert Client().get(path_of(link)).status_code == 200
    assert Client().get(f"/c/{other_organisation.slug}/request/id/{token}/").status_code == 400
    assert Client().post(f"/c/{firm.slug}/request/verify/{token}/").status_code == 400
    assert Client().get(f"/c/{firm.slug}/request/id/{verify_token}/").status_code == 400
    old = signing.dumps(
        {"r": subject_request.pk, "a": _address_tag(subject_request)}, salt=actions.ID_SALT
    )
    assert Client().get(f"/c/{firm.slug}/request/id/{old}/").status_code == 200
    # once the identity is established the upload link is of no use any more
    actions.verify_request(
        subject_request,
        actor=privacy_officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant",
    )
    assert Client().get(path_of(link)).status_code == 400


@given(token=st.text(min_size=1, max_size=80).filter(lambda t: "/" not in t))
def test_no_made_up_token_opens_a_request_or_a_package(token, firm_with_links):
    """Whatever the text, only a token that was handed out opens anything."""
    organisation, handed_out = firm_with_links
    assert actions.request_from_token(organisation, handed_out["verify"], actions.VERIFY_SALT)
    assert actions.package_from_token(organisation, handed_out["download"])
    assume(token not in handed_out.values())
    for salt in (actions.VERIFY_SALT, actions.ID_SALT):
        assert actions.request_from_token(organisation, token, salt) is None
    assert actions.package_from_token(organisation, token) is None
