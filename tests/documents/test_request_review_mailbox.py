"""An access request against a real mailbox (dovecot): Jan's messages found by his verified
address, one excluded, a colleague's name redacted in another, the rest in the package."""

import io
import zipfile

from tests.documents.conftest import make_message
from tests.documents.test_imap import USER, mailbox, server  # noqa: F401 (fixtures)
from waarborg.documents import actions as document_actions
from waarborg.requests import actions
from waarborg.requests.models import (
    HitDecision,
    Kind,
    RequestFile,
    TaskKind,
    TaskStatus,
    Verification,
)

JAN = "jan@devries.example"


def _reviewed(server, mailbox, organisation, owner, system):  # noqa: F811
    server.append(
        USER, "INBOX", make_message(JAN, USER, "Klacht", "Ik sprak met Piet Jansen van support.")
    )
    document_actions.index_source(mailbox, actor=owner)
    subject_request = actions.create_request(
        organisation, actor=owner, kind=Kind.ACCESS, channel="email", name="Jan de Vries",
        email=JAN, phone="0612345678", language="en",
    )  # fmt: skip
    # only the address is verified: the phone number (in Anna's offer) is claimed
    subject_request = actions.verify_request(
        subject_request, actor=owner, method=Verification.EMAIL_LINK
    )
    task = subject_request.tasks.get(kind=TaskKind.SYSTEM, system=system)
    hits = {h.found["title"]: h for h in actions.find_documents(task, actor=owner)}
    assert sorted(hits) == ["Factuur 2025", "Klacht", "Nog een vraag", "Vraag"]
    assert hits["Vraag"].found["where"] == "Info: INBOX"
    assert hits["Factuur 2025"].found["where"] == "Info: Archief"
    assert hits["Klacht"].found["kind"] == "mail"
    actions.review_hit(hits["Nog een vraag"], actor=owner, decision=HitDecision.EXCLUDED)
    actions.review_hit(
        hits["Klacht"], actor=owner, decision=HitDecision.INCLUDED, redactions=["piet jansen"]
    )
    for title in ("Vraag", "Factuur 2025"):
        actions.review_hit(hits[title], actor=owner, decision=HitDecision.INCLUDED)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    for other in subject_request.tasks.exclude(pk=task.pk):
        if other.is_open:
            actions.update_task(other, actor=owner, status=TaskStatus.NOT_APPLICABLE, reason="-")
    return subject_request, hits


def _package(subject_request, owner):
    stored = actions.build_package(subject_request, actor=owner)
    content = RequestFile.objects.get(pk=stored.pk).content()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _uid_and_raw(client, subject):
    """The UID and bytes of the message with exactly this subject (read with BODY.PEEK)."""
    import email

    _, data = client.uid("SEARCH", "ALL")
    for uid in data[0].split():
        _, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
        raw = fetched[0][1]
        if email.message_from_bytes(raw)["Subject"] == subject:
            return uid, raw
    raise AssertionError(subject)


def _raw(running, folder, subject):
    client = running.login(USER)
    try:
        client.select(folder, readonly=True)
        return _uid_and_raw(client, subject)[1]
    finally:
        client.logout()


def _flags(running):
    client = running.login(USER)
    try:
        found = []
        for folder in ("INBOX", "Archief"):
            client.select(folder, readonly=True)
            _, data = client.fetch("1:*", "(FLAGS)")
            found += [line for line in data if line]
        return found
    finally:
        client.logout()


def test_mailbox_hits_reviewed_redacted_and_packaged(
    server,  # noqa: F811
    mailbox,  # noqa: F811
    organisation,
    owner,
    system,
):
    from tests.documents.test_request_review import _decompressed, _pdf_text

    subject_request, _hits = _reviewed(server, mailbox, organisation, owner, system)
    files = _package(subject_request, owner)
    mails = sorted(n for n in files if "/documents/" in n)
    assert sorted(n.partition("-")[2] for n in mails) == [
        "factuur-2025.eml", "klacht.pdf", "klacht.txt", "vraag.eml"
    ]  # fmt: skip
    # the unredacted mails as their originals, byte for byte as on the server
    (question,) = [n for n in mails if n.endswith("-vraag.eml")]
    (invoice,) = [n for n in mails if n.endswith("-factuur-2025.eml")]
    assert files[question] == _raw(server, "INBOX", "Vraag")
    assert files[invoice] == _raw(server, "Archief", "Factuur 2025")
    assert b"Mijn bestelling K-4471" in files[question]
    # the redacted one as PDF and text, never as its original
    (complaint,) = [n for n in mails if n.endswith("klacht.txt")]
    (complaint_pdf,) = [n for n in mails if n.endswith("klacht.pdf")]
    assert "Ik sprak met [redacted] van support." in files[complaint].decode()
    shown = _pdf_text(files[complaint_pdf])
    assert "Ik sprak met" in shown and "[redacted]" in shown
    assert "jansen" not in _decompressed(files[complaint_pdf]).decode("latin-1").casefold()
    listing = files["documents.csv"].decode()
    assert (
        f'{complaint_pdf} + {complaint},Klacht,Schijf,Info: INBOX,"Included as PDF and text, '
        "other people's data redacted\"" in listing
    )
    assert f"{question},Vraag,Schijf,Info: INBOX,Included as the original" in listing
    files["export.txt"] = shown.encode()
    files["report.txt"] = _pdf_text(files["report.pdf"]).encode()
    for name, data in files.items():
        text = data.decode("utf-8", "replace")
        assert "piet jansen" not in text.casefold(), name
        assert "Bel mij op" not in text, name  # the excluded message
        assert "Offerte" not in text, name  # Anna's mail: found only by the claimed phone
    # read-only: no message was marked as read
    flags = _flags(server)
    assert flags and all(b"\\Seen" not in line for line in flags)


