"""A request received by letter, without an e-mail address: every letter is a PDF to print with
the person's address, and nothing is called sent before staff confirm the day it was posted."""

import pytest

from waarborg.audit.models import AuditEntry
from waarborg.requests import actions, post
from waarborg.requests.actions import RequestError
from waarborg.requests.models import (
    Kind,
    LetterChannel,
    RequestLetter,
    Status,
    TaskOutcome,
    Verification,
)

ADDRESS = "Dorpsstraat 12\n3991 AB Houten"


def _postal(firm, handler, kind=Kind.ACCESS):
    return actions.create_request(
        firm,
        actor=handler,
        kind=kind,
        channel="letter",
        name="Els Brief",
        postal_address=ADDRESS,
        customer_number="K-1001",
        language="nl",
    )


def test_a_letter_request_needs_a_postal_address(firm, handler):
    with pytest.raises(RequestError):
        actions.create_request(
            firm, actor=handler, kind=Kind.ACCESS, channel="letter", name="Els Brief"
        )


def test_every_letter_is_a_pdf_and_posted_only_when_confirmed(
    firm, committed, outbox, handler, privacy_officer, client_for
):
    with committed():
        subject_request = _postal(firm, handler)
    assert outbox == []
    [ack] = subject_request.letters.all()
    assert ack.key == "acknowledgement" and ack.channel == LetterChannel.POST
    assert ack.waits_for_post
    html = post.letter_html(ack)
    assert "Els Brief" in html and "Dorpsstraat 12" in html and "3991 AB Houten" in html
    assert subject_request.reference in html and "verificatie" not in ack.body.lower()
    staff = client_for(handler)
    base = f"/requests/{subject_request.pk}"
    pdf = staff.get(f"{base}/letters/{ack.pk}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    page = staff.get(f"{base}/").content.decode()
    assert "nog niet verstuurd" in page and "per post verstuurd op" not in page

    actions.verify_request(
        subject_request,
        actor=handler,
        method=Verification.STAFF,
        note="Handtekening en adres komen overeen met het klantdossier",
        identifiers=["customer_number"],
    )
    with committed():
        actions.extend_deadline(subject_request, actor=privacy_officer, reason="Veel systemen")
    for task in subject_request.tasks.all():
        actions.update_task(task, actor=handler, outcome=TaskOutcome.NOTHING_FOUND)
    answered = client_for(privacy_officer).post(f"{base}/answer/", {"note": ""}, follow=True)
    assert "staat klaar om te printen" in answered.content.decode()
    assert "Het antwoord is verstuurd" not in answered.content.decode()
    subject_request.refresh_from_db()
    assert subject_request.status == Status.ANSWERED
    keys = [letter.key for letter in subject_request.letters.all()]
    assert keys == ["acknowledgement", "extension", "answer_access"]
    assert all(letter.waits_for_post for letter in subject_request.letters.all())
    answer = subject_request.letters.get(key="answer_access")
    assert "link" not in answer.body.lower()
    assert "Bij deze brief ontvangt u een overzicht" in answer.body
    # the printed answer encloses the report
    assert post.letter_pdf(answer).startswith(b"%PDF")
    with pytest.raises(RequestError, match="post"):
        actions.close_request(subject_request, actor=privacy_officer)
    for letter in subject_request.letters.all():
        done = staff.post(f"{base}/letters/{letter.pk}/posted/", follow=True)
        assert "per post verstuurd op" in done.content.decode()
    with pytest.raises(post.PostError):
        post.confirm_posted(answer, actor=handler)  # once
    assert AuditEntry.objects.filter(organisation=firm, action="request.letter_posted").count() == 3
    actions.close_request(subject_request, actor=privacy_officer)
    assert outbox == []


def test_an_erasure_by_post_keeps_no_letter_text_after_closure(
    firm, committed, handler, privacy_officer
):
    subject_request = _postal(firm, handler, kind=Kind.ERASURE)
    actions.verify_request(
        subject_request, actor=handler, method=Verification.STAFF, note="brief met handtekening"
    )
    for task in subject_request.tasks.all():
        actions.update_task(task, actor=handler, outcome=TaskOutcome.NOTHING_FOUND)
    actions.send_answer(subject_request, actor=privacy_officer)
    for letter in subject_request.letters.all():
        post.confirm_posted(letter, actor=handler)
    actions.close_request(subject_request, actor=privacy_officer)
    subject_request.refresh_from_db()
    assert subject_request.postal_address == ""
    assert not RequestLetter.objects.filter(request=subject_request).exclude(body="").exists()
