"""Acceptance: in the demo, each of the seven kinds goes from intake to closure through the
pages only, with its letters, in Dutch and in English."""

import pytest
from django.test import Client

from waarborg import demo
from waarborg.core.models import Organisation, User
from waarborg.requests.models import Kind, Status, SubjectRequest, TaskKind, TaskStatus

from .conftest import link_in, path_of

SUBJECTS = {
    ("access", "nl"): "uw gegevens",
    ("access", "en"): "your data",
    ("rectification", "nl"): "correctie",
    ("rectification", "en"): "rectification",
    ("erasure", "nl"): "wissing",
    ("erasure", "en"): "erasure",
    ("restriction", "nl"): "beperking",
    ("restriction", "en"): "restriction",
    ("objection", "nl"): "bezwaar",
    ("objection", "en"): "objection",
    ("portability", "nl"): "mee te nemen",
    ("portability", "en"): "take with you",
    ("withdrawal", "nl"): "intrekking",
    ("withdrawal", "en"): "withdrawal",
}


@pytest.fixture
def demo_firm(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    demo.build()
    return Organisation.objects.get(slug="van-dijk")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_kind_from_intake_to_closure(demo_firm, language, committed, outbox):
    owner = User.objects.get(email="anna@vandijk-installatie.example")
    staff = Client()
    staff.force_login(owner)
    for number, kind in enumerate(Kind.values):
        person = Client()
        email = f"klant{number + 1}@example.nl"  # customers of the demo web shop
        with committed():
            response = person.post(
                f"/c/{demo_firm.slug}/request/",
                {
                    "kind": kind,
                    "name": "Klant",
                    "email": email,
                    "language": language,
                    "direct_marketing": "on" if kind == "objection" else "",
                },
            )
        assert response.status_code == 200, (kind, response.content)
        link = link_in(outbox[-1], "/request/verify/")
        with committed():
            person.post(path_of(link))
        subject_request = SubjectRequest.objects.get(organisation=demo_firm, email=email)
        assert subject_request.is_verified, kind
        base = f"/requests/{subject_request.pk}"
        for task in subject_request.tasks.all():
            if task.status != TaskStatus.OPEN:
                continue
            if task.automatic:
                data = {"changes": "klant.telefoon = +31612340000"}
                with committed():
                    staff.post(f"{base}/tasks/{task.pk}/run/", data)
            elif task.kind == TaskKind.NOTIFY and "@" in (task.party.contact or ""):
                with committed():
                    staff.post(f"{base}/tasks/{task.pk}/notify/")
            else:
                if task.system is not None and task.system.document_sources.exists():
                    # the mail and documents are searched first (nothing of this customer)
                    staff.post(f"{base}/tasks/{task.pk}/documents/")
                staff.post(f"{base}/tasks/{task.pk}/", {"outcome": "done", "notes": "gedaan"})
        assert not subject_request.tasks.exclude(
            status__in=[TaskStatus.DONE, TaskStatus.NOT_APPLICABLE]
        ).exists(), (kind, list(subject_request.tasks.values("title", "status", "error")))
        with committed():
            answered = staff.post(f"{base}/answer/", {"note": ""}, follow=True)
        assert answered.status_code == 200
        subject_request.refresh_from_db()
        assert subject_request.status == Status.ANSWERED, kind
        answer = outbox[-1]
        assert answer.to == [email]
        assert SUBJECTS[(kind, language)] in answer.subject.lower(), (kind, answer.subject)
        staff.post(f"{base}/close/")
        subject_request.refresh_from_db()
        assert subject_request.status == Status.CLOSED, kind
    page = staff.get("/requests/?show=closed").content.decode()
    assert page.count("/requests/") >= 7


def test_demo_has_requests_in_several_states(demo_firm):
    owner = User.objects.get(email="anna@vandijk-installatie.example")
    staff = Client()
    staff.force_login(owner)
    page = staff.get("/requests/").content.decode()
    assert "te laat" in page
    assert SubjectRequest.objects.filter(organisation=demo_firm).count() == 9
    postal = SubjectRequest.objects.get(organisation=demo_firm, name="Kees Bakker")
    assert postal.restriction_ground == "accuracy"
    assert [letter.waits_for_post for letter in postal.letters.all()] == [True]
    portability = SubjectRequest.objects.get(organisation=demo_firm, kind="portability")
    assert portability.transmit_email == "overstap@nieuwe-installateur.example"
    erasure = SubjectRequest.objects.get(organisation=demo_firm, kind="erasure")
    assert erasure.tasks.filter(system__key="webshop", automatic=True).exists()
    # the client work is forwarded, not searched
    assert not erasure.tasks.filter(system__key="planning").exists()
    detail = staff.get(f"/requests/{erasure.pk}/").content.decode()
    assert "Woonstede" in detail


def test_the_demo_holds_each_of_the_seven_kinds_in_dutch_and_english(demo_firm):
    rows = SubjectRequest.objects.filter(organisation=demo_firm)
    assert set(rows.values_list("kind", flat=True)) == set(Kind.values)
    assert set(rows.values_list("language", flat=True)) == {"nl", "en"}
    owner = User.objects.get(email="anna@vandijk-installatie.example")
    for language, word in (("nl", "Ontvangen"), ("en", "Received")):
        staff = Client()
        staff.force_login(owner)
        staff.cookies["waarborg_language"] = language
        for subject_request in rows:
            page = staff.get(f"/requests/{subject_request.pk}/")
            assert page.status_code == 200, subject_request.kind
            body = page.content.decode()
            assert f'lang="{language}"' in body and f"<dt>{word}</dt>" in body
    # each acknowledgement is in the person's language
    for subject_request in rows:
        ack = subject_request.letters.get(key="acknowledgement")
        expected = "Your request" if subject_request.language == "en" else "Uw verzoek"
        assert ack.subject.startswith(expected), (subject_request.kind, ack.subject)
    business = rows.get(kind="withdrawal")
    assert (business.company_name, business.kvk_number) == ("Mulder Advies", "12345678")


def test_the_demo_mismatch_warns_and_discloses_nothing_of_the_other_customer(demo_firm):
    """A request verified from a new address quoting another customer's number (K-1002 is
    klant2@example.nl in the web shop): the page warns, nothing of that customer is shown,
    looked up, kept or sent."""
    from waarborg.requests import actions
    from waarborg.requests.actions import RequestError
    from waarborg.sources import engine
    from waarborg.sources.models import SqlSource

    mismatch = SubjectRequest.objects.get(organisation=demo_firm, email="p.deboer@example.org")
    assert mismatch.is_verified and mismatch.verified_identifiers == ["email"]
    owner = User.objects.get(email="anna@vandijk-installatie.example")
    staff = Client()
    staff.force_login(owner)
    page = staff.get(f"/requests/{mismatch.pk}/").content.decode()
    assert 'id="claimed-mismatch"' in page and "Controleer van wie deze gegevens zijn" in page
    assert "k***@example.nl" in page
    source = SqlSource.objects.get(organisation=demo_firm, system__key="webshop")
    found = engine.access(source.url, source.dataset(), {"customer_number": ["K-1002"]})
    other = engine.records(found["klant"])[0]
    for value in ("klant2@example.nl", other["naam"], other["telefoon"]):
        assert value not in page
        for task in mismatch.tasks.all():
            assert value not in str(task.result)
    webshop = mismatch.tasks.get(system__key="webshop")
    assert webshop.is_open and webshop.result["claimed"]["status"] == "mismatch"
    assert "found" not in webshop.result
    with pytest.raises(RequestError):
        actions.send_answer(mismatch, actor=owner)
    assert not mismatch.files.exists()
