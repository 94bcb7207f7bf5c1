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


def test_mailbox_hits_reviewed_redacted_and_packaged(
    server,  # noqa: F811
    mailbox,  # noqa: F811
    organisation,
    owner,
    system,
):
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
    stored = actions.build_package(subject_request, actor=owner)
    content = RequestFile.objects.get(pk=stored.pk).content()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}
    mails = {n: t for n, t in files.items() if "/documents/" in n}
    assert len(mails) == 3
    (complaint,) = [t for n, t in mails.items() if n.endswith("klacht.txt")]
    assert "Ik sprak met [redacted] van support." in complaint
    assert any("Mijn bestelling K-4471" in t for t in mails.values())
    listing = files["documents.csv"]
    assert 'Klacht,Schijf,Info: INBOX,"Included, other people\'s data redacted"' in listing
    for name, text in files.items():
        assert "piet jansen" not in text.casefold(), name
        assert "Bel mij op" not in text, name  # the excluded message
        assert "Offerte" not in text, name  # Anna's mail: found only by the claimed phone
