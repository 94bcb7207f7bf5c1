"""A request's system task with a mail or document source: hits from the verified identifiers
only, reviewed one by one, redacted, and only then in the package (Art. 15(4) GDPR).

Jan de Vries (jan@devries.example, 06-12345678) asks; Anna Smit (anna@smit.example) and the
colleague Piet Jansen must never leave in his package."""

import io
import json
import string
import zipfile

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waarborg.audit.models import AuditEntry
from waarborg.documents import actions as document_actions
from waarborg.register.models import System
from waarborg.requests import actions
from waarborg.requests.actions import RequestError
from waarborg.requests.models import (
    DocumentHit,
    FileKind,
    HitDecision,
    Kind,
    RequestFile,
    TaskKind,
    TaskStatus,
    Verification,
)

JAN = "jan@devries.example"
ANNA = "anna@smit.example"
COLLEAGUE = "Piet Jansen"


@pytest.fixture
def folder(documents_folder):
    (documents_folder / "gesprek.txt").write_text(
        f"Gesprek met Jan de Vries ({JAN}). Collega {COLLEAGUE} nam op;\n"
        "Piet\nJansen belt terug. BSN 111222333.",
        encoding="utf-8",
    )
    return documents_folder


@pytest.fixture
def source(organisation, owner, system, folder):
    source = document_actions.connect_folder(
        organisation, system, actor=owner, name="Gedeelde schijf", path=str(folder),
        exclude="archief/*",
    )  # fmt: skip
    document_actions.index_source(source, actor=owner)
    return source


def _request(organisation, owner, *, email=JAN, phone="", verified=("email",), kind=Kind.ACCESS):
    subject_request = actions.create_request(
        organisation, actor=owner, kind=kind, channel="email", name="Jan de Vries",
        email=email, phone=phone, language="nl",
    )  # fmt: skip
    return actions.verify_request(
        subject_request, actor=owner, method=Verification.STAFF, note="teruggebeld",
        identifiers=list(verified),
    )  # fmt: skip


def _task(subject_request, system):
    return subject_request.tasks.get(kind=TaskKind.SYSTEM, system=system)


def _titles(hits):
    return sorted(hit.found["title"] for hit in hits)


def _package(subject_request, owner):
    stored = actions.build_package(subject_request, actor=owner)
    content = RequestFile.objects.get(pk=stored.pk).content()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_hits_of_the_verified_address_with_snippet_confidence_and_place(
    source, organisation, owner, system
):
    subject_request = _request(organisation, owner)
    task = _task(subject_request, system)
    hits = actions.find_documents(task, actor=owner)
    assert _titles(hits) == ["Antwoord", "bericht.eml", "gesprek.txt"]
    talk = next(h for h in hits if h.found["title"] == "gesprek.txt")
    before, match, after = talk.found["snippets"][0]
    assert match == JAN and "Jan de Vries" in before
    assert talk.found["where"] == "Gedeelde schijf: gesprek.txt"
    answer = next(h for h in hits if h.found["title"] == "Antwoord")  # one message of oud.mbox
    assert answer.found["where"] == "Gedeelde schijf: oud.mbox#2"
    assert 0 < talk.confidence <= 1 and talk.decision == HitDecision.PENDING
    assert "111222333" not in str(talk.found)
    # stored encrypted: neither the snippet nor the title is readable in the row
    row = DocumentHit.objects.get(pk=talk.pk)
    assert JAN not in row.found_encrypted and "gesprek" not in row.found_encrypted
    entry = AuditEntry.objects.filter(action="request.documents_found").latest("pk")
    assert entry.new["hits"] == 3 and JAN not in str(entry.new)


def test_bsn_in_a_snippet_is_masked(source, organisation, owner, system, folder):
    (folder / "bsn.txt").write_text(f"{JAN} BSN 111222333 klant", encoding="utf-8")
    document_actions.index_source(source, actor=owner)
    task = _task(_request(organisation, owner), system)
    hit = next(h for h in actions.find_documents(task, actor=owner) if h.ref == "bsn.txt")
    assert "111222333" not in str(hit.found["snippets"])


def test_claimed_address_of_another_person_finds_nothing_of_hers(
    source, organisation, owner, system
):
    # Anna's address on the request, but only the phone number was checked (called back)
    subject_request = _request(
        organisation, owner, email=ANNA, phone="06-12345678", verified=("phone_number",)
    )
    task = _task(subject_request, system)
    hits = actions.find_documents(task, actor=owner)
    assert _titles(hits) == ["klanten.xlsx", "offerte-2026.pdf"]
    # found by the phone number only: the mailbox file and notes with Anna's address are not
    assert all(h.found["matched"] == ["phone_number"] for h in hits)
    assert not any(ANNA in str(h.found) for h in hits)