def test_a_message_gone_from_the_mailbox_goes_as_the_reviewed_text(
    server,  # noqa: F811
    mailbox,  # noqa: F811
    organisation,
    owner,
    system,
):
    subject_request, _hits = _reviewed(server, mailbox, organisation, owner, system)
    client = server.login(USER)
    try:  # deleted after the review, and another message appended in its place
        client.select("INBOX")
        uid, _raw_bytes = _uid_and_raw(client, "Vraag")
        client.uid("STORE", uid, "+FLAGS", r"(\Deleted)")
        client.expunge()
    finally:
        client.logout()
    server.append(USER, "INBOX", make_message(JAN, USER, "Vraag", "Iets heel anders, Karel"))
    files = _package(subject_request, owner)
    names = [n for n in files if "/documents/" in n]
    (question,) = [n for n in names if n.partition("-")[2].startswith("vraag")]
    assert question.endswith("-vraag.txt")
    assert "Mijn bestelling K-4471" in files[question].decode()
    assert all(b"Karel" not in data for data in files.values())
    assert "the original changed or is gone since the review" in files["documents.csv"].decode()
    assert any(n.endswith("-factuur-2025.eml") for n in names)


def test_a_mailbox_that_cannot_be_reached_makes_no_package(
    server,  # noqa: F811
    mailbox,  # noqa: F811
    organisation,
    owner,
    system,
):
    import pytest

    from waarborg.requests.models import FileKind

    subject_request, _hits = _reviewed(server, mailbox, organisation, owner, system)
    server.stop()
    with pytest.raises(actions.RequestError, match="Het postvak Info is niet bereikbaar"):
        actions.build_package(subject_request, actor=owner)
    assert not RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).exists()
    from django.utils import translation

    with translation.override("en"), pytest.raises(actions.RequestError, match="cannot be reached"):
        actions.build_package(subject_request, actor=owner)


def test_the_worker_says_on_the_request_that_a_mailbox_could_not_be_reached(
    server,  # noqa: F811
    mailbox,  # noqa: F811
    organisation,
    owner,
    system,
    client_for,
    monkeypatch,
):
    from django.urls import reverse
    from django.utils import timezone

    from waarborg.audit.models import AuditEntry
    from waarborg.requests.actions import files as request_files
    from waarborg.requests.models import FileKind
    from waarborg.requests.tasks import make_package

    subject_request, _hits = _reviewed(server, mailbox, organisation, owner, system)
    # three included messages are many here: the worker makes the package
    monkeypatch.setattr(request_files, "LARGE_PACKAGE_DOCUMENTS", 2)
    assert actions.package_is_large(subject_request)
    server.stop()
    queued_at = timezone.now().isoformat()
    assert make_package.call(subject_request.pk, owner.pk, queued_at) is None
    assert not RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).exists()
    entry = AuditEntry.objects.get(action="request.package_failed")
    assert entry.new == {"mailbox": "Info"} and entry.object_id == str(subject_request.pk)
    page = client_for(owner).get(reverse("requests:detail", args=[subject_request.pk]))
    text = page.content.decode()
    assert "het postvak Info was niet bereikbaar" in text
    assert "could not be reached" not in text


def test_a_mail_with_an_attachment_no_one_could_read_never_goes_as_its_original(
    server,  # noqa: F811
    mailbox,  # noqa: F811
    organisation,
    owner,
    system,
    client_for,
):
    """A photo attached to Jan's mail: no text of it, so no reviewer saw it. The mail goes as
    PDF and text of what was read, the photo's bytes nowhere in the package; the page that
    shows the mail whole, and the list in the package, say so."""
    from django.urls import reverse

    photo = b"\xff\xd8\xff\xe0" + b"JFIF-foto-van-een-paspoort" * 20
    subject_request, _hits = _reviewed(server, mailbox, organisation, owner, system)
    message = make_message(
        JAN, USER, "Foto", "Hierbij de foto.", ("paspoort.jpg", photo, "image", "jpeg")
    )
    server.append(USER, "INBOX", message)
    document_actions.index_source(mailbox, actor=owner)
    task = subject_request.tasks.get(kind=TaskKind.SYSTEM, system=system)
    actions.update_task(task, actor=owner, status=TaskStatus.OPEN)
    found = {h.found["title"]: h for h in actions.find_documents(task, actor=owner)}
    mail = found["Foto"]
    assert mail.found["unread"] == ["paspoort.jpg"]
    url = reverse("requests:hit_copy", args=[subject_request.pk, task.pk, mail.pk])
    page = client_for(owner).get(url).content.decode()
    assert "paspoort.jpg" in page and "niet in het pakket" in page
    actions.review_hit(mail, actor=owner, decision=HitDecision.INCLUDED)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    files = _package(subject_request, owner)
    names = sorted(n.partition("-")[2] for n in files if "/documents/" in n)
    assert "foto.pdf" in names and "foto.txt" in names and "foto.eml" not in names
    assert all(b"JFIF-foto-van-een-paspoort" not in data for data in files.values())
    listing = files["documents.csv"].decode()
    assert "without the attachments that could not be read" in listing
