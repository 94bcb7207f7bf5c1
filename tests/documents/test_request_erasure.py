"""An erasure request's files and holds: files on a share are listed for a person to delete
(Waarborg never deletes them) and ticked off; an invoice is kept under the administration
duty with the rule, its legal basis and until when; a handler keeps or lifts a hold only with
a reason (audited); the pages refuse bad input with a 400 and a reason, another organisation's
or another task's items with a 404, and never answer 500."""

import os
from datetime import date

import pytest
from django.urls import reverse

from tests.documents.test_request_review import JAN, _request, _task, folder, source  # noqa: F401
from waarborg.audit.models import AuditEntry
from waarborg.register.models import RetentionRule, System
from waarborg.requests import actions, document_holds
from waarborg.requests.actions import RequestError, document_erasure
from waarborg.requests.models import DocumentHit, HitDecision, HitErasure, HitHold, Kind, TaskStatus


@pytest.fixture(autouse=True)
def _english():
    """The actions' messages in English here; the pages are read in Dutch, their first
    language."""
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


@pytest.fixture
def invoice_folder(folder):  # noqa: F811
    path = folder / "facturen" / "factuur-2026-014.txt"
    path.parent.mkdir()
    path.write_text(f"Factuur 2026-014 voor {JAN}. Totaal: € 121,00.", encoding="utf-8")
    moment = 1772442000  # 2 March 2026
    os.utime(path, (moment, moment))
    return folder


@pytest.fixture
def erasure_task(organisation, owner, system, source):  # noqa: F811
    return _task(_request(organisation, owner, kind=Kind.ERASURE), system)


def _found(task, owner):
    hits = {h.ref: h for h in actions.find_documents(task, actor=owner)}
    for hit in hits.values():
        actions.review_hit(hit, actor=owner, decision=HitDecision.INCLUDED)
    return {
        ref: DocumentHit.objects.select_related("source").get(pk=h.pk) for ref, h in hits.items()
    }


def test_files_are_listed_for_a_person_and_ticked_off(erasure_task, owner, folder):  # noqa: F811
    hits = _found(erasure_task, owner)
    # each message of an MBOX file is its own item: Jan's is the second
    assert sorted(hits) == ["bericht.eml", "gesprek.txt", "oud.mbox#2"]
    message = hits["oud.mbox#2"]
    assert message.mbox_message == 2
    assert document_erasure.location(message) == os.path.join(str(folder), "oud.mbox")
    plan = actions.erasure_plan(erasure_task)
    assert {h.ref for h in plan["by_hand"]} == set(hits) and not plan["mailboxes"]
    with pytest.raises(RequestError, match="3 messages and files"):
        actions.update_task(erasure_task, actor=owner, status=TaskStatus.DONE)
    for hit in hits.values():
        actions.mark_deleted_by_hand(hit, actor=owner)
    assert (folder / "gesprek.txt").exists()  # Waarborg never deletes files on shares
    with pytest.raises(RequestError, match="already deleted"):
        actions.review_hit(hits["gesprek.txt"], actor=owner, decision=HitDecision.EXCLUDED)
    actions.update_task(erasure_task, actor=owner, status=TaskStatus.DONE)
    entries = AuditEntry.objects.filter(action="request.document_deleted_by_hand")
    assert entries.count() == 3 and entries.first().new["kind"] == "folder"


def test_an_excluded_item_is_left_and_needs_nothing(erasure_task, owner):
    hits = {h.ref: h for h in actions.find_documents(erasure_task, actor=owner)}
    for hit in hits.values():
        actions.review_hit(hit, actor=owner, decision=HitDecision.EXCLUDED)
    assert actions.erasure_plan(erasure_task)["left"]
    with pytest.raises(RequestError, match="not listed"):
        actions.mark_deleted_by_hand(DocumentHit.objects.get(ref="gesprek.txt"), actor=owner)
    actions.update_task(erasure_task, actor=owner, status=TaskStatus.DONE)