def test_no_verified_identifier_searches_nothing(source, organisation, owner, system):
    subject_request = _request(organisation, owner, email=ANNA, verified=())
    with pytest.raises(RequestError, match="geverifieerd"):
        actions.find_documents(_task(subject_request, system), actor=owner)
    assert not DocumentHit.objects.exists()


def test_another_organisations_source_never_appears(
    source, organisation, owner, other_organisation, other_owner, folder, tmp_path
):
    # the other firm connects the same kind of folder with Jan in it, to its own system
    theirs = tmp_path / "hun-schijf"
    theirs.mkdir()
    (theirs / "jan.txt").write_text(f"Jan de Vries {JAN} bij de concurrent", encoding="utf-8")
    their_system = System.objects.create(organisation=other_organisation, key="gedeeld", name={})
    their_source = document_actions.connect_folder(
        other_organisation, their_system, actor=other_owner, name="Hun schijf", path=str(theirs)
    )
    document_actions.index_source(their_source, actor=other_owner)
    # and points one of our systems' sources at it by pk: it is theirs, so not searched
    subject_request = _request(organisation, owner)
    tasks = subject_request.tasks.filter(kind=TaskKind.SYSTEM)
    found = [h for task in tasks if actions.document_sources(task).exists()
             for h in actions.find_documents(task, actor=owner)]  # fmt: skip
    assert found and all(h.source_id == source.pk for h in found)
    assert not any("concurrent" in str(h.found) or h.ref == "jan.txt" for h in found)
    their_request = _request(other_organisation, other_owner)
    their_task = their_request.tasks.get(system=their_system)
    assert [h.ref for h in actions.find_documents(their_task, actor=other_owner)] == ["jan.txt"]


def _close_other_tasks(subject_request, task, owner):
    for other in subject_request.tasks.exclude(pk=task.pk):
        if other.is_open:
            actions.update_task(
                other, actor=owner, status=TaskStatus.NOT_APPLICABLE, reason="niets"
            )


def test_task_is_not_done_before_search_and_review(source, organisation, owner, system):
    subject_request = _request(organisation, owner)
    task = _task(subject_request, system)
    with pytest.raises(RequestError, match="Doorzoek eerst"):
        actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    hits = actions.find_documents(task, actor=owner)
    actions.review_hit(hits[0], actor=owner, decision=HitDecision.INCLUDED)
    with pytest.raises(RequestError, match="nog 2 te beoordelen"):
        actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    for hit in hits[1:]:
        actions.review_hit(hit, actor=owner, decision=HitDecision.EXCLUDED)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    entries = AuditEntry.objects.filter(action="request.document_reviewed")
    assert sorted(e.new["decision"] for e in entries) == ["excluded", "excluded", "included"]


def test_unknown_decision_or_closed_task_is_refused(source, organisation, owner, system):
    task = _task(_request(organisation, owner), system)
    hit = actions.find_documents(task, actor=owner)[0]
    with pytest.raises(RequestError):
        actions.review_hit(hit, actor=owner, decision=HitDecision.PENDING)
    with pytest.raises(RequestError, match="twee tekens"):
        actions.review_hit(hit, actor=owner, decision=HitDecision.INCLUDED, redactions="x")


def test_searching_again_keeps_decisions(source, organisation, owner, system):
    task = _task(_request(organisation, owner), system)
    hits = actions.find_documents(task, actor=owner)
    actions.review_hit(hits[0], actor=owner, decision=HitDecision.EXCLUDED)
    again = {h.pk: h.decision for h in actions.find_documents(task, actor=owner)}
    assert again[hits[0].pk] == HitDecision.EXCLUDED and len(again) == 3


def _reviewed_package(source, organisation, owner, system, language="nl"):
    subject_request = _request(organisation, owner)
    if language != "nl":
        subject_request.language = language
        subject_request.save(update_fields=["language"])
    task = _task(subject_request, system)
    hits = {h.found["title"]: h for h in actions.find_documents(task, actor=owner)}
    actions.review_hit(
        hits["gesprek.txt"], actor=owner, decision=HitDecision.INCLUDED,
        redactions=f"{COLLEAGUE}\n",
    )  # fmt: skip
    actions.review_hit(hits["bericht.eml"], actor=owner, decision=HitDecision.INCLUDED)
    actions.review_hit(hits["Antwoord"], actor=owner, decision=HitDecision.EXCLUDED)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    _close_other_tasks(subject_request, task, owner)
    return subject_request


