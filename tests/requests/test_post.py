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


def _erasure_with_recipients(firm, committed, handler):
    from waarborg.register.models import Party

    Party.objects.filter(organisation=firm, key="routit").update(
        contact="Postbus 1234, 3800 AA Amersfoort, +31 33 123 4567"
    )
    with committed():
        subject_request = actions.create_request(
            firm,
            actor=handler,
            kind=Kind.ERASURE,
            channel="email",
            name="Jan de Jong",
            email="jan.dejong@example.nl",
            language="nl",
        )
    actions.verify_request(
        subject_request, actor=handler, method=Verification.STAFF, identifiers=["email"], note="k"
    )
    # erased by hand in the mailbox: an Art. 19 letter says what was done, so something is
    mailbox = subject_request.tasks.get(system__key="mailbox")
    actions.update_task(mailbox, actor=handler, outcome=TaskOutcome.DONE)
    return subject_request


def test_an_art_19_letter_to_a_recipient_without_e_mail_goes_by_post(
    firm, committed, outbox, handler, privacy_officer, client_for
):
    from waarborg.requests.models import TaskKind, TaskStatus
    from waarborg.requests.statements import told_recipients

    subject_request = _erasure_with_recipients(firm, committed, handler)
    routit = subject_request.tasks.get(kind=TaskKind.NOTIFY, party__key="routit")
    outbox.clear()
    staff = client_for(handler)
    base = f"/requests/{subject_request.pk}"
    page = staff.get(f"{base}/").content.decode()
    assert "Art. 19-brief schrijven voor de post" in page
    written = staff.post(f"{base}/tasks/{routit.pk}/notify/", follow=True).content.decode()
    assert "De brief is geschreven" in written
    assert outbox == []  # nothing was sent
    [letter] = routit.letters.all()
    assert letter.channel == LetterChannel.POST and letter.waits_for_post
    routit.refresh_from_db()
    assert routit.status == TaskStatus.OPEN  # not told before it is posted
    assert "RoutIT" not in " ".join(told_recipients(subject_request))
    assert letter not in subject_request.letters.filter(task__isnull=True)
    html = post.letter_html(letter)
    assert "Postbus 1234" in html and "3800 AA Amersfoort" in html
    assert "+31 33" not in html.split('class="address"')[1].split("</div>")[0]
    assert "Jan de Jong" not in html.split('class="address"')[1].split("</div>")[0]
    assert "artikel 19" in letter.body and subject_request.reference in html
    pdf = staff.get(f"{base}/letters/{letter.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = staff.get(f"{base}/").content.decode()
    block = page.split(f'id="task-letter-{letter.pk}"')[1].split("</div>")[0]
    assert "nog niet verstuurd" in block and "verstuurd op" not in block
    with pytest.raises(RequestError):
        actions.notify_recipient(routit, actor=handler)  # written once
    assert routit.letters.count() == 1
    entry = AuditEntry.objects.filter(action="request.recipient_letter_written").get()
    assert entry.new["party"] == "routit"

    posted = staff.post(f"{base}/letters/{letter.pk}/posted/", follow=True).content.decode()
    assert "per post verstuurd op" in posted
    letter.refresh_from_db()
    routit.refresh_from_db()
    assert letter.sent_on is not None and routit.status == TaskStatus.DONE
    told = AuditEntry.objects.filter(action="request.recipient_notified").latest("pk")
    assert told.new == {"party": "routit", "by": "post"}
    assert any("RoutIT" in name or "Routit" in name for name in told_recipients(subject_request))
    assert outbox == []


def test_a_recipient_with_e_mail_is_told_by_e_mail_and_its_letter_kept(
    firm, committed, outbox, handler
):
    from waarborg.requests.models import TaskKind

    subject_request = _erasure_with_recipients(firm, committed, handler)
    exact = subject_request.tasks.get(kind=TaskKind.NOTIFY, party__key="exact")
    outbox.clear()
    with committed():
        letter = actions.notify_recipient(exact, actor=handler)
    assert [m.to for m in outbox] == [["privacy@exact.example"]]
    assert letter.channel == LetterChannel.EMAIL and letter.sent_on and letter.task == exact
    assert letter.body == outbox[0].body


def test_a_recipient_without_any_address_gets_no_letter_and_nothing_says_told(
    firm, committed, outbox, handler, privacy_officer
):
    from waarborg.register.models import Party
    from waarborg.requests.models import TaskKind, TaskStatus

    subject_request = _erasure_with_recipients(firm, committed, handler)
    Party.objects.filter(organisation=firm, key="microsoft").update(contact="")
    task = subject_request.tasks.get(kind=TaskKind.NOTIFY, party__key="microsoft")
    with pytest.raises(RequestError, match="register"):
        actions.notify_recipient(task, actor=handler)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not task.letters.exists()


def test_closure_waits_for_a_recipient_letter_and_others_cannot_touch_it(
    firm, committed, outbox, handler, privacy_officer, client_for, other_owner, other_organisation
):
    from waarborg.requests.models import TaskKind

    subject_request = _erasure_with_recipients(firm, committed, handler)
    routit = subject_request.tasks.get(kind=TaskKind.NOTIFY, party__key="routit")
    letter = actions.notify_recipient(routit, actor=handler)
    outsider = client_for(other_owner)
    base = f"/requests/{subject_request.pk}"
    assert outsider.get(f"{base}/letters/{letter.pk}.pdf").status_code == 404
    assert outsider.post(f"{base}/letters/{letter.pk}/posted/").status_code == 404
    letter.refresh_from_db()
    assert letter.waits_for_post
    for task in subject_request.tasks.all():
        if task.is_open and task.pk != routit.pk:
            actions.update_task(task, actor=handler, outcome=TaskOutcome.NOTHING_FOUND)
    with pytest.raises(RequestError):
        actions.send_answer(subject_request, actor=privacy_officer)  # the notice is open
    actions.waive_task(routit, actor=privacy_officer, reason="partij opgeheven")
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    with pytest.raises(RequestError, match="post"):
        actions.close_request(subject_request, actor=privacy_officer)
    post.confirm_posted(letter, actor=handler)
    routit.refresh_from_db()
    assert routit.is_waived  # a waived task stays waived
    actions.close_request(subject_request, actor=privacy_officer)


def test_a_forward_without_e_mail_goes_by_post_and_the_person_is_told_only_then(
    firm, committed, outbox, owner, handler, privacy_officer
):
    from waarborg.register import actions as register_actions
    from waarborg.register.models import Party
    from waarborg.requests.models import TaskKind, TaskStatus

    register_actions.save_item(
        "parties",
        firm,
        {
            "key": "woonstede",
            "name": {"nl": "Woonstede"},
            "kind": "client_controller",
            "country": "NL",
            "contact": "Postbus 77, 6700 AB Wageningen",
        },
        actor=owner,
    )
    party = Party.objects.get(organisation=firm, key="woonstede")
    with committed():
        subject_request = actions.create_request(
            firm,
            actor=handler,
            kind=Kind.ACCESS,
            channel="email",
            name="Huurder",
            email="huurder@example.nl",
        )
    outbox.clear()
    with committed():
        task = actions.forward_to_controller(subject_request, actor=privacy_officer, party=party)
    assert outbox == []  # neither the controller nor the person: nothing went yet
    assert not subject_request.letters.filter(key="forwarded").exists()
    [letter] = task.letters.all()
    assert letter.waits_for_post and task.status == TaskStatus.OPEN
    assert "Postbus 77" in post.letter_html(letter)
    with committed():
        post.confirm_posted(letter, actor=handler)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert [m.to for m in outbox] == [["huurder@example.nl"]]
    assert "Woonstede" in outbox[0].body
    assert subject_request.tasks.filter(kind=TaskKind.FORWARD).count() == 1
    Party.objects.filter(pk=party.pk).update(contact="")
    party.refresh_from_db()
    with pytest.raises(RequestError, match="register"):
        actions.forward_to_controller(subject_request, actor=privacy_officer, party=party)