def test_a_dated_invoice_file_is_kept_with_its_rule_and_end(
    organisation, owner, system, invoice_folder, administration
):
    from waarborg.documents import actions as document_actions

    shared = document_actions.connect_folder(
        organisation, system, actor=owner, name="Schijf", path=str(invoice_folder),
        exclude="archief/*",
    )  # fmt: skip
    document_actions.index_source(shared, actor=owner)
    task = _task(_request(organisation, owner, kind=Kind.ERASURE), system)
    hits = _found(task, owner)
    invoice = hits["facturen/factuur-2026-014.txt"]
    assert invoice.hold == HitHold.RECOGNISED and invoice.hold_until == date(2033, 12, 31)
    assert "“factuur” and an amount" in invoice.hold_note
    assert document_holds.hold_text(invoice, "nl") == (
        "Fiscale administratie: 7 jaar na het einde van het boekjaar (AWR art. 52), "
        "tot en met 31 december 2033"
    )
    # lifting the hold needs a reason; then it is listed like the rest
    with pytest.raises(RequestError, match="reason"):
        actions.set_hold(invoice, actor=owner, keep=False, reason="  ")
    actions.set_hold(invoice, actor=owner, keep=False, reason="Dubbel: het origineel is in Exact")
    invoice.refresh_from_db()
    assert invoice.hold == HitHold.RELEASED and actions.erasure_state(invoice) == "by_hand"
    entry = AuditEntry.objects.filter(action="request.document_hold").latest("pk")
    assert entry.new["hold"] == "released" and entry.new["reason"].startswith("Dubbel")
    # a search again keeps the handler's decision
    actions.find_documents(task, actor=owner)
    invoice.refresh_from_db()
    assert invoice.hold == HitHold.RELEASED
    # and the handler keeps it again, under the rule
    actions.set_hold(invoice, actor=owner, keep=True, reason="Toch bewaren", rule=administration)
    invoice.refresh_from_db()
    assert invoice.is_held and invoice.hold_until == date(2033, 12, 31)


def test_holds_follow_the_rule_text_and_dates(administration):
    signs = document_holds.invoice_signs
    assert signs("Factuur 12: totaal € 10,00") == "the word “factuur” and an amount"
    assert signs("Invoice 7, pay to NL91 ABNA 0417 1643 00") == "the word “invoice” and an IBAN"
    assert signs("Factuur volgt later") == ""
    assert signs("Totaal € 10,00") == ""
    assert signs("") == ""
    rules = [administration]
    old = {"kind": "mail", "date": "Tue, 03 Jan 2017 10:00:00 +0100"}
    recent = {"kind": "mail", "date": "Mon, 02 Mar 2026 10:00:00 +0100"}
    unknown = {"kind": "mail", "date": "geen datum"}
    text = "Factuur 2017-1, totaal € 50,00"
    now = document_holds.timezone.now().replace(tzinfo=None).replace(year=2026, month=12, day=3)
    assert document_holds.recognised_hold(rules, old, text, now=now) is None  # period ended
    rule, until, _note = document_holds.recognised_hold(rules, recent, text, now=now)
    assert rule == administration and until == date(2033, 12, 31)
    # an unknown date keeps it, with no end
    rule, until, note = document_holds.recognised_hold(rules, unknown, text, now=now)
    assert until is None and "not known" in note
    assert document_holds.recognised_hold(rules, recent, "Hallo Jan", now=now) is None
    # a minimum counted from something else holds nothing by itself
    administration.trigger = RetentionRule.Trigger.END_OF_RELATIONSHIP
    assert document_holds.recognised_hold(rules, recent, text, now=now) is None