def _pdf_text(data):
    from waarborg.documents.extract import pdf_text

    return pdf_text(data)


def _decompressed(data):
    """The PDF's bytes with every stream inflated, to look for text in them."""
    import re
    import zlib

    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            parts.append(stream)
    return b"\n".join(parts)


def test_package_holds_originals_redacted_exports_and_a_list(
    source, organisation, owner, system, folder
):
    subject_request = _reviewed_package(source, organisation, owner, system)
    files = _package(subject_request, owner)
    documents = sorted(n for n in files if "/documenten/" in n)
    assert all(n.startswith("gedeeld/documenten/0") for n in documents)
    # the unredacted message as its original file, byte for byte
    (eml,) = [n for n in documents if n.endswith("-bericht.eml")]
    assert files[eml] == (folder / "bericht.eml").read_bytes()
    # the redacted text file as a PDF and a text, never as itself
    (pdf,) = [n for n in documents if n.endswith("-gesprek-txt.pdf")]
    (talk_name,) = [n for n in documents if n.endswith("-gesprek-txt.txt")]
    assert len(documents) == 3
    talk = files[talk_name].decode()
    assert "Gesprek met Jan de Vries" in talk and "Collega [weggelaten] nam op" in talk
    assert "[weggelaten] belt terug" in talk  # across a line break too
    assert "111222333" not in talk
    assert files[pdf].startswith(b"%PDF")
    shown = _pdf_text(files[pdf])
    assert "Gesprek met Jan de Vries" in shown and "[weggelaten]" in shown
    for text in (shown.casefold(), _decompressed(files[pdf]).decode("latin-1").casefold()):
        assert "piet" not in text and "jansen" not in text and "111222333" not in text
    listing = files["documenten.csv"].decode()
    assert listing.splitlines()[0] == "Bestand,Naam,Systeem,Gevonden in,Status"
    assert f"{eml},bericht.eml,Schijf,Gedeelde schijf: bericht.eml,Opgenomen als origineel" in (
        listing
    )
    assert f"{pdf} + {talk_name}" in listing
    assert "Opgenomen als pdf en tekst, gegevens van anderen weggelaten" in listing
    assert "oud.mbox" not in listing
    data = json.loads(files["data.json"])
    forms = {d["name"]: (d["form"], d["files"]) for d in data["systems"]["gedeeld"]["documents"]}
    assert forms == {
        "bericht.eml": ("original", [eml]),
        "gesprek.txt": ("redacted", [pdf, talk_name]),
    }
    # the colleague's name is nowhere in the package: not in any file, in any case (the PDF
    # report read as text, its streams being compressed)
    report = _pdf_text(files["rapport.pdf"])
    assert "bericht.eml" in report and "Opgenomen als origineel" in report
    files["rapport.pdf.txt"] = report.encode()
    files["export.pdf.txt"] = shown.encode()
    for name, data in files.items():
        text = data.decode("utf-8", errors="replace").casefold()
        assert "piet jansen" not in text and "piet\njansen" not in text, name
        # the excluded mailbox file (Anna's message) is nowhere either
        assert ANNA not in text and "bel me" not in text, name


def test_an_original_swapped_or_gone_after_review_goes_as_the_reviewed_text(
    source, organisation, owner, system, folder
):
    subject_request = _reviewed_package(source, organisation, owner, system)
    reviewed = (folder / "bericht.eml").read_bytes()
    # swapped on disk after the review (not indexed again): the same name, other content
    swapped = reviewed.replace(b"ik heb een vraag", b"ik heb geen vraag, Karel Appel")
    (folder / "bericht.eml").write_bytes(swapped)
    files = _package(subject_request, owner)
    documents = sorted(n for n in files if "/documenten/" in n)
    assert not any(n.endswith(".eml") for n in documents)
    (text_name,) = [n for n in documents if n.endswith("-bericht-eml.txt")]
    assert "Hallo, ik heb een vraag" in files[text_name].decode()
    assert all(b"Karel Appel" not in d for d in files.values())
    listing = files["documenten.csv"].decode()
    assert "het origineel is sinds de beoordeling veranderd of verdwenen" in listing
    listed = json.loads(files["data.json"])["systems"]["gedeeld"]["documents"]
    assert {d["name"]: d["form"] for d in listed} == {
        "bericht.eml": "changed",
        "gesprek.txt": "redacted",
    }
    # and gone altogether
    (folder / "bericht.eml").unlink()
    files = _package(subject_request, owner)
    assert any(n.endswith("-bericht-eml.txt") for n in files)
    assert not any(n.endswith(".eml") for n in files)


