"""Requests from intake to closure, for every kind, through the actions."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from waarborg.audit.models import AuditEntry
from waarborg.consent import actions as consent_actions
from waarborg.consent.models import ConsentState, Mechanism
from waarborg.requests import actions
from waarborg.requests.actions import RequestError
from waarborg.requests.models import (
    FileKind,
    Kind,
    Outcome,
    RequestFile,
    Status,
    SubjectRequest,
    TaskKind,
    TaskStatus,
    Verification,
)
from waarborg.sources import engine
from waarborg.sources.demo_shop import DEMO_CUSTOMER

from .conftest import link_in, path_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _file(name, content, content_type="text/csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def _new(firm, committed, kind=Kind.ACCESS, email=DEMO_CUSTOMER["email"], **extra):
    with committed():
        return actions.create_request(
            firm,
            actor=None,
            kind=kind,
            channel="web",
            name="Jan de Jong",
            email=email,
            language=extra.pop("language", "nl"),
            **extra,
        )


def _verify_by_link(firm, subject_request, outbox):
    link = link_in(outbox[-1], "/request/verify/")
    client = Client()
    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "Ja, dit is mijn verzoek" in page.content.decode()
    subject_request.refresh_from_db()
    assert not subject_request.is_verified  # a GET (a mail scanner) verifies nothing
    done = client.post(path_of(link))
    assert done.status_code == 200
    subject_request.refresh_from_db()
    return subject_request


@time_machine.travel(datetime(2026, 1, 30, 10, 0, tzinfo=AMSTERDAM), tick=False)
def test_intake_gives_reference_due_date_and_acknowledgement(firm, committed, outbox):
    subject_request = _new(firm, committed)
    assert subject_request.reference == "2026-0001"
    assert subject_request.status == Status.AWAITING_IDENTITY
    # 28 February 2026 is a Saturday: due on Monday 2 March
    assert subject_request.due_on == date(2026, 3, 2)
    [message] = outbox
    assert message.to == [DEMO_CUSTOMER["email"]]
    assert "2026-0001" in message.subject
    assert "2 maart 2026" in message.body
    assert "/request/verify/" in message.body
    entry = AuditEntry.objects.get(organisation=firm, action="request.create")
    assert entry.new["kind"] == "access"
    second = _new(firm, committed, kind=Kind.ERASURE)
    assert second.reference == "2026-0002"


def test_english_acknowledgement(firm, committed, outbox):
    _new(firm, committed, language="en")
    assert "Your request" in outbox[0].subject
    assert "confirm that this e-mail address is yours" in outbox[0].body


def test_bad_intake_changes_nothing(firm):
    with pytest.raises(RequestError):
        actions.create_request(
            firm, actor=None, kind="nonsense", channel="web", name="X", email="x@example.nl"
        )
    with pytest.raises(RequestError):
        actions.create_request(
            firm, actor=None, kind=Kind.ACCESS, channel="web", name="X", email="not-an-address"
        )
    with pytest.raises(RequestError):
        actions.create_request(
            firm, actor=None, kind=Kind.ACCESS, channel="web", name="", email="x@example.nl"
        )
    with pytest.raises(RequestError):
        actions.create_request(
            firm,
            actor=None,
            kind=Kind.ACCESS,
            channel="web",
            name="X",
            email="x@example.nl",
            phone="twelve",
        )
    assert not SubjectRequest.objects.exists()


def test_pause_for_identity_starts_the_month_at_verification(firm, committed, outbox, owner):
    actions.save_settings(firm, actor=owner, pause_for_identity=True)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        subject_request = _new(firm, committed)
        assert subject_request.due_on is None
        assert "binnen een maand nadat uw identiteit is vastgesteld" in outbox[0].body
    with time_machine.travel(datetime(2026, 3, 12, 9, 0, tzinfo=AMSTERDAM), tick=False):
        subject_request = _verify_by_link(firm, subject_request, outbox)
    assert subject_request.due_on == date(2026, 4, 13)  # 12 April 2026 is a Sunday


def test_access_request_end_to_end(firm, shop, committed, outbox, privacy_officer, handler):
    subject_request = _new(firm, committed)
    with committed():
        subject_request = _verify_by_link(firm, subject_request, outbox)
    assert subject_request.verification == Verification.EMAIL_LINK
    assert subject_request.status == Status.IN_PROGRESS
    tasks = {t.system.key: t for t in subject_request.tasks.filter(kind=TaskKind.SYSTEM)}
    assert {"webshop", "boekhouding", "mailbox"} <= set(tasks)
    assert tasks["webshop"].automatic
    assert not tasks["boekhouding"].automatic
    assert "Exact Online" in tasks["boekhouding"].instructions
    actions.run_task(tasks["webshop"], actor=handler)
    tasks["webshop"].refresh_from_db()
    found = tasks["webshop"].result["found"]
    assert (
        found["klant"]["rows"][0][found["klant"]["fields"].index("email")] == DEMO_CUSTOMER["email"]
    )
    actions.update_task(
        tasks["boekhouding"],
        actor=handler,
        status=TaskStatus.DONE,
        upload=_file("relatie.csv", b"naam,email\nJan,jan@x\n"),
        notes="export",
    )
    for task in subject_request.tasks.exclude(
        pk__in=[tasks["webshop"].pk, tasks["boekhouding"].pk]
    ):
        actions.update_task(
            task,
            actor=handler,
            status=TaskStatus.NOT_APPLICABLE,
            reason="geen gegevens van deze persoon",
        )
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    subject_request.refresh_from_db()
    assert subject_request.status == Status.ANSWERED
    assert subject_request.outcome == Outcome.GRANTED
    answer = outbox[-1]
    assert answer.to == [DEMO_CUSTOMER["email"]]
    link = link_in(answer, "/download/")
    client = Client()
    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "Rapport (PDF)" in page.content.decode()
    package = RequestFile.objects.get(request=subject_request, kind=FileKind.PACKAGE)
    assert b"jan.dejong" not in bytes(package.data)  # encrypted at rest
    zipped = client.get(path_of(link) + package.name)
    assert zipped.status_code == 200
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        names = archive.namelist()
        assert "rapport.html" in names
        assert "webshop/klant.json" in names and "webshop/klant.csv" in names
        assert "boekhouding/relatie.csv" in names
        report = archive.read("rapport.html").decode()
    assert "Wat wij met uw gegevens doen" in report
    assert DEMO_CUSTOMER["email"] in report
    assert "Autoriteit Persoonsgegevens" in report
    html = client.get(path_of(link) + "rapport.html")
    assert html.status_code == 200 and DEMO_CUSTOMER["email"] in html.content.decode()
    # served with its own inline style allowed by hash, nothing else inline
    assert "style-src 'sha256-" in html["Content-Security-Policy"]
    assert "unsafe-inline" not in html["Content-Security-Policy"]
    package.refresh_from_db()
    assert package.downloads == 2
    assert AuditEntry.objects.filter(organisation=firm, action="request.download").count() == 2
    # closing keeps the record; purging after the period deletes the files
    actions.close_request(subject_request, actor=privacy_officer)
    subject_request.refresh_from_db()
    assert subject_request.status == Status.CLOSED and subject_request.name == "Jan de Jong"
    later = subject_request.closed_at + timedelta(days=31)
    assert actions.purge_files(now=later) == 2  # the package and the upload
    assert not RequestFile.objects.filter(request=subject_request).exists()
    assert client.get(path_of(link)).status_code == 400


def test_expired_download_link_shows_nothing(firm, shop, committed, outbox, privacy_officer):
    subject_request = _new(firm, committed)
    actions.verify_request(
        subject_request,
        actor=privacy_officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant aan de telefoon",
    )
    for task in subject_request.tasks.all():
        actions.update_task(
            task,
            actor=privacy_officer,
            status=TaskStatus.NOT_APPLICABLE,
            reason="geen gegevens van deze persoon",
        )
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    link = link_in(outbox[-1], "/download/")
    with time_machine.travel(datetime.now(tz=AMSTERDAM) + timedelta(days=31)):
        response = Client().get(path_of(link))
    assert response.status_code == 400
    assert "Deze link werkt niet" in response.content.decode()


def test_answer_needs_identity_and_finished_tasks(firm, committed, privacy_officer):
    subject_request = _new(firm, committed)
    with pytest.raises(RequestError, match="identiteit|identity"):
        actions.send_answer(subject_request, actor=privacy_officer)
    actions.verify_request(
        subject_request,
        actor=privacy_officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant",
    )
    with pytest.raises(RequestError):
        actions.send_answer(subject_request, actor=privacy_officer)
    with pytest.raises(RequestError):
        actions.verify_request(
            subject_request,
            actor=privacy_officer,
            method=Verification.STAFF,
            identifiers=["email"],
            note="",
        )  # no-op: already verified
    subject_request.refresh_from_db()
    assert subject_request.status == Status.IN_PROGRESS


def test_staff_verification_needs_a_reason(firm, committed, privacy_officer):
    subject_request = _new(firm, committed)
    with pytest.raises(RequestError):
        actions.verify_request(
            subject_request,
            actor=privacy_officer,
            method=Verification.STAFF,
            identifiers=["email"],
            note="  ",
        )
    subject_request.refresh_from_db()
    assert not subject_request.is_verified


def test_erasure_restricts_what_the_law_keeps(
    firm, shop, committed, outbox, privacy_officer, handler
):
    subject_request = _new(firm, committed, kind=Kind.ERASURE)
    actions.verify_request(
        subject_request,
        actor=handler,
        method=Verification.STAFF,
        identifiers=["email"],
        note="bekende klant",
    )
    webshop = subject_request.tasks.get(system__key="webshop")
    actions.run_task(webshop, actor=handler)
    webshop.refresh_from_db()
    evidence = webshop.result["evidence"]
    assert evidence["factuur"]["action"] == "held"
    assert "AWR" in evidence["factuur"]["reason"]
    assert webshop.result["restricted"]["factuur"]["rows"] >= 1
    assert not engine.access(shop.url, shop.dataset(), {"email": [DEMO_CUSTOMER["email"]]})
    notify = list(subject_request.tasks.filter(kind=TaskKind.NOTIFY))
    assert notify, "recipients are told per Art. 19"
    exact = next(t for t in notify if t.party.key == "exact")
    with committed():
        actions.notify_recipient(exact, actor=handler)
    assert outbox[-1].to == ["privacy@exact.example"]
    assert "Art" in outbox[-1].body or "artikel 19" in outbox[-1].body
    assert webshop.outcome == "done"
    books = subject_request.tasks.get(system__key="boekhouding")
    # the manual bookkeeping system keeps its invoices for the statutory period: chosen by hand
    with pytest.raises(RequestError):
        actions.update_task(books, actor=handler, outcome="legal_hold", reason=" ")
    actions.update_task(
        books,
        actor=handler,
        outcome="legal_hold",
        reason="Financiële administratie: 7 jaar na het einde van het boekjaar (art. 52 AWR)",
    )
    with pytest.raises(RequestError, match="open"):
        actions.refuse_request(
            subject_request, actor=privacy_officer, ground="exemption", reasons="x", partly=True
        )
    for task in subject_request.tasks.filter(status=TaskStatus.OPEN):
        actions.update_task(task, actor=handler, status=TaskStatus.DONE)
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    answer = outbox[-1]
    assert "wissing" in answer.subject
    lines = [line for line in answer.body.splitlines() if line.startswith("- ")]
    webshop_line = next(line for line in lines if line.startswith("- Webwinkel"))
    assert "gewist, behalve" in webshop_line and "art. 52 AWR" in webshop_line
    assert "afgeschermd" in webshop_line
    books_line = next(line for line in lines if line.startswith("- Boekhouding"))
    assert "bewaard" in books_line and "7 jaar na het einde van het boekjaar" in books_line
    assert "gewist" not in books_line
    actions.close_request(subject_request, actor=privacy_officer)
    subject_request.refresh_from_db()
    assert subject_request.email == "" and len(subject_request.identity_hash) == 64
    assert subject_request.reference and subject_request.outcome == Outcome.GRANTED


def test_rectification_and_restriction(firm, shop, committed, outbox, privacy_officer, handler):
    rectify = _new(firm, committed, kind=Kind.RECTIFICATION, description="Nieuw telefoonnummer")
    actions.verify_request(
        rectify, actor=handler, method=Verification.STAFF, identifiers=["email"], note="klant"
    )
    task = rectify.tasks.get(system__key="webshop")
    with pytest.raises(RequestError):
        actions.run_task(task, actor=handler)  # needs the corrections
    actions.run_task(task, actor=handler, changes={"klant.telefoon": "+31612345678"})
    rows = engine.records(
        engine.access(shop.url, shop.dataset(), {"email": [DEMO_CUSTOMER["email"]]})["klant"]
    )
    assert rows[0]["telefoon"] == "+31612345678"
    for other in rectify.tasks.filter(status=TaskStatus.OPEN):
        actions.update_task(other, actor=handler, status=TaskStatus.DONE)
    with committed():
        actions.send_answer(rectify, actor=privacy_officer)
    assert "correctie" in outbox[-1].subject

    restrict = _new(firm, committed, kind=Kind.RESTRICTION, language="en")
    actions.verify_request(
        restrict, actor=handler, method=Verification.STAFF, identifiers=["email"], note="klant"
    )
    actions.run_task(restrict.tasks.get(system__key="webshop"), actor=handler)
    for other in restrict.tasks.filter(status=TaskStatus.OPEN):
        actions.update_task(other, actor=handler, status=TaskStatus.DONE)
    with committed():
        actions.send_answer(restrict, actor=privacy_officer)
    assert "restriction" in outbox[-1].subject

    def blocked():
        found = engine.access(shop.url, shop.dataset(), {"email": [DEMO_CUSTOMER["email"]]})
        return [row["geblokkeerd"] for row in engine.records(found["klant"])]

    assert all(blocked())  # the flag column is set in the shop's database
    # lifting (Art. 18(3)): the person is told first, then the flag is cleared there too
    webshop = restrict.tasks.get(system__key="webshop")
    with committed():
        actions.announce_lifting(webshop, actor=privacy_officer)
    webshop.refresh_from_db()
    actions.lift_restriction(webshop, actor=privacy_officer, reason="accuracy established")
    assert not any(blocked())
    lifted = AuditEntry.objects.filter(action="request.restriction_lifted").latest("pk")
    assert lifted.new["database"]["klant"] == 1


def test_direct_marketing_objection_takes_effect_at_once(
    firm, owner, committed, outbox, privacy_officer
):
    purpose = consent_actions.save_purpose(
        firm,
        actor=owner,
        key="nieuwsbrief",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        direct_marketing=True,
        wording={"nl": "Ja, stuur mij de nieuwsbrief.", "en": "Yes."},
    )
    consent_actions.record_event(purpose, "jan.dejong@example.nl", "granted", source="form")
    subject_request = _new(firm, committed, kind=Kind.OBJECTION, direct_marketing=True)
    with committed():
        _verify_by_link(firm, subject_request, outbox)
    state = ConsentState.objects.get(purpose=purpose, person_key="jan.dejong@example.nl")
    assert state.status == "objected"
    ledger = subject_request.tasks.get(kind=TaskKind.LEDGER)
    assert ledger.status == TaskStatus.DONE
    answer = consent_actions.check_contacts(purpose, ["jan.dejong@example.nl"])[0]
    assert not answer.may_contact


def test_consent_withdrawal(firm, owner, committed, outbox, privacy_officer):
    purpose = consent_actions.save_purpose(
        firm,
        actor=owner,
        key="nieuwsbrief",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        wording={"nl": "Ja.", "en": "Yes."},
    )
    consent_actions.record_event(purpose, "jan.dejong@example.nl", "granted", source="form")
    subject_request = _new(firm, committed, kind=Kind.WITHDRAWAL)
    actions.verify_request(
        subject_request,
        actor=privacy_officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="klant",
    )
    assert ConsentState.objects.get(purpose=purpose).status == "withdrawn"
    for task in subject_request.tasks.filter(status=TaskStatus.OPEN):
        actions.update_task(task, actor=privacy_officer, status=TaskStatus.DONE)
    with committed():
        actions.send_answer(subject_request, actor=privacy_officer)
    assert "nieuwsbrief" in outbox[-1].body


def test_portability_package_has_no_report(firm, shop, committed, outbox, privacy_officer):
    subject_request = _new(firm, committed, kind=Kind.PORTABILITY)
    actions.verify_request(
        subject_request,
        actor=privacy_officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="klant",
    )
    systems = {t.system.key for t in subject_request.tasks.all()}
    assert "webshop" in systems  # contract, provided by the customer
    assert "telefooncentrale" not in systems
    for task in subject_request.tasks.all():
        if task.automatic:
            actions.run_task(task, actor=privacy_officer)
        else:
            actions.update_task(
                task,
                actor=privacy_officer,
                status=TaskStatus.NOT_APPLICABLE,
                reason="geen gegevens van deze persoon",
            )
    package = actions.build_package(subject_request, actor=privacy_officer)
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(package.content())) as archive:
        names = archive.namelist()
    assert "webshop/klant.json" in names
    assert not any(name.startswith("rapport") for name in names)


def test_refusal_names_the_routes(firm, committed, outbox, privacy_officer):
    subject_request = _new(firm, committed, language="en")
    with pytest.raises(RequestError):
        actions.refuse_request(
            subject_request, actor=privacy_officer, ground="excessive", reasons=""
        )
    with committed():
        actions.refuse_request(
            subject_request,
            actor=privacy_officer,
            ground="excessive",
            reasons="The fourth identical request this month.",
        )
    body = outbox[-1].body
    assert "Excessive" in body and "fourth identical" in body
    assert "Autoriteit Persoonsgegevens" in body and "court" in body
    subject_request.refresh_from_db()
    assert subject_request.outcome == Outcome.REFUSED


def test_extension_only_within_the_first_month(firm, committed, outbox, privacy_officer):
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=AMSTERDAM), tick=False):
        subject_request = _new(firm, committed)
    with time_machine.travel(datetime(2026, 3, 25, 9, 0, tzinfo=AMSTERDAM), tick=False):
        with pytest.raises(RequestError):
            actions.extend_deadline(subject_request, actor=privacy_officer, reason=" ")
        with committed():
            actions.extend_deadline(
                subject_request, actor=privacy_officer, reason="Gegevens in vijf systemen."
            )
        assert subject_request.extended_to == date(2026, 6, 10)
        assert "10 juni 2026" in outbox[-1].body and "vijf systemen" in outbox[-1].body
        with pytest.raises(RequestError):  # only once
            actions.extend_deadline(subject_request, actor=privacy_officer, reason="Nog meer")
    late = _new(firm, committed)
    late.received_at -= timedelta(days=40)
    late.due_on = date.today() - timedelta(days=8)
    late.save()
    with pytest.raises(RequestError):
        actions.extend_deadline(late, actor=privacy_officer, reason="Te laat")


def test_id_copy_is_deleted_after_the_check(firm, committed, outbox, privacy_officer):
    subject_request = _new(firm, committed)
    with committed():
        actions.request_id_copy(subject_request, actor=privacy_officer)
    message = outbox[-1]
    assert "BSN" in message.body
    link = link_in(message, "/request/id/")
    client = Client()
    page = client.get(path_of(link))
    assert "burgerservicenummer (BSN) onleesbaar" in page.content.decode()
    upload = client.post(
        path_of(link), {"document": _file("id.jpg", b"\xff\xd8fake", "image/jpeg")}
    )
    assert upload.status_code == 200
    stored = RequestFile.objects.get(request=subject_request, kind=FileKind.ID_COPY)
    assert b"fake" not in bytes(stored.data)
    assert stored.content() == b"\xff\xd8fake"
    assert "identiteit" in stored.purpose or "identity" in stored.purpose
    # a business requester sends more: a KvK extract and a representative's mandate
    for kind in ("kvk", "mandate"):
        sent = client.post(
            path_of(link),
            {"kind": kind, "document": _file(f"{kind}.pdf", b"%PDF", "application/pdf")},
        )
        assert sent.status_code == 200
    kinds = set(RequestFile.objects.filter(request=subject_request).values_list("kind", flat=True))
    assert kinds == {"id_copy", "kvk", "mandate"}
    actions.check_id_copy(subject_request, actor=privacy_officer, accepted=True, note="klopt")
    subject_request.refresh_from_db()
    assert subject_request.verification == Verification.ID_DOCUMENT
    assert not RequestFile.objects.filter(request=subject_request).exists()
    entry = AuditEntry.objects.get(organisation=firm, action="request.id_checked")
    assert entry.new == {
        "accepted": True,
        "note": "klopt",
        "file_deleted": True,
        "kinds": ["id_copy", "kvk", "mandate"],
    }
    assert client.get(path_of(link)).status_code == 400  # verified: the upload link is done


def test_forward_to_client_controller(firm, owner, committed, outbox, privacy_officer):
    from waarborg.register import actions as register_actions
    from waarborg.register.models import Party

    register_actions.save_item(
        "parties",
        firm,
        {
            "key": "woonstede",
            "name": {"nl": "Woonstede"},
            "kind": "client_controller",
            "country": "NL",
            "contact": "privacy@woonstede.example",
        },
        actor=owner,
    )
    party = Party.objects.get(organisation=firm, key="woonstede")
    subject_request = _new(firm, committed)
    with committed():
        actions.forward_to_controller(subject_request, actor=privacy_officer, party=party)
    to = {tuple(m.to) for m in outbox[-2:]}
    assert ("privacy@woonstede.example",) in to and (DEMO_CUSTOMER["email"],) in to
    letter = next(m for m in outbox if m.to == ["privacy@woonstede.example"])
    assert "verwerker" in letter.body and subject_request.reference in letter.subject
    task = subject_request.tasks.get(kind=TaskKind.FORWARD)
    assert task.status == TaskStatus.DONE


def test_reminders_once_a_day(firm, committed, outbox, privacy_officer, handler):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        subject_request = _new(firm, committed)
        actions.assign_request(subject_request, actor=privacy_officer, assignee=handler)
    outbox.clear()
    with time_machine.travel(datetime(2026, 3, 30, 8, 0, tzinfo=AMSTERDAM), tick=False):
        assert actions.send_reminders() == 2
        assert actions.send_reminders() == 0  # a retried run sends nothing twice
    to = sorted(m.to[0] for m in outbox)
    assert to == ["handler@firma.example", "po@firma.example"]
    assert "2026-0001" in outbox[0].body


def test_a_reminder_is_in_the_language_its_reader_chose(
    firm, committed, outbox, privacy_officer, handler
):
    handler.language = "en"
    handler.save(update_fields=["language"])
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        subject_request = _new(firm, committed)
        actions.assign_request(subject_request, actor=privacy_officer, assignee=handler)
    outbox.clear()
    with time_machine.travel(datetime(2026, 3, 30, 8, 0, tzinfo=AMSTERDAM), tick=False):
        assert actions.send_reminders() == 2
    by_address = {m.to[0]: m for m in outbox}
    english, dutch = by_address["handler@firma.example"], by_address["po@firma.example"]
    assert english.subject != dutch.subject
    assert "request" in (english.subject + english.body).lower()
    assert "verzoek" in (dutch.subject + dutch.body).lower()
    assert "verzoek" not in (english.subject + english.body).lower()


def test_rate_limit_counts_per_key(db):
    assert all(actions.allow("t", "1.2.3.4", limit=3, minutes=60) for _ in range(3))
    assert not actions.allow("t", "1.2.3.4", limit=3, minutes=60)
    assert actions.allow("t", "5.6.7.8", limit=3, minutes=60)


def test_tampered_verification_link(firm, committed, outbox):
    subject_request = _new(firm, committed)
    token = signing.dumps({"r": subject_request.pk, "a": "wrong"}, salt=actions.VERIFY_SALT)
    response = Client().post(f"/c/{firm.slug}/request/verify/{token}/")
    assert response.status_code == 400
    subject_request.refresh_from_db()
    assert not subject_request.is_verified


def test_no_package_while_a_systems_task_is_open(
    firm, shop, committed, outbox, privacy_officer, client_for
):
    """A package made before every system was looked in would tell the person "we found no
    data" of a system nobody searched: refused, with the systems named, and nothing stored."""
    from waarborg.requests.models import FileKind, RequestFile

    subject_request = _new(firm, committed, kind=Kind.ACCESS)
    actions.verify_request(
        subject_request,
        actor=privacy_officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="klant",
    )
    tasks = [t for t in subject_request.tasks.all() if t.system_id]
    waiting = tasks[0]
    for task in tasks[1:]:
        actions.update_task(
            task, actor=privacy_officer, status=TaskStatus.NOT_APPLICABLE, reason="niet hier"
        )
    with pytest.raises(actions.RequestError, match=str(waiting.system)):
        actions.build_package(subject_request, actor=privacy_officer)
    with pytest.raises(actions.RequestError):
        actions.queue_package(subject_request, actor=privacy_officer)
    assert not RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).exists()
    # the page says why, in the reader's language, and stores nothing either
    browser = client_for(privacy_officer)
    browser.cookies["waarborg_language"] = "nl"
    url = reverse("requests:build", args=[subject_request.pk])
    page = browser.post(url, follow=True).content.decode()
    assert "staat nog open" in page and str(waiting.system) in page
    assert 'id="make-package"' not in page  # offered once every task is resolved
    assert not RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).exists()
    actions.update_task(
        waiting, actor=privacy_officer, status=TaskStatus.NOT_APPLICABLE, reason="niet hier"
    )
    page = browser.get(reverse("requests:detail", args=[subject_request.pk])).content.decode()
    assert 'id="make-package"' in page and ">Pakket maken</button>" in page
    assert actions.build_package(subject_request, actor=privacy_officer).size > 0
    page = browser.get(reverse("requests:detail", args=[subject_request.pk])).content.decode()
    assert ">Pakket opnieuw maken</button>" in page
