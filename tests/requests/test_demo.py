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
    assert SubjectRequest.objects.filter(organisation=demo_firm).count() == 6
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