def test_an_mbox_message_goes_as_its_own_eml(source, organisation, owner, system, folder):
    import email

    subject_request = _request(organisation, owner)
    task = _task(subject_request, system)
    hits = {h.found["title"]: h for h in actions.find_documents(task, actor=owner)}
    for title, hit in hits.items():
        decision = HitDecision.INCLUDED if title == "Antwoord" else HitDecision.EXCLUDED
        actions.review_hit(hit, actor=owner, decision=decision)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    _close_other_tasks(subject_request, task, owner)
    files = _package(subject_request, owner)
    (name,) = [n for n in files if "/documenten/" in n]
    assert name.endswith("-antwoord.eml")
    message = email.message_from_bytes(files[name])
    assert message["Subject"] == "Antwoord" and "Beste Jan" in message.get_payload()
    # only the second message of the file: not Anna's first one
    assert ANNA.encode() not in files[name] and b"Bel me" not in files[name]


def test_package_in_english_says_redacted(source, organisation, owner, system):
    subject_request = _reviewed_package(source, organisation, owner, system, language="en")
    files = _package(subject_request, owner)
    (talk,) = [d.decode() for n, d in files.items() if n.endswith("gesprek-txt.txt")]
    assert all("/documenten/" not in n for n in files)
    assert "Collega [redacted] nam op" in talk
    assert files["documents.csv"].decode().splitlines()[0] == "File,Name,System,Where found,Status"


def test_item_changed_since_review_stops_the_package(source, organisation, owner, system, folder):
    subject_request = _reviewed_package(source, organisation, owner, system)
    (folder / "gesprek.txt").write_text(f"{JAN} en nu ook Karel Appel, BSN niet", encoding="utf-8")
    document_actions.index_source(source, actor=owner)
    with pytest.raises(RequestError, match="veranderd"):
        actions.build_package(subject_request, actor=owner)
    assert not RequestFile.objects.filter(kind=FileKind.PACKAGE).exists()
    # searched again, the changed item waits for a new review; the others keep theirs
    task = subject_request.tasks.get(system=system)
    actions.update_task(task, actor=owner, outcome="")  # reopened
    hits = {h.found["title"]: h for h in actions.find_documents(task, actor=owner)}
    assert hits["gesprek.txt"].decision == HitDecision.PENDING
    assert hits["gesprek.txt"].redactions == [COLLEAGUE]
    assert hits["bericht.eml"].decision == HitDecision.INCLUDED
    actions.review_hit(
        hits["gesprek.txt"], actor=owner, decision=HitDecision.INCLUDED, redactions="Karel Appel"
    )
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    files = _package(subject_request, owner)
    assert not any("karel appel" in d.decode(errors="replace").casefold() for d in files.values())


def test_unreviewed_hits_never_reach_the_package(source, organisation, owner, system):
    # even if a task is forced done around the review (a privacy officer waiving it)
    subject_request = _request(organisation, owner)
    task = _task(subject_request, system)
    actions.find_documents(task, actor=owner)
    task.status = TaskStatus.DONE
    task.save(update_fields=["status"])
    _close_other_tasks(subject_request, task, owner)
    files = _package(subject_request, owner)
    assert not any("documenten" in name for name in files)
    assert all(JAN not in data.decode(errors="replace") for data in files.values())


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(alphabet=string.ascii_letters + " \n.,", max_size=40),
    after=st.text(alphabet=string.ascii_letters + " \n.,", max_size=40),
    secret=st.lists(st.text(alphabet=string.ascii_letters, min_size=2, max_size=8), min_size=1,
                    max_size=3),
    gaps=st.lists(st.sampled_from([" ", "  ", "\n", " \n "]), min_size=2, max_size=2),
    upper=st.booleans(),
)  # fmt: skip
def test_a_redacted_string_is_gone_whatever_its_case_or_line_breaks(
    before, after, secret, gaps, upper
):
    """The rule, once: after redaction no written form of the string is left in the text."""
    from waarborg.requests.actions import redact

    written = gaps[0].join(secret)
    written = written.upper() if upper else written
    text = before + " " + written + gaps[1] + written + " " + after
    result = redact(text, [" ".join(secret)], "█████")
    flat = " ".join(result.split()).casefold()
    assert " ".join(secret).casefold() not in flat
    assert "█████" in result


