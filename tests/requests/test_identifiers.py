"""Tests that try to make a request disclose another person's data (Art. 12(6), 15(4) GDPR).

Two customers are in the connected web shop: Jan de Jong (K-1001, jan.dejong@example.nl) and
customer 2 (K-1002, klant2@example.nl, +31612340002). Whatever a requester claims, only the
identifiers they proved are used, and nothing of customer 2 ever leaves the shop.
"""

import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from waarborg.audit.models import AuditEntry
from waarborg.core import actions as core_actions
from waarborg.requests import actions
from waarborg.requests.actions import ID_SALT, VERIFY_SALT, RequestError
from waarborg.requests.models import (
    ClaimedDecision,
    FileKind,
    Kind,
    RequestFile,
    SubjectRequest,
    TaskKind,
    TaskStatus,
    Verification,
)
from waarborg.sources import engine

from .conftest import link_in, path_of

OTHER = {"email": "klant2@example.nl", "klantnummer": "K-1002", "phone": "+31612340002"}


def _new(firm, committed, email, kind=Kind.ACCESS, **extra):
    with committed():
        return actions.create_request(
            firm, actor=None, kind=kind, channel="web", name="Iemand", email=email, **extra
        )


def _click(outbox, marker="/request/verify/"):
    link = link_in(outbox[-1], marker)
    client = Client()
    return client, client.post(path_of(link)), link


def _webshop(subject_request):
    return subject_request.tasks.get(kind=TaskKind.SYSTEM, system__key="webshop")


def _close_other_tasks(subject_request, actor):
    for task in subject_request.tasks.exclude(system__key="webshop"):
        if task.is_open:
            actions.update_task(
                task, actor=actor, status=TaskStatus.NOT_APPLICABLE, reason="geen klantgegevens"
            )


def _everything_stored(subject_request):
    """Every text Waarborg keeps about the request: task results, files and audit entries."""
    parts = [json.dumps(t.result) for t in subject_request.tasks.all()]
    for stored in RequestFile.objects.filter(request=subject_request):
        content = stored.content()
        if stored.kind == FileKind.PACKAGE:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts += [archive.read(n).decode(errors="replace") for n in archive.namelist()]
        else:
            parts.append(content.decode(errors="replace"))
    for entry in AuditEntry.objects.filter(organisation=subject_request.organisation):
        parts.append(json.dumps([entry.old, entry.new], default=str))
    return "\n".join(parts)


def _assert_nothing_of_the_other(text):
    for value in (OTHER["email"], OTHER["klantnummer"], OTHER["phone"], "klant2@"):
        assert value not in text


def test_another_persons_customer_number_returns_nothing_of_theirs(
    firm, shop, committed, outbox, handler, privacy_officer
):
    subject_request = _new(
        firm, committed, "nieuw.adres@example.org", customer_number=OTHER["klantnummer"]
    )
    with committed():
        _click(outbox)
    subject_request.refresh_from_db()
    assert subject_request.verified_identifiers == ["email"]
    assert actions.claimed_identities(subject_request) == {"customer_number": "K-1002"}
    webshop = _webshop(subject_request)
    with pytest.raises(RequestError, match="another address|ander adres"):
        actions.run_task(webshop, actor=handler)
    webshop.refresh_from_db()
    assert webshop.status == TaskStatus.OPEN
    check = webshop.result["claimed"]
    assert check["status"] == "mismatch" and check["rows"]["mismatch"] == 1
    assert check["found"] == ["k***@example.nl"]  # masked: staff see that, not whose
    assert "found" not in webshop.result
    # nothing can be sent while the decision waits, not even with every task marked done
    _close_other_tasks(subject_request, handler)
    actions.update_task(webshop, actor=handler, status=TaskStatus.DONE)
    with pytest.raises(RequestError, match="decide|besluit"):
        actions.send_answer(subject_request, actor=privacy_officer)
    # the page says so prominently
    page = _staff_page(handler, subject_request)
    assert 'id="claimed-mismatch"' in page and "k***@example.nl" in page
    # staff leave the claimed number out: the look-up uses the verified address only
    actions.update_task(webshop, actor=handler, status=TaskStatus.OPEN)
    with pytest.raises(RequestError):
        actions.decide_claimed(subject_request, actor=handler, decision="ignored", reason=" ")
    actions.decide_claimed(
        subject_request,
        actor=handler,
        decision=ClaimedDecision.IGNORED,
        reason="Klantnummer hoort bij een ander e-mailadres",
    )
    actions.run_task(webshop, actor=handler)
    webshop.refresh_from_db()
    assert webshop.result["found"] == {}
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    assert outbox[-1].to == ["nieuw.adres@example.org"]
    _assert_nothing_of_the_other(_everything_stored(subject_request))
    entry = AuditEntry.objects.get(organisation=firm, action="request.claimed_decision")
    assert entry.new["decision"] == "ignored" and entry.new["reason"]


