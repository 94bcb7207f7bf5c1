"""An erasure request against a real mailbox (dovecot): Jan's messages listed for deletion, a
dated invoice kept under the administration duty (AWR art. 52), and after the number is
confirmed the rest are gone from the IMAP server, the trash included, with the evidence on
the task. A wrong number, a changed list, a read-only mailbox, another person's hit and
another organisation's mailbox delete nothing."""

import email
import shutil
import tempfile

import pytest
from django.core import mail
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.documents import dovecot
from tests.documents.conftest import make_message
from tests.documents.test_imap import PASSWORD, USER, mailbox, server  # noqa: F401 (fixtures)
from waarborg.audit.models import AuditEntry
from waarborg.documents import actions as document_actions
from waarborg.documents import index
from waarborg.register.models import RetentionRule, System
from waarborg.requests import actions
from waarborg.requests.actions import RequestError
from waarborg.requests.models import (
    DocumentHit,
    HitDecision,
    HitErasure,
    HitHold,
    Kind,
    TaskKind,
    TaskStatus,
    Verification,
)

JAN = "jan@devries.example"
ANNA = "anna@smit.example"
INVOICE = "Factuur 2026-014"


def invoice_message(subject=INVOICE, date="Mon, 02 Mar 2026 10:00:00 +0100"):
    message = make_message(
        USER,
        JAN,
        subject,
        "Beste Jan, hierbij de factuur: te betalen € 121,00 op NL91 ABNA 0417 1643 00.",
    )
    if date:
        message["Date"] = date
    return message


@pytest.fixture(autouse=True)
def _english():
    """The actions' messages in English here; the pages are read in Dutch."""
    from django.utils import translation

    translation.activate("en")


@pytest.fixture
def administration(organisation, system):
    rule = RetentionRule.objects.create(
        organisation=organisation, key="administratie",
        name={"nl": "Fiscale administratie", "en": "Tax records"}, duration="P7Y",
        trigger=RetentionRule.Trigger.END_OF_FISCAL_YEAR, bound=RetentionRule.Bound.MINIMUM,
        legal_source="AWR art. 52",
    )  # fmt: skip
    system.retention_rules.add(rule)
    return rule


def _connect(
    running, organisation, owner, system, *, write_access=True, folders=("INBOX", "Archief")
):
    source = document_actions.connect_mailbox(
        organisation, system, actor=owner, name="Info", host=running.host, port=running.port,
        username=USER, password=PASSWORD, mail_folders=list(folders), write_access=write_access,
    )  # fmt: skip
    document_actions.index_source(source, actor=owner)
    return source


def _erasure(organisation, owner, address=JAN, language="en"):
    subject_request = actions.create_request(
        organisation, actor=owner, kind=Kind.ERASURE, channel="email", name="Jan de Vries",
        email=address, language=language,
    )  # fmt: skip
    return actions.verify_request(subject_request, actor=owner, method=Verification.EMAIL_LINK)


def _task(subject_request, system):
    return subject_request.tasks.get(kind=TaskKind.SYSTEM, system=system)


def _include_all(task, owner):
    for hit in actions.find_documents(task, actor=owner):
        actions.review_hit(hit, actor=owner, decision=HitDecision.INCLUDED)
    return {h.found["title"]: h for h in task.document_hits.select_related("source")}


def _subjects(running, folder):
    client = running.login(USER)
    try:
        client.select(folder, readonly=True)
        _, data = client.uid("SEARCH", "ALL")
        subjects = []
        for uid in data[0].split():
            _, parts = client.uid("FETCH", uid, "(BODY.PEEK[HEADER])")
            header = email.message_from_bytes(next(p[1] for p in parts if isinstance(p, tuple)))
            subjects.append(str(header["Subject"]))
        return sorted(subjects)
    finally:
        client.logout()


def _confirm(task, source, owner, count=None):
    hits = actions.listed_messages(task, source)
    return actions.delete_listed_messages(
        task, source, actor=owner, confirmed=str(len(hits) if count is None else count),
        listing=actions.listing_token(hits),
    )  # fmt: skip