def test_erasure_task_is_gated_before_the_database_is_touched(
    organisation, owner, system, source, tmp_path
):
    """An erasure task with an SQL source and a document source: the database step refuses
    while hits are unreviewed, and changes nothing."""
    from waarborg.sources import actions as source_actions
    from waarborg.sources import demo_shop

    path = demo_shop.build(tmp_path / "webshop.sqlite3")
    source_actions.connect_source(
        organisation, system, actor=owner, url=f"sqlite:///{path}",
        annotation=demo_shop.ANNOTATION.read_text(encoding="utf-8"),
    )  # fmt: skip
    subject_request = _request(organisation, owner, kind=Kind.ERASURE)
    task = _task(subject_request, system)
    assert task.automatic
    before = path.read_bytes()
    with pytest.raises(RequestError, match="Doorzoek eerst"):
        actions.run_task(task, actor=owner)
    hits = actions.find_documents(task, actor=owner)
    assert hits
    with pytest.raises(RequestError, match="te beoordelen"):
        actions.run_task(task, actor=owner)
    assert path.read_bytes() == before
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_rectification_does_not_search_documents(source, organisation, owner, system):
    subject_request = _request(organisation, owner, kind=Kind.RECTIFICATION)
    task = _task(subject_request, system)
    with pytest.raises(RequestError):
        actions.find_documents(task, actor=owner)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)  # no review asked


def test_claimed_phone_counts_only_once_confirmed_and_a_redacted_pdf_is_made_anew(
    source, organisation, owner, system, folder
):
    subject_request = _request(organisation, owner, phone="06-12345678", verified=("email",))
    task = _task(subject_request, system)
    assert "offerte-2026.pdf" not in _titles(actions.find_documents(task, actor=owner))
    actions.decide_claimed(
        subject_request, actor=owner, decision="confirmed", reason="zelfde klant in het CRM"
    )
    hits = {h.found["title"]: h for h in actions.find_documents(task, actor=owner)}
    assert "offerte-2026.pdf" in hits
    for title, hit in hits.items():
        decision = HitDecision.INCLUDED if title == "offerte-2026.pdf" else HitDecision.EXCLUDED
        actions.review_hit(hit, actor=owner, decision=decision, redactions="de heer")
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    _close_other_tasks(subject_request, task, owner)
    files = _package(subject_request, owner)
    offer = sorted(n for n in files if "/documenten/" in n)
    assert [n.rpartition("-")[2] for n in offer] == ["pdf.pdf", "pdf.txt"]
    assert "Offerte voor [weggelaten] J. de Vries" in files[offer[1]].decode()
    # the PDF is made from the redacted text, not the original with a bar laid over it
    original = (folder / "offertes" / "offerte-2026.pdf").read_bytes()
    assert files[offer[0]] != original
    shown = _pdf_text(files[offer[0]])
    assert "[weggelaten]" in shown and "de heer" not in shown.casefold()
    assert "de heer" not in _decompressed(files[offer[0]]).decode("latin-1").casefold()


def test_an_item_with_a_masked_bsn_never_goes_as_its_original(
    source, organisation, owner, system, folder
):
    # the review showed the number masked: whose it is, no one saw, so the original stays in
    (folder / "bsn.txt").write_text(f"{JAN} BSN 111222333 klant", encoding="utf-8")
    document_actions.index_source(source, actor=owner)
    subject_request = _request(organisation, owner)
    task = _task(subject_request, system)
    for hit in actions.find_documents(task, actor=owner):
        decision = HitDecision.INCLUDED if hit.ref == "bsn.txt" else HitDecision.EXCLUDED
        actions.review_hit(hit, actor=owner, decision=decision)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    _close_other_tasks(subject_request, task, owner)
    files = _package(subject_request, owner)
    documents = sorted(n.rpartition("-")[2] for n in files if "/documenten/" in n)
    assert documents == ["txt.pdf", "txt.txt"]
    assert "burgerservicenummer (BSN) erin afgeschermd" in files["documenten.csv"].decode()
    files["export.txt"] = _pdf_text(next(d for n, d in files.items() if n.endswith("txt.pdf")))
    files["export.txt"] = files["export.txt"].encode()
    assert JAN in files["export.txt"].decode()
    assert all(b"111222333" not in data for data in files.values())