def _staff_page(user, subject_request):
    client = Client()
    client.force_login(user)
    page = client.get(f"/requests/{subject_request.pk}/")
    assert page.status_code == 200
    return page.content.decode()


def test_a_second_address_with_another_persons_phone(firm, shop, committed, outbox, handler):
    subject_request = _new(
        firm, committed, "tweede@example.org", kind=Kind.ERASURE, phone=OTHER["phone"]
    )
    with committed():
        _click(outbox)
    subject_request.refresh_from_db()
    webshop = _webshop(subject_request)
    with pytest.raises(RequestError):
        actions.run_task(webshop, actor=handler)
    # nothing of the other customer was erased
    rows = engine.access(shop.url, shop.dataset(), {"email": [OTHER["email"]]})
    assert rows["klant"]["rows"]
    assert not AuditEntry.objects.filter(organisation=firm, action="source.erase").exists()


def test_claimed_identifiers_whose_rows_carry_the_verified_address_are_used(
    firm, shop, committed, outbox, handler
):
    subject_request = _new(
        firm, committed, "jan.dejong@example.nl", customer_number="K-1001", phone="+31612340001"
    )
    with committed():
        _click(outbox)
    subject_request.refresh_from_db()
    webshop = _webshop(subject_request)
    actions.run_task(webshop, actor=handler)
    webshop.refresh_from_db()
    assert webshop.result["claimed"]["status"] == "confirmed"
    klant = webshop.result["found"]["klant"]
    assert [row[klant["fields"].index("klantnummer")] for row in klant["rows"]] == ["K-1001"]


def test_a_claimed_number_of_another_person_next_to_ones_own(
    firm, shop, committed, outbox, handler
):
    # the verified address is Jan's, the claimed number customer 2's: still a mismatch
    subject_request = _new(firm, committed, "jan.dejong@example.nl", customer_number="K-1002")
    with committed():
        _click(outbox)
    subject_request.refresh_from_db()
    with pytest.raises(RequestError):
        actions.run_task(_webshop(subject_request), actor=handler)
    assert _webshop(subject_request).result["claimed"]["status"] == "mismatch"


def test_staff_confirming_the_claim_needs_a_reason_and_is_audited(
    firm, shop, committed, outbox, handler
):
    subject_request = _new(firm, committed, "nieuw@example.org", customer_number="K-1002")
    with committed():
        _click(outbox)
    subject_request.refresh_from_db()
    with pytest.raises(RequestError):
        actions.run_task(_webshop(subject_request), actor=handler)
    actions.decide_claimed(
        subject_request,
        actor=handler,
        decision=ClaimedDecision.CONFIRMED,
        reason="Teruggebeld op het nummer in het klantdossier; nieuw e-mailadres bevestigd",
    )
    actions.run_task(_webshop(subject_request), actor=handler)
    klant = _webshop(subject_request).result["found"]["klant"]
    assert len(klant["rows"]) == 1


def test_staff_verification_verifies_only_what_staff_checked(
    firm, shop, committed, outbox, handler, privacy_officer
):
    subject_request = _new(firm, committed, "jan.dejong@example.nl", customer_number="K-1002")
    actions.verify_request(
        subject_request,
        actor=handler,
        method=Verification.STAFF,
        note="belde, kende de bestelling",
        identifiers=["customer_number", "nonsense"],
    )
    subject_request.refresh_from_db()
    assert subject_request.verified_identifiers == ["customer_number"]
    # the e-mail address is claimed now: no package goes to it before its link is clicked
    _close_other_tasks(subject_request, handler)
    with pytest.raises(RequestError):
        actions.run_task(_webshop(subject_request), actor=handler)  # its rows hold another
    actions.update_task(_webshop(subject_request), actor=handler, status=TaskStatus.DONE)
    actions.decide_claimed(
        subject_request, actor=handler, decision=ClaimedDecision.IGNORED, reason="adres onbekend"
    )
    with pytest.raises(RequestError, match="not verified|niet geverifieerd"):
        actions.send_answer(subject_request, actor=privacy_officer)
    with committed():
        actions.resend_verification(subject_request, actor=handler)
    with committed():
        _click(outbox)
    subject_request.refresh_from_db()
    assert subject_request.verified_identifiers == ["customer_number", "email"]
    assert AuditEntry.objects.filter(organisation=firm, action="request.address_verified").exists()