def test_statement_in_dutch_states_the_recorded_facts(
    organisation, owner, system, invoice_folder, administration
):
    from waarborg.documents import actions as document_actions
    from waarborg.requests import statements

    shared = document_actions.connect_folder(
        organisation, system, actor=owner, name="Schijf", path=str(invoice_folder),
        exclude="archief/*",
    )  # fmt: skip
    document_actions.index_source(shared, actor=owner)
    task = _task(_request(organisation, owner, kind=Kind.ERASURE), system)
    hits = _found(task, owner)
    for hit in hits.values():
        if not hit.is_held:
            actions.mark_deleted_by_hand(hit, actor=owner)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    text = statements.statement(Kind.ERASURE, task, "nl")["text"]
    assert text == (
        "Schijf: gewist. Mail en documenten: 3 berichten en bestanden met de hand gewist; "
        "1 bericht of bestand bewaard omdat de wet dat vereist (Fiscale administratie: 7 jaar "
        "na het einde van het boekjaar (AWR art. 52), tot en met 31 december 2033)."
    )
    held = actions.held_data(task.request)
    assert held == [
        {
            "data": "Schijf: factuur-2026-014.txt",
            "reason": document_holds.hold_text(hits["facturen/factuur-2026-014.txt"], "nl"),
        }
    ]


# The pages ------------------------------------------------------------------------------


def _url(name, task, hit):
    return reverse(f"requests:{name}", args=[task.request.pk, task.pk, hit.pk])