def test_an_outlook_message_goes_as_the_original_msg(source, organisation, owner, system, folder):
    from tests.documents.msgfile import msg_bytes

    data = msg_bytes(
        "Terugbelverzoek", ("Jan de Vries", JAN), [("Info", "info@firma.example")], "Bel me terug"
    )
    (folder / "terugbellen.msg").write_bytes(data)
    document_actions.index_source(source, actor=owner)
    subject_request = _request(organisation, owner)
    task = _task(subject_request, system)
    for hit in actions.find_documents(task, actor=owner):
        decision = HitDecision.INCLUDED if hit.ref == "terugbellen.msg" else HitDecision.EXCLUDED
        actions.review_hit(hit, actor=owner, decision=decision)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    _close_other_tasks(subject_request, task, owner)
    files = _package(subject_request, owner)
    (name,) = [n for n in files if "/documenten/" in n]
    assert name.endswith("-terugbelverzoek.msg") and files[name] == data


def test_a_package_made_before_an_item_changed_is_never_sent(
    source, organisation, owner, system, folder, mailoutbox, client_for
):
    """Made, then the reviewed file changed on the share (or another request's erasure
    deleted a message in it): sending the answer refuses, and the page says why."""
    subject_request = _reviewed_package(source, organisation, owner, system)
    _package(subject_request, owner)
    (folder / "gesprek.txt").write_text(f"{JAN} en nu ook Karel Appel", encoding="utf-8")
    document_actions.index_source(source, actor=owner)
    sent = len(mailoutbox)
    with pytest.raises(RequestError, match="veranderd"):
        actions.send_answer(subject_request, actor=owner)
    assert len(mailoutbox) == sent
    subject_request.refresh_from_db()
    assert subject_request.is_open
    page = client_for(owner).get(reverse("requests:detail", args=[subject_request.pk]))
    assert 'id="package-out-of-date"' in page.content.decode()


def test_a_package_made_before_a_hit_was_decided_again_is_made_anew_when_sent(
    source, organisation, owner, system, mailoutbox
):
    subject_request = _reviewed_package(source, organisation, owner, system)
    first = _package(subject_request, owner)
    assert any(name.endswith("bericht.eml") for name in first)
    task = _task(subject_request, system)
    actions.update_task(task, actor=owner, outcome="")  # reopened
    hit = next(h for h in task.document_hits.all() if h.found["title"] == "bericht.eml")
    actions.review_hit(hit, actor=owner, decision=HitDecision.EXCLUDED)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    old = RequestFile.objects.get(request=subject_request, kind=FileKind.PACKAGE)
    assert actions.package_out_of_date(subject_request, old)
    actions.send_answer(subject_request, actor=owner)
    sent = RequestFile.objects.get(request=subject_request, kind=FileKind.PACKAGE)
    assert sent.pk != old.pk
    with zipfile.ZipFile(io.BytesIO(sent.content())) as archive:
        assert not any(name.endswith("bericht.eml") for name in archive.namelist())


def test_a_requests_search_names_the_request_in_the_audit_trail(
    source, organisation, owner, system
):
    subject_request = _request(organisation, owner)
    actions.find_documents(_task(subject_request, system), actor=owner)
    entry = AuditEntry.objects.filter(action="documents.find").latest("pk")
    assert (entry.object_type, entry.object_id) == (
        "requests.subjectrequest",
        str(subject_request.pk),
    )
    assert entry.new["reason"] == subject_request.reference


NAMES = st.lists(st.sampled_from(["Piet Jansen", "Karel Appel", "Anna Smit"]), max_size=2)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.tuples(st.booleans(), NAMES), min_size=1, max_size=6))
def test_a_hit_keeps_the_redactions_of_its_last_inclusion(
    source, organisation, owner, system, steps
):
    """Whatever the order of includes and excludes: an included hit holds the strings given
    with its last inclusion, an excluded one those of the inclusion before it (none if it
    never was), so that including it again never drops them."""
    task = _task(_request(organisation, owner), system)
    hit = next(h for h in actions.find_documents(task, actor=owner) if h.ref == "gesprek.txt")
    expected = []
    for include, names in steps:
        decision = HitDecision.INCLUDED if include else HitDecision.EXCLUDED
        # an exclusion is posted with the form's text box as it stands, or an empty one
        actions.review_hit(hit, actor=owner, decision=decision, redactions="\n".join(names))
        if include:
            expected = list(dict.fromkeys(names))
        hit.refresh_from_db()
        assert hit.decision == decision
        assert sorted(hit.redactions) == sorted(expected)