def test_without_a_verified_identifier_nothing_is_looked_up(firm, shop, committed, handler):
    subject_request = _new(firm, committed, "jan.dejong@example.nl")
    actions.verify_request(
        subject_request, actor=handler, method=Verification.STAFF, note="bekend gezicht"
    )
    with pytest.raises(RequestError, match="verified|geverifieerd"):
        actions.run_task(_webshop(subject_request), actor=handler)
    assert not AuditEntry.objects.filter(organisation=firm, action="source.access").exists()


def test_a_replayed_link_changes_nothing(firm, shop, committed, outbox):
    subject_request = _new(firm, committed, "jan.dejong@example.nl")
    with committed():
        client, first, link = _click(outbox)
    subject_request.refresh_from_db()
    verified_at, tasks = subject_request.verified_at, subject_request.tasks.count()
    again = client.post(path_of(link))
    assert again.status_code == 200
    subject_request.refresh_from_db()
    assert subject_request.verified_at == verified_at
    assert subject_request.tasks.count() == tasks
    assert AuditEntry.objects.filter(organisation=firm, action="request.verify").count() == 1


def test_an_expired_link_verifies_nothing(firm, committed, outbox):
    subject_request = _new(firm, committed, "jan.dejong@example.nl")
    link = link_in(outbox[-1], "/request/verify/")
    with time_machine.travel(datetime.now() + timedelta(days=15)):
        response = Client().post(path_of(link))
    assert response.status_code == 400
    subject_request.refresh_from_db()
    assert not subject_request.is_verified


def test_a_token_of_another_organisation_opens_nothing(
    firm, shop, committed, outbox, owner, handler, privacy_officer
):
    other_org = core_actions.create_organisation(
        actor=owner, owner=owner, name="Ander B.V.", slug="ander"
    )
    subject_request = _new(firm, committed, "jan.dejong@example.nl")
    token = path_of(link_in(outbox[-1], "/request/verify/")).rstrip("/").split("/")[-1]
    assert actions.request_from_token(other_org, token, VERIFY_SALT) is None
    assert actions.request_from_token(firm, token, ID_SALT) is None  # another purpose
    response = Client().post(f"/c/ander/request/verify/{token}/")
    assert response.status_code == 400
    subject_request.refresh_from_db()
    assert not subject_request.is_verified
    # a package's download link opens only at its own organisation
    with committed():
        _click(outbox)
    subject_request.refresh_from_db()
    actions.run_task(_webshop(subject_request), actor=handler)
    _close_other_tasks(subject_request, handler)
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    download = path_of(link_in(outbox[-1], "/download/"))
    assert Client().get(download).status_code == 200
    assert Client().get(download.replace(f"/c/{firm.slug}/", "/c/ander/")).status_code == 400


def test_copies_only_to_a_known_address(firm, shop, committed, outbox, handler, privacy_officer):
    actions.save_settings(firm, actor=privacy_officer, copies_to_known_address=True)
    subject_request = _new(firm, committed, "onbekend@example.org")
    with committed():
        _click(outbox)
    subject_request.refresh_from_db()
    actions.run_task(_webshop(subject_request), actor=handler)
    _close_other_tasks(subject_request, handler)
    with pytest.raises(RequestError, match="known address|bekend adres"):
        actions.send_answer(subject_request, actor=privacy_officer)
    actions.record_identity_check(
        subject_request, actor=handler, note="Paspoort getoond aan de balie"
    )
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    assert SubjectRequest.objects.get(pk=subject_request.pk).answered_at
    known = _new(firm, committed, "jan.dejong@example.nl")
    with committed():
        _click(outbox)
    known.refresh_from_db()
    actions.run_task(_webshop(known), actor=handler)
    _close_other_tasks(known, handler)
    with committed():
        actions.send_answer(known, actor=privacy_officer)


def test_the_request_page_writes_phone_numbers_as_people_do(
    firm, shop, committed, outbox, client_for, owner
):
    subject_request = _new(
        firm, committed, "jan.dejong@example.nl", customer_number="K-1001", phone="+31612340001"
    )
    with committed():
        _click(outbox)
    page = client_for(owner).get(reverse("requests:detail", args=[subject_request.pk]))
    page = page.content.decode()
    assert "06 12340001" in page
    assert "+31612340001" not in page
    # claimed, not verified, in the same notation
    assert page.count("06 12340001") >= 2


def test_a_phone_number_of_another_country_keeps_its_code():
    from waarborg.core.templatetags.waarborg import phone

    assert phone("+3222345678") == "+32 2 234 56 78"
    assert phone("0612340001") == "06 12340001"
    assert phone("twelve") == "twelve"
    assert phone("") == ""