def _close_other_tasks(subject_request, task, owner):
    for other in subject_request.tasks.exclude(pk=task.pk):
        if other.is_open:
            actions.update_task(other, actor=owner, status=TaskStatus.NOT_APPLICABLE, reason="-")


def test_erasure_deletes_the_persons_mails_and_keeps_the_invoice(
    server,  # noqa: F811
    organisation,
    owner,
    system,
    administration,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    server.append(USER, "Archief", invoice_message())
    source = _connect(server, organisation, owner, system)
    subject_request = _erasure(organisation, owner)
    task = _task(subject_request, system)
    hits = _include_all(task, owner)
    assert sorted(hits) == ["Factuur 2025", INVOICE, "Nog een vraag", "Vraag"]
    invoice = hits[INVOICE]
    assert invoice.hold == HitHold.RECOGNISED and invoice.hold_rule == administration
    assert invoice.hold_until.isoformat() == "2033-12-31"  # 7 years after the end of 2026
    # "Factuur 2025" names no amount or IBAN: not recognised, so it goes
    assert hits["Factuur 2025"].hold == ""
    listed = actions.listed_messages(task, source)
    assert sorted(h.found["title"] for h in listed) == ["Factuur 2025", "Nog een vraag", "Vraag"]
    with pytest.raises(RequestError, match="still listed for deletion"):
        actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    with pytest.raises(RequestError, match="still listed"):
        actions.update_task(task, actor=owner, status=TaskStatus.NOT_APPLICABLE, reason="-")

    record = _confirm(task, source, owner)

    assert record["count"] == 3
    assert _subjects(server, "INBOX") == ["Offerte"]
    assert _subjects(server, "Archief") == [INVOICE, "Hallo"]
    assert _subjects(server, "Trash") == []
    task.refresh_from_db()
    (evidence,) = task.result["deleted_messages"]
    assert evidence["count"] == 3 and evidence["by"].startswith("owner@firma.example")
    assert {m["folder"] for m in evidence["messages"]} == {"INBOX", "Archief"}
    assert all(m["message_id"].endswith("@test.example>") for m in evidence["messages"])
    entry = AuditEntry.objects.get(action="request.documents_deleted")
    assert entry.new["count"] == 3 and len(entry.new["messages"]) == 3
    assert AuditEntry.objects.filter(action="documents.delete_messages").count() == 1
    refs = set(index.refs_of(source.pk))
    assert {h.ref for h in listed}.isdisjoint(refs) and invoice.ref in refs
    assert set(DocumentHit.objects.filter(task=task).values_list("erasure", flat=True)) == {
        HitErasure.DELETED,
        "",
    }

    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    _close_other_tasks(subject_request, task, owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_answer(subject_request, actor=owner)
    body = mail.outbox[-1].body
    assert "Mail and documents: 3 messages deleted" in body
    assert (
        "1 message or file kept because the law requires it (Tax records: 7 years after the "
        "end of the financial year (AWR art. 52), until 31 December 2033)"
    ) in body
    assert "the law requires us to keep (Article 17(3) GDPR)" in body
    # closed: what was found of Jan goes, the record of what was done stays
    actions.close_request(subject_request, actor=owner)
    for hit in DocumentHit.objects.filter(task=task):
        assert hit.found["title"] == "" and hit.found["where"] == ""
    assert DocumentHit.objects.filter(task=task, erasure=HitErasure.DELETED).count() == 3
    task.refresh_from_db()
    assert task.result["deleted_messages"][0]["count"] == 3


def test_wrong_count_or_changed_list_deletes_nothing(server, organisation, owner, system):  # noqa: F811
    source = _connect(server, organisation, owner, system)
    task = _task(_erasure(organisation, owner), system)
    _include_all(task, owner)
    before = _subjects(server, "INBOX"), _subjects(server, "Archief")
    hits = actions.listed_messages(task, source)
    token = actions.listing_token(hits)
    for typed in ("", " ", "2", "4", "3.0", "-3", "drie", "3 berichten", "²", "３", "9" * 40, None):
        with pytest.raises(RequestError, match="nothing was deleted"):
            actions.delete_listed_messages(
                task, source, actor=owner, confirmed=typed, listing=token
            )
    # the list changed after it was shown: one message kept meanwhile
    actions.set_hold(hits[0], actor=owner, keep=True, reason="Lopend geschil (art. 17(3)(e))")
    with pytest.raises(RequestError, match="list changed"):
        actions.delete_listed_messages(task, source, actor=owner, confirmed="3", listing=token)
    with pytest.raises(RequestError, match="list changed"):
        actions.delete_listed_messages(task, source, actor=owner, confirmed="2", listing="")
    assert (_subjects(server, "INBOX"), _subjects(server, "Archief")) == before
    assert not AuditEntry.objects.filter(action="request.documents_deleted").exists()
    assert not DocumentHit.objects.filter(erasure=HitErasure.DELETED).exists()


def test_read_only_mailbox_deletes_nothing_and_is_ticked_off_by_hand(
    server,  # noqa: F811
    organisation,
    owner,
    system,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    source = _connect(server, organisation, owner, system, write_access=False)
    subject_request = _erasure(organisation, owner)
    task = _task(subject_request, system)
    hits = _include_all(task, owner)
    plan = actions.erasure_plan(task)
    assert len(plan["by_hand"]) == 3 and not plan["delete"] and not plan["mailboxes"]
    with pytest.raises(RequestError, match="read-only"):
        actions.delete_listed_messages(task, source, actor=owner, confirmed="3", listing="x")
    assert _subjects(server, "INBOX") == ["Nog een vraag", "Offerte", "Vraag"]
    for title in ("Vraag", "Nog een vraag", "Factuur 2025"):
        actions.mark_deleted_by_hand(hits[title], actor=owner)
    with pytest.raises(RequestError, match="not listed"):
        actions.mark_deleted_by_hand(hits["Vraag"], actor=owner)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    assert AuditEntry.objects.filter(action="request.document_deleted_by_hand").count() == 3
    _close_other_tasks(subject_request, task, owner)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.send_answer(subject_request, actor=owner)
    assert "3 messages and files deleted by hand" in mail.outbox[-1].body
    assert "messages deleted" not in mail.outbox[-1].body


def test_another_persons_hit_and_another_organisations_mailbox_are_never_deleted(
    server,  # noqa: F811
    organisation,
    owner,
    system,
    other_organisation,
    other_owner,  # noqa: F811
):
    source = _connect(server, organisation, owner, system)
    jan_task = _task(_erasure(organisation, owner), system)
    anna_task = _task(_erasure(organisation, owner, address=ANNA), system)
    _include_all(anna_task, owner)
    assert _include_all(jan_task, owner)
    # their mailbox, on the same server: not a source of Jan's task
    their_system = System.objects.create(organisation=other_organisation, key="mail", name={})
    theirs = document_actions.connect_mailbox(
        other_organisation, their_system, actor=other_owner, name="Hun post", host=server.host,
        port=server.port, username=USER, password=PASSWORD, write_access=True,
    )  # fmt: skip
    document_actions.index_source(theirs, actor=other_owner)
    with pytest.raises(RequestError, match="not a source of this task"):
        actions.task_source(jan_task, theirs.pk)
    with pytest.raises(RequestError, match="not a source of this task"):
        actions.delete_listed_messages(jan_task, theirs, actor=owner, confirmed="1", listing="x")
    # a hit of Anna's task can only be ticked off through her own task
    anna_hit = anna_task.document_hits.get()
    assert anna_hit not in actions.listed_messages(jan_task, source)

    _confirm(jan_task, source, owner)

    assert _subjects(server, "INBOX") == ["Offerte"]  # Anna's own message stays
    anna_hit.refresh_from_db()
    assert anna_hit.erasure == ""


def test_delete_page_confirms_by_number(
    server,  # noqa: F811
    organisation,
    owner,
    handler,
    viewer,
    system,
    client_for,
    other_owner,  # noqa: F811
    other_organisation,
    documents_folder,
):
    source = _connect(server, organisation, owner, system)
    subject_request = _erasure(organisation, owner)
    task = _task(subject_request, system)
    _include_all(task, owner)
    url = reverse("requests:delete_messages", args=[subject_request.pk, task.pk, source.pk])
    client = client_for(handler)
    detail = client.get(reverse("requests:detail", args=[subject_request.pk])).content.decode()
    assert "Deze 3 berichten uit Info wissen" in detail and url in detail
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Vraag" in text and "Factuur 2025" in text and "Offerte" not in text
    listing = actions.listing_token(actions.listed_messages(task, source))
    assert client_for(viewer).post(url, {"count": "3", "listing": listing}).status_code == 403
    assert client_for(other_owner).get(url).status_code == 404
    assert client.delete(url).status_code == 405
    wrong = client.post(url, {"count": "2", "listing": listing})
    assert wrong.status_code == 400
    refused = "Typ het aantal berichten, 3, om te bevestigen; er is niets gewist."
    assert refused in wrong.content.decode()
    forged = client.post(url, {"count": "3", "listing": "0" * 32})
    assert forged.status_code == 400 and "lijst is veranderd" in forged.content.decode()
    missing = reverse("requests:delete_messages", args=[subject_request.pk, task.pk, 999999])
    assert client.get(missing).status_code == 404
    # a folder of the same system is no mailbox: Waarborg does not delete files on shares
    folder = document_actions.connect_folder(
        organisation, system, actor=owner, name="Schijf", path=str(documents_folder)
    )
    share = reverse("requests:delete_messages", args=[subject_request.pk, task.pk, folder.pk])
    assert client.get(share).status_code == 404
    # an access request deletes nothing: it has no such page, not even one that lists
    access = actions.verify_request(
        actions.create_request(
            organisation, actor=owner, kind=Kind.ACCESS, channel="email", name="Jan de Vries",
            email=JAN, language="en",
        ),
        actor=owner, method=Verification.EMAIL_LINK,
    )  # fmt: skip
    access_task = _task(access, system)
    view = reverse("requests:delete_messages", args=[access.pk, access_task.pk, source.pk])
    assert client.get(view).status_code == 404 and client.post(view).status_code == 404
    assert _subjects(server, "INBOX") == ["Nog een vraag", "Offerte", "Vraag"]
    done = client.post(url, {"count": "3", "listing": listing})
    assert done.status_code == 302 and done["Location"].endswith(f"#task-{task.pk}")
    assert _subjects(server, "INBOX") == ["Offerte"]
    again = client.post(url, {"count": "3", "listing": listing})
    assert again.status_code == 400  # nothing listed any more
    detail = client.get(reverse("requests:detail", args=[subject_request.pk])).content.decode()
    assert "Uit de mailbox gewist door" in detail
    assert "Bewijs: 3 berichten uit Info gewist door" in detail and "@test.example&gt;" in detail
    # a deleted message can no longer be read whole: no link to a page that is not there
    for hit in task.document_hits.exclude(erasure=""):
        copy = reverse("requests:hit_copy", args=[subject_request.pk, task.pk, hit.pk])
        assert f'href="{copy}"' not in detail
    assert task.document_hits.exclude(erasure="").count() == 3


@pytest.fixture
def shared_server(settings):
    running = dovecot.start(tempfile.mkdtemp(prefix="waarborg-dovecot-"), {USER: PASSWORD})
    settings.IMAP_CAFILE = str(running.cafile)
    yield running
    running.stop()
    shutil.rmtree(running.root, ignore_errors=True)


RUNS = iter(range(10**6))


@settings(max_examples=12, deadline=None)
@given(
    items=st.lists(
        st.tuples(
            st.booleans(),  # Jan's (else Anna's)
            st.sampled_from(["included", "excluded"]),
            st.booleans(),  # an invoice (recognised)
            st.booleans(),  # kept by the handler
        ),
        min_size=1,
        max_size=6,
    )
)
def test_deleted_set_is_included_minus_held(
    shared_server, organisation, owner, system, administration, items
):
    """The messages gone from the server are exactly the included hits of this person minus
    the held ones (an invoice under the administration duty, or kept by the handler)."""
    run = next(RUNS)
    folder = f"Run{run}"
    expected_gone, subjects = set(), []
    for number, (jans, _decision, invoice, _keep) in enumerate(items):
        subject = f"Bericht {run}-{number}"
        sender = JAN if jans else ANNA
        message = (
            invoice_message(subject)
            if invoice and jans
            else make_message(sender, USER, subject, "Graag mijn gegevens wissen.")
        )
        if invoice and not jans:
            message = make_message(sender, USER, subject, "Factuur: totaal € 10,00.")
        shared_server.append(USER, folder, message)
        subjects.append(subject)
    source = _connect(shared_server, organisation, owner, system, folders=[folder])
    task = _task(_erasure(organisation, owner), system)
    hits = {h.found["title"]: h for h in actions.find_documents(task, actor=owner)}
    for number, (jans, decision, invoice, keep) in enumerate(items):
        subject = subjects[number]
        if not jans:
            assert subject not in hits  # another person's message is never found for Jan
            continue
        hit = hits[subject]
        actions.review_hit(hit, actor=owner, decision=decision)
        if decision == "included" and keep and not invoice:
            actions.set_hold(hit, actor=owner, keep=True, reason="Lopende procedure")
        if decision == "included" and not invoice and not keep:
            expected_gone.add(subject)
    hits_listed = actions.listed_messages(task, source)
    assert {h.found["title"] for h in hits_listed} == expected_gone
    if hits_listed:
        _confirm(task, source, owner)
    remaining = set(_subjects(shared_server, folder))
    assert remaining == set(subjects) - expected_gone
    document_actions.disconnect_source(source, actor=owner)


def test_an_unreachable_mailbox_deletes_nothing_and_says_why(
    server,  # noqa: F811
    organisation,
    owner,
    handler,
    system,
    client_for,
):
    source = _connect(server, organisation, owner, system)
    subject_request = _erasure(organisation, owner)
    task = _task(subject_request, system)
    _include_all(task, owner)
    listing = actions.listing_token(actions.listed_messages(task, source))
    server.stop()
    url = reverse("requests:delete_messages", args=[subject_request.pk, task.pk, source.pk])
    response = client_for(handler).post(url, {"count": "3", "listing": listing})
    assert response.status_code == 400
    assert "Kan geen verbinding maken met de mailbox" in response.content.decode()
    assert not DocumentHit.objects.filter(task=task, erasure=HitErasure.DELETED).exists()
    task.refresh_from_db()
    assert "deleted_messages" not in task.result


def test_a_crash_between_mailbox_and_database_loses_no_evidence(
    server,  # noqa: F811
    organisation,
    owner,
    handler,
    system,
    client_for,
    monkeypatch,
):
    """The mailbox deleted the messages, then the web process died before the database
    write: the intent committed first is on the task, the page says the deletion was cut off,
    and the next look at the list asks the mailbox and records what is gone, with the
    Message-IDs the intent kept, under the person who confirmed it."""
    from django.utils import translation

    from waarborg.requests.actions import document_erasure

    source = _connect(server, organisation, owner, system)
    subject_request = _erasure(organisation, owner)
    task = _task(subject_request, system)
    _include_all(task, owner)
    listed = actions.listed_messages(task, source)
    refs = {hit.ref for hit in listed}
    assert len(listed) == 3

    def crash(*args, **kwargs):
        raise SystemExit("the web process died")

    monkeypatch.setattr(document_erasure, "_record_deletion", crash)
    with pytest.raises(SystemExit):
        _confirm(task, source, owner)
    monkeypatch.undo()

    # gone from the mailbox, not yet on the task: the intent says what was under way
    assert _subjects(server, "INBOX") == ["Offerte"]
    task.refresh_from_db()
    assert "deleted_messages" not in task.result
    (intent,) = task.result["deleting_messages"].values()
    assert set(intent["messages"]) == refs
    assert all(m["message_id"].endswith("@test.example>") for m in intent["messages"].values())
    assert AuditEntry.objects.filter(action="request.documents_delete_started").count() == 1
    # the task's page says so, and closing it is refused: the hits still wait
    page = client_for(handler).get(reverse("requests:detail", args=[subject_request.pk]))
    assert "voordat het bewijs ervan was vastgelegd" in page.content.decode()
    translation.activate("en")
    with pytest.raises(RequestError, match="still listed"):
        actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    # a second confirmation of the same list deletes nothing more and records the first
    with pytest.raises(RequestError, match="had been cut off"):
        _confirm(task, source, owner, count=3)
    task.refresh_from_db()
    assert "deleting_messages" not in task.result
    (record,) = task.result["deleted_messages"]
    assert record["count"] == 3 and record["still_listed"] == 0
    assert record["by"].startswith("owner@firma.example")
    assert {m["message_id"] for m in record["messages"]} == {
        m["message_id"] for m in intent["messages"].values()
    }
    assert set(DocumentHit.objects.filter(pk__in=[h.pk for h in listed]).values_list(
        "erasure", flat=True)) == {HitErasure.DELETED}  # fmt: skip
    assert refs.isdisjoint(index.refs_of(source.pk))
    assert AuditEntry.objects.filter(action="documents.deletion_recovered").count() == 1
    assert not actions.listed_messages(task, source)
    page = client_for(handler).get(reverse("requests:detail", args=[subject_request.pk]))
    assert "voordat het bewijs ervan was vastgelegd" not in page.content.decode()
    assert "niet meer in de mailbox gevonden toen" in page.content.decode()


def test_a_crash_before_the_mailbox_changed_records_nothing_deleted(
    server,  # noqa: F811
    organisation,
    owner,
    handler,
    system,
    client_for,
    monkeypatch,
):
    """Cut off after the intent but before the mailbox was touched: the check finds every
    message still there, records no deletion, and the list can be confirmed again."""
    source = _connect(server, organisation, owner, system)
    before = _subjects(server, "INBOX"), _subjects(server, "Archief")
    subject_request = _erasure(organisation, owner)
    task = _task(subject_request, system)
    _include_all(task, owner)

    def crash(*args, **kwargs):
        raise SystemExit("the web process died")

    monkeypatch.setattr(document_actions, "delete_messages", crash)
    with pytest.raises(SystemExit):
        _confirm(task, source, owner)
    monkeypatch.undo()
    task.refresh_from_db()
    assert "deleting_messages" in task.result
    url = reverse("requests:delete_messages", args=[subject_request.pk, task.pk, source.pk])
    response = client_for(handler).get(url)
    assert response.status_code == 200
    task.refresh_from_db()
    assert "deleting_messages" not in task.result and "deleted_messages" not in task.result
    assert len(actions.listed_messages(task, source)) == 3
    assert (_subjects(server, "INBOX"), _subjects(server, "Archief")) == before
    record = _confirm(task, source, owner)
    assert record["count"] == 3


def test_a_deletion_under_way_refuses_a_second_one(server, organisation, owner, system):  # noqa: F811
    """Two confirmations of the same list at once: the second finds the first's intent and
    deletes nothing (and logs no empty deletion)."""
    from waarborg.requests.actions import document_erasure

    source = _connect(server, organisation, owner, system)
    subject_request = _erasure(organisation, owner)
    task = _task(subject_request, system)
    _include_all(task, owner)
    hits = actions.listed_messages(task, source)
    document_erasure._start_deletion(
        task, source, hits, actor=owner, listing=actions.listing_token(hits)
    )
    with pytest.raises(RequestError, match="already under way"):
        document_erasure._start_deletion(
            task, source, hits, actor=owner, listing=actions.listing_token(hits)
        )
    assert AuditEntry.objects.filter(action="request.documents_delete_started").count() == 1


# What dovecot says after a sign-in, less UIDPLUS (it still understands UID EXPUNGE, but a
# client must not use what the server did not offer: Waarborg then takes the plain EXPUNGE)
NO_UIDPLUS = [
    "IMAP4rev1",
    "SASL-IR",
    "LOGIN-REFERRALS",
    "ID",
    "ENABLE",
    "IDLE",
    "SORT",
    "SORT=DISPLAY",
    "THREAD=REFERENCES",
    "THREAD=REFS",
    "THREAD=ORDEREDSUBJECT",
    "MULTIAPPEND",
    "URL-PARTIAL",
    "CATENATE",
    "UNSELECT",
    "CHILDREN",
    "NAMESPACE",
    "URLAUTH-BINARY",
    "ESEARCH",
    "ESORT",
    "SEARCHRES",
    "WITHIN",
    "CONTEXT=SEARCH",
    "LIST-STATUS",
    "BINARY",
    "MOVE",
    "SNIPPET=FUZZY",
    "PREVIEW=FUZZY",
    "SPECIAL-USE",
]


@pytest.fixture
def plain_server(settings):
    running = dovecot.start(
        tempfile.mkdtemp(prefix="waarborg-dovecot-"), {USER: PASSWORD}, capabilities=NO_UIDPLUS
    )
    settings.IMAP_CAFILE = str(running.cafile)
    for subject in ("Vraag", "Nog een vraag"):
        running.append(USER, "INBOX", make_message(JAN, USER, subject, "Groet, Jan"))
    running.append(USER, "INBOX", make_message(ANNA, USER, "Offerte", "Groet, Anna"))
    yield running
    running.stop()
    shutil.rmtree(running.root, ignore_errors=True)


def _flag_deleted(running, subject):
    """Another mail client marked a message for deletion and has not expunged it yet."""
    client = running.login(USER)
    try:
        client.select("INBOX")
        _, data = client.uid("SEARCH", "SUBJECT", subject)
        client.uid("STORE", data[0].split()[0].decode(), "+FLAGS", r"(\Deleted)")
    finally:
        client.logout()


def test_a_server_without_uidplus_deletes_only_the_persons_messages(
    plain_server, organisation, owner, system
):
    """Against a real server that offers no UIDPLUS: with another message marked for deletion
    in the folder, a plain EXPUNGE would take it too, so nothing is deleted and the reason is
    given; once that is cleared, only Jan's messages go."""
    from waarborg.documents import imap

    client = plain_server.login(USER)
    try:
        assert "UIDPLUS" not in imap._capabilities(client)
    finally:
        client.logout()
    source = _connect(plain_server, organisation, owner, system, folders=("INBOX",))
    subject_request = _erasure(organisation, owner)
    task = _task(subject_request, system)
    _include_all(task, owner)
    _flag_deleted(plain_server, "Offerte")
    with pytest.raises(RequestError, match="other messages marked for deletion"):
        _confirm(task, source, owner)
    assert _subjects(plain_server, "INBOX") == ["Nog een vraag", "Offerte", "Vraag"]
    task.refresh_from_db()
    assert "deleted_messages" not in task.result and "deleting_messages" not in task.result
    # Anna's message is no longer marked: now only Jan's go
    client = plain_server.login(USER)
    try:
        client.select("INBOX")
        client.uid("STORE", "1:*", "-FLAGS", r"(\Deleted)")
    finally:
        client.logout()
    record = _confirm(task, source, owner)
    assert record["count"] == 2
    assert _subjects(plain_server, "INBOX") == ["Offerte"]
    assert _subjects(plain_server, "Trash") == []