def test_pages_hold_and_tick_off(erasure_task, owner, handler, client_for, administration):
    hits = _found(erasure_task, owner)
    client = client_for(handler)
    detail = reverse("requests:detail", args=[erasure_task.request.pk])
    page = client.get(detail).content.decode()
    assert "Met de hand te wissen" in page
    assert f"het bestand {erasure_task.system.document_sources.get().path}/gesprek.txt" in page
    assert "Fiscale administratie" in page  # offered as a statutory minimum to keep an item under
    # an erasure's hits are the person's or not, never "included" as in a package
    assert "<strong>Van de persoon</strong>" in page and "<strong>Opgenomen</strong>" not in page
    message = hits["oud.mbox#2"]
    assert "bericht 2 in het mailbestand" in page and str(message.source.path) in page
    hit = hits["gesprek.txt"]
    response = client.post(
        _url("hit_hold", erasure_task, hit),
        {"keep": "1", "rule": str(administration.pk), "reason": "Boekhouding"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#task-{erasure_task.pk}")
    hit.refresh_from_db()
    assert hit.hold == HitHold.HANDLER and hit.hold_rule == administration
    page = client.get(detail).content.decode()
    assert "Bewaard:" in page and "Boekhouding" in page
    other = hits["bericht.eml"]
    assert client.post(_url("hit_deleted", erasure_task, other)).status_code == 302
    other.refresh_from_db()
    assert other.erasure == HitErasure.BY_HAND
    assert "Met de hand gewist, afgevinkt door" in client.get(detail).content.decode()


@pytest.mark.parametrize(
    "data, reason",
    [
        ({"keep": "1", "reason": ""}, "Geef de reden"),
        ({"keep": "maybe", "reason": "x"}, "Kies of het item bewaard of gewist wordt"),
        ({"keep": "1", "reason": "x", "rule": "abc"}, "Kies een wettelijke bewaartermijn"),
        ({"keep": "1", "reason": "x", "rule": "999999"}, "Kies een wettelijke bewaartermijn"),
        ({"keep": "1", "reason": "x" * 501}, "hoogstens 500 tekens"),
    ],
)
def test_bad_hold_input_is_refused_with_the_reason(
    erasure_task, owner, handler, client_for, data, reason
):
    hit = _found(erasure_task, owner)["gesprek.txt"]
    response = client_for(handler).post(_url("hit_hold", erasure_task, hit), data)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert "Er is niets gewist of gewijzigd." in response.content.decode()
    hit.refresh_from_db()
    assert hit.hold == "" and not AuditEntry.objects.filter(action="request.document_hold")


def test_a_rule_of_another_system_or_organisation_is_refused(
    erasure_task, owner, handler, client_for, organisation, other_organisation
):
    hit = _found(erasure_task, owner)["gesprek.txt"]
    elsewhere = RetentionRule.objects.create(
        organisation=organisation, key="ander", name={"en": "Other"}, duration="P1Y",
        trigger="collected", bound=RetentionRule.Bound.MINIMUM,
    )  # fmt: skip
    theirs = RetentionRule.objects.create(
        organisation=other_organisation, key="hun", name={"en": "Theirs"}, duration="P1Y",
        trigger="collected", bound=RetentionRule.Bound.MINIMUM,
    )  # fmt: skip
    client = client_for(handler)
    for rule in (elsewhere, theirs):
        data = {"keep": "1", "reason": "x", "rule": str(rule.pk)}
        assert client.post(_url("hit_hold", erasure_task, hit), data).status_code == 400
    hit.refresh_from_db()
    assert hit.hold == ""


def test_refused_for_viewer_get_other_task_and_other_organisation(
    erasure_task, owner, viewer, handler, client_for, organisation, other_owner,
    other_organisation,
):  # fmt: skip
    hits = _found(erasure_task, owner)
    hit = hits["gesprek.txt"]
    for name in ("hit_hold", "hit_deleted"):
        url = _url(name, erasure_task, hit)
        assert client_for(viewer).post(url, {"keep": "1", "reason": "x"}).status_code == 403
        assert client_for(handler).get(url).status_code == 405
        assert client_for(other_owner).post(url, {"keep": "1", "reason": "x"}).status_code == 404
        forged = reverse(f"requests:{name}", args=[erasure_task.request.pk, erasure_task.pk, 0])
        assert client_for(handler).post(forged, {"keep": "1", "reason": "x"}).status_code == 404
    # another person's request in the same organisation: its hit is not reachable through ours
    anna = _task(
        _request(organisation, owner, email="anna@smit.example", kind=Kind.ERASURE),
        erasure_task.system,
    )
    (anna_hit, *_rest) = actions.find_documents(anna, actor=owner) or [None]
    if anna_hit is not None:
        url = reverse(
            "requests:hit_deleted", args=[erasure_task.request.pk, erasure_task.pk, anna_hit.pk]
        )
        assert client_for(handler).post(url).status_code == 404
    # their own request, our hit: not found either
    System.objects.create(organisation=other_organisation, key="crm", name={})
    theirs = _request(other_organisation, other_owner, kind=Kind.ERASURE)
    their_task = theirs.tasks.first()
    url = reverse("requests:hit_deleted", args=[theirs.pk, their_task.pk, hit.pk])
    assert client_for(other_owner).post(url).status_code == 404
    hit.refresh_from_db()
    assert hit.erasure == "" and hit.hold == ""


def test_an_access_request_has_no_erasure_steps(
    organisation,
    owner,
    handler,
    system,
    source,  # noqa: F811
    client_for,
):  # noqa: E501, F811
    task = _task(_request(organisation, owner), system)
    hit = _found(task, owner)["gesprek.txt"]
    client = client_for(handler)
    response = client.post(_url("hit_deleted", task, hit))
    assert response.status_code == 400
    assert "Alleen een verzoek om wissing" in response.content.decode()
    response = client.post(_url("hit_hold", task, hit), {"keep": "1", "reason": "x"})
    assert response.status_code == 400
    page = client.get(reverse("requests:detail", args=[task.request.pk])).content.decode()
    assert "Met de hand te wissen" not in page


def test_the_deletion_evidence_outlives_an_automatic_run(erasure_task, owner):
    """'Erase now' writes the database's evidence as the task's result; the messages deleted
    before stay recorded beside it."""
    from django.db import transaction

    from waarborg.requests.actions.tasks import _complete_task

    record = {"source": "Info", "count": 2, "messages": [], "not_found": 0, "by": "x", "at": ""}
    erasure_task.result = {"deleted_messages": [record], "notes": "n", "found": {"old": 1}}
    erasure_task.save(update_fields=["result"])
    with transaction.atomic():
        _complete_task(erasure_task, owner, {"evidence": {"klanten": {"rows": 1}}}, {})
    erasure_task.refresh_from_db()
    assert erasure_task.result == {
        "evidence": {"klanten": {"rows": 1}},
        "deleted_messages": [record],
        "notes": "n",
    }


def test_an_invoice_without_an_administration_rule_is_listed_with_a_hint(
    organisation, owner, handler, system, invoice_folder, client_for
):
    from waarborg.documents import actions as document_actions

    shared = document_actions.connect_folder(
        organisation, system, actor=owner, name="Schijf", path=str(invoice_folder),
        exclude="archief/*",
    )  # fmt: skip
    document_actions.index_source(shared, actor=owner)
    task = _task(_request(organisation, owner, kind=Kind.ERASURE), system)
    invoice = _found(task, owner)["facturen/factuur-2026-014.txt"]
    assert invoice.hold == "" and actions.erasure_state(invoice) == "by_hand"
    assert invoice.hold_note.startswith("looks like an invoice")
    page = client_for(handler).get(reverse("requests:detail", args=[task.request.pk]))
    assert "geen wettelijke bewaartermijn die telt vanaf het einde van het boekjaar" in (
        page.content.decode()
    )


def test_a_folder_kept_whole_keeps_what_is_found_in_it(
    organisation, owner, system, invoice_folder, administration
):
    """An "administratie" folder kept under the administration duty: a letter there that names
    Jan but is no invoice is kept too, with the rule, the place and until when; the same file
    elsewhere is listed for deletion; a source's rule of another system is refused."""
    from waarborg.documents import actions as document_actions

    place = invoice_folder / "administratie"
    place.mkdir()
    letter = place / "brief-jan.txt"
    letter.write_text(f"Brief aan Jan de Vries ({JAN}) over zijn abonnement.", encoding="utf-8")
    moment = 1772442000  # 2 March 2026
    os.utime(letter, (moment, moment))
    (invoice_folder / "brief-jan.txt").write_text(letter.read_text(), encoding="utf-8")
    shared = document_actions.connect_folder(
        organisation, system, actor=owner, name="Schijf", path=str(invoice_folder),
        exclude="archief/*",
    )  # fmt: skip
    other = System.objects.create(organisation=organisation, key="crm", name={})
    foreign = RetentionRule.objects.create(
        organisation=organisation, key="crm-min", name={"nl": "CRM"}, duration="P1Y",
        trigger=RetentionRule.Trigger.COLLECTED, bound=RetentionRule.Bound.MINIMUM,
    )  # fmt: skip
    other.retention_rules.add(foreign)
    with pytest.raises(document_actions.DocumentSourceError, match="statutory minimum"):
        document_actions.update_source(
            shared, actor=owner, kept_patterns="administratie/*", kept_rule=foreign
        )
    document_actions.update_source(
        shared, actor=owner, kept_patterns="administratie/*", kept_rule=administration
    )
    document_actions.index_source(shared, actor=owner)
    task = _task(_request(organisation, owner, kind=Kind.ERASURE), system)
    hits = _found(task, owner)
    kept = hits["administratie/brief-jan.txt"]
    assert kept.hold == HitHold.RECOGNISED and kept.hold_rule == administration
    assert kept.hold_until == date(2033, 12, 31)
    assert "administratie/*" in kept.hold_note
    assert actions.erasure_state(kept) == "kept"
    assert actions.erasure_state(hits["brief-jan.txt"]) == "by_hand"
    entry = AuditEntry.objects.get(action="documents.settings")
    assert entry.new == {"kept_patterns": "administratie/*", "kept_rule": "administratie"}


def test_the_kept_place_of_a_file_and_of_a_mail_folder(administration):
    from waarborg.documents.models import DocumentSource, Kind

    shared = DocumentSource(kind=Kind.FOLDER, kept_patterns="administratie/*\n*.factuur.pdf")
    assert shared.kept_place({"path": "administratie/a.txt"}) == ""  # no rule chosen: nothing
    shared.kept_rule = administration
    assert shared.kept_place({"path": "administratie/a.txt"}) == "administratie/*"
    assert shared.kept_place({"path": "x/mei.factuur.pdf"}) == "*.factuur.pdf"
    assert shared.kept_place({"path": "klanten/a.txt"}) == ""
    assert shared.kept_place({}) == ""  # an unknown place keeps nothing by itself
    mailbox = DocumentSource(kind=Kind.IMAP, kept_patterns="Facturen", kept_rule=administration)
    assert mailbox.kept_place({"folder": "Facturen", "path": "x"}) == "Facturen"
    assert mailbox.kept_place({"folder": "INBOX"}) == ""
