"""Staff pages and public pages of requests: roles, another organisation, methods, e-mails,
audit, and the same answer for known and unknown people."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from waarborg.audit.models import AuditEntry
from waarborg.requests import actions
from waarborg.requests.models import (
    FileKind,
    Kind,
    LetterTemplate,
    RequestFile,
    Status,
    SubjectRequest,
    TaskStatus,
    Verification,
)
from waarborg.sources.demo_shop import DEMO_CUSTOMER

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _make(organisation, **extra):
    values = {
        "kind": Kind.ACCESS,
        "channel": "email",
        "name": "Piet Pieters",
        "email": "piet@example.nl",
        **extra,
    }
    return actions.create_request(organisation, actor=None, **values)


def _form(**extra):
    return {
        "kind": "access",
        "name": "Jan de Jong",
        "email": DEMO_CUSTOMER["email"],
        "language": "nl",
        **extra,
    }


def _strip(html):
    """The page without the CSRF token, which differs per response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_known_and_unknown_address_get_the_same_page_and_mail(firm, shop, committed, outbox):
    pages = []
    for address in (DEMO_CUSTOMER["email"], "nobody-here@example.org"):
        client = Client()
        with committed():
            response = client.post(f"/c/{firm.slug}/request/", _form(email=address))
        assert response.status_code == 200
        pages.append(_strip(response.content.decode()))
    assert pages[0] == pages[1]
    assert "Kijk in uw e-mail" in pages[0]
    known, unknown = outbox
    assert known.subject.replace("0001", "000X") == unknown.subject.replace("0002", "000X")
    assert known.body.count("\n") == unknown.body.count("\n")
    assert [m.to[0] for m in outbox] == [DEMO_CUSTOMER["email"], "nobody-here@example.org"]


def test_public_form_in_english_and_errors(firm):
    client = Client()
    page = client.get(f"/c/{firm.slug}/request/?lang=en")
    assert page.status_code == 200 and "Your privacy rights" in page.content.decode()
    bad = client.post(f"/c/{firm.slug}/request/", _form(email="no", lang="en", name=""))
    assert bad.status_code == 400
    assert "Enter a valid email address." in bad.content.decode()
    assert not SubjectRequest.objects.exists()
    assert client.get("/c/unknown-org/request/").status_code == 404


def test_submissions_are_rate_limited_per_address_and_ip(firm, committed):
    client = Client()
    for _ in range(3):
        with committed():
            assert client.post(f"/c/{firm.slug}/request/", _form()).status_code == 200
    response = client.post(f"/c/{firm.slug}/request/", _form())
    assert response.status_code == 429
    assert "Te veel pogingen" in response.content.decode()
    assert SubjectRequest.objects.count() == 3
    for number in range(7):
        with committed():
            client.post(f"/c/{firm.slug}/request/", _form(email=f"p{number}@example.nl"))
    assert client.post(f"/c/{firm.slug}/request/", _form(email="x@example.nl")).status_code == 429
    assert SubjectRequest.objects.count() == 9


def test_dashboard_orders_by_urgency(firm, client_for, viewer):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        late = _make(firm, name="Te Laat")
    with time_machine.travel(datetime(2026, 11, 20, 9, 0, tzinfo=AMSTERDAM), tick=False):
        fresh = _make(firm, name="Vers")
    with time_machine.travel(datetime(2026, 10, 1, 9, 0, tzinfo=AMSTERDAM), tick=False):
        overdue = _make(firm, name="Over Tijd")
    with time_machine.travel(datetime(2026, 11, 27, 9, 0, tzinfo=AMSTERDAM), tick=False):
        page = client_for(viewer).get("/requests/").content.decode()
    assert page.index(overdue.reference) < page.index(late.reference) < page.index(fresh.reference)
    assert "1 te laat, bij 1 verloopt de termijn binnen 7 dagen." in page


def test_roles_and_other_organisation(
    firm, client_for, viewer, handler, other_owner, other_organisation
):
    subject_request = _make(firm)
    assert client_for(viewer).get(f"/requests/{subject_request.pk}/").status_code == 200
    assert client_for(other_owner).get(f"/requests/{subject_request.pk}/").status_code == 404
    assert client_for(viewer).get("/requests/new/").status_code == 403
    refused = client_for(viewer).post(f"/requests/{subject_request.pk}/verify/", {"note": "bekend"})
    assert refused.status_code == 403
    assert client_for(handler).get(f"/requests/{subject_request.pk}/verify/").status_code == 405
    assert (
        client_for(handler)
        .post(f"/requests/{subject_request.pk}/refuse/", {"ground": "excessive", "reasons": "x"})
        .status_code
        == 403
    )
    assert client_for(handler).get("/requests/settings/").status_code == 403
    assert Client().get("/requests/").status_code == 302
    # the handler is told who answers, and may preview the report; the viewer neither
    page = client_for(handler).get(f"/requests/{subject_request.pk}/").content.decode()
    assert 'id="answer-role"' in page and "doet een privacyfunctionaris" in page
    assert f'href="/requests/{subject_request.pk}/report/"' in page
    page = client_for(viewer).get(f"/requests/{subject_request.pk}/").content.decode()
    assert 'id="answer-role"' not in page


def test_staff_entry_with_original(firm, client_for, handler, committed, outbox):
    original = SimpleUploadedFile("brief.pdf", b"%PDF-1.4 brief", content_type="application/pdf")
    with committed():
        response = client_for(handler).post(
            "/requests/new/",
            {
                "kind": "erasure",
                "channel": "letter",
                "name": "Els Brief",
                "email": "",
                "postal_address": "Dorpsstraat 1\n3991 AB Houten",
                "language": "nl",
                "original": original,
                "description": "Wis alles",
            },
        )
    subject_request = SubjectRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{subject_request.pk}/"
    assert subject_request.channel == "letter"
    stored = RequestFile.objects.get(request=subject_request, kind=FileKind.ORIGINAL)
    assert stored.content() == b"%PDF-1.4 brief"
    assert outbox == []  # no address: the acknowledgement is printed from the page
    page = client_for(handler).get(f"/requests/{subject_request.pk}/").content.decode()
    assert "nog niet verstuurd" in page  # the acknowledgement waits to be posted
    assert subject_request.reference in page
    opened = client_for(handler).get(f"/requests/{subject_request.pk}/files/{stored.pk}/")
    assert opened.content == b"%PDF-1.4 brief"
    assert AuditEntry.objects.filter(organisation=firm, action="request.file_open").exists()
    bad = client_for(handler).post(
        "/requests/new/", {"kind": "access", "channel": "email", "name": "", "language": "nl"}
    )
    assert bad.status_code == 200 and "Dit veld is verplicht." in bad.content.decode()
    assert SubjectRequest.objects.count() == 1


def test_staff_flow_through_the_pages(
    firm, shop, client_for, handler, privacy_officer, committed, outbox
):
    subject_request = _make(firm, email=DEMO_CUSTOMER["email"], kind=Kind.RESTRICTION)
    staff = client_for(handler)
    base = f"/requests/{subject_request.pk}"
    no_reason = staff.post(f"{base}/verify/", {"note": ""}, follow=True)
    assert "Dit veld is verplicht." in no_reason.content.decode()
    staff.post(
        f"{base}/verify/", {"note": "Klant belde vanaf bekend nummer", "identifiers": ["email"]}
    )
    subject_request.refresh_from_db()
    assert subject_request.verification == Verification.STAFF
    webshop = subject_request.tasks.get(system__key="webshop")
    done = staff.post(f"{base}/tasks/{webshop.pk}/run/", follow=True)
    assert "Uitgevoerd in" in done.content.decode()
    for task in subject_request.tasks.filter(status=TaskStatus.OPEN):
        staff.post(f"{base}/tasks/{task.pk}/", {"outcome": "done", "notes": "gedaan"})
    officer = client_for(privacy_officer)
    with committed():
        answered = officer.post(f"{base}/answer/", {"note": ""}, follow=True)
    assert "Het antwoord is verstuurd." in answered.content.decode()
    assert "beperking" in outbox[-1].subject
    officer.post(f"{base}/close/")
    subject_request.refresh_from_db()
    assert subject_request.status == Status.CLOSED
    actions_done = set(
        AuditEntry.objects.filter(organisation=firm).values_list("action", flat=True)
    )
    assert {
        "request.create",
        "request.verify",
        "request.task_done",
        "request.task_update",
        "request.answer",
        "request.close",
        "source.restrict",
    } <= actions_done


def test_own_letter_wording_is_used(firm, client_for, privacy_officer, committed, outbox):
    officer = client_for(privacy_officer)
    bad = officer.post(
        "/requests/letters/acknowledgement/nl/", {"subject": "Verzoek {% if %}", "body": "x"}
    )
    assert bad.status_code == 200 and "geen geldig sjabloon" in bad.content.decode()
    assert not LetterTemplate.objects.exists()
    officer.post(
        "/requests/letters/acknowledgement/nl/",
        {
            "subject": "Ontvangen: {{ reference }}",
            "body": "Hallo {{ name }}, klik {{ link }} en wacht tot {{ due|date:'j F Y' }}.",
        },
    )
    with committed():
        subject_request = _make(firm)
    assert outbox[-1].subject == f"Ontvangen: {subject_request.reference}"
    assert outbox[-1].body.startswith("Hallo Piet Pieters, klik http")
    settings_page = officer.get("/requests/settings/").content.decode()
    assert "eigen tekst" in settings_page
    empty = officer.post("/requests/letters/acknowledgement/nl/", {"subject": "x", "body": " "})
    assert empty.status_code == 200 and LetterTemplate.objects.get().body.startswith("Hallo")
    officer.post("/requests/letters/acknowledgement/nl/", {"restore": "1"})
    assert not LetterTemplate.objects.exists()


def test_settings_page_saves_and_audits(firm, client_for, privacy_officer):
    officer = client_for(privacy_officer)
    response = officer.post(
        "/requests/settings/",
        {
            "pause_for_identity": "on",
            "verification_days": 7,
            "package_days": 14,
            "purge_days": 60,
            "max_upload_mb": 5,
        },
    )
    assert response.status_code == 302
    current = actions.settings_for(firm)
    assert current.pause_for_identity and current.package_days == 14
    assert AuditEntry.objects.filter(organisation=firm, action="request.settings").exists()


def test_upload_size_limit(firm, shop, handler, privacy_officer, client_for):
    actions.save_settings(firm, actor=privacy_officer, max_upload_mb=1)
    subject_request = _make(firm)
    actions.verify_request(
        subject_request, actor=handler, method=Verification.STAFF, identifiers=["email"], note="ok"
    )
    task = subject_request.tasks.exclude(system__key="webshop").first()
    big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1), content_type="text/csv")
    response = client_for(handler).post(
        f"/requests/{subject_request.pk}/tasks/{task.pk}/",
        {"outcome": "done", "upload": big},
        follow=True,
    )
    assert "te groot" in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not task.files.exists()


def test_download_page_logs_each_download(firm, shop, privacy_officer, committed, outbox):
    subject_request = _make(firm, email=DEMO_CUSTOMER["email"])
    actions.verify_request(
        subject_request,
        actor=privacy_officer,
        method=Verification.STAFF,
        identifiers=["email"],
        note="ok",
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
    link = next(w for w in outbox[-1].body.split() if "/download/" in w)
    path = link.split("example", 1)[-1] if "://" not in link else "/" + link.split("/", 3)[3]
    client = Client()
    assert client.get(path).status_code == 200
    assert client.get(path + "nonsense.txt").status_code == 404
    assert not AuditEntry.objects.filter(action="request.download").exists()
    expired = timedelta(days=actions.settings_for(firm).package_days + 1)
    with time_machine.travel(datetime.now(tz=AMSTERDAM) + expired):
        assert client.get(path + f"{subject_request.reference}.zip").status_code == 400


def test_verification_attempts_are_rate_limited(firm, committed, outbox):
    with committed():
        _make(firm)
    link = next(w for w in outbox[-1].body.split() if "/request/verify/" in w)
    path = "/" + link.split("/", 3)[3]
    for number in range(30):
        assert Client(REMOTE_ADDR=f"10.0.0.{number}").get(path).status_code == 200
    client = Client()
    for _ in range(30):
        client.get(path)
    assert client.get(path).status_code == 429  # per IP address
    for number in range(10):
        Client(REMOTE_ADDR=f"10.0.1.{number}").post(path)
    assert Client(REMOTE_ADDR="10.0.2.1").post(path).status_code == 429  # per address


def test_public_form_takes_a_postal_address_and_a_business_requester(firm, committed, outbox):
    client = Client()
    page = client.get(f"/c/{firm.slug}/request/").content.decode()
    for name in ("postal_address", "company_name", "kvk_number", "company_address"):
        assert f'name="{name}"' in page
    assert "Vraagt u het voor een bedrijf?" in page
    english = client.get(f"/c/{firm.slug}/request/?lang=en").content.decode()
    assert "Asking for a company?" in english and "KvK number of the company" in english
    business = {
        "postal_address": "Kanaalweg 8\n3526 KL Utrecht",
        "company_name": "Bakker Installaties",
        "kvk_number": "1234 5678",
        "company_address": "Industrieweg 2\n3542 AD Utrecht",
    }
    with committed():
        response = client.post(f"/c/{firm.slug}/request/", _form(**business))
    assert response.status_code == 200 and "Kijk in uw e-mail" in response.content.decode()
    stored = SubjectRequest.objects.get()
    assert stored.postal_address == business["postal_address"]
    assert stored.company_name == "Bakker Installaties"
    assert stored.kvk_number == "12345678"
    assert stored.company_address == business["company_address"]
    assert stored.channel == "web" and len(outbox) == 1


def test_public_form_refuses_a_bad_kvk_number_and_changes_nothing(firm):
    client = Client()
    for bad, message in (
        ({"company_name": "Bakker", "kvk_number": "1234"}, "precies 8 cijfers"),
        ({"kvk_number": "12345678"}, "naam van het bedrijf"),
        ({"company_address": "Industrieweg 2"}, "naam van het bedrijf"),
        ({"postal_address": "x" * 501}, "niet meer dan 500 tekens"),
    ):
        response = client.post(f"/c/{firm.slug}/request/", _form(**bad))
        assert response.status_code == 400, bad
        assert message in response.content.decode(), bad
    english = client.post(
        f"/c/{firm.slug}/request/", _form(company_name="B", kvk_number="12ab5678", lang="en")
    )
    assert english.status_code == 400 and "exactly 8 digits" in english.content.decode()
    assert not SubjectRequest.objects.exists()


def test_staff_intake_and_the_action_check_the_kvk_number_alike(firm, client_for, handler):
    from waarborg.requests.actions import RequestError

    page = client_for(handler).post(
        "/requests/new/",
        {
            "kind": "access",
            "channel": "letter",
            "name": "Kees Bakker",
            "language": "nl",
            "company_name": "Bakker",
            "company_address": "Industrieweg 2",
            "kvk_number": "123",
        },
    )
    assert page.status_code == 200 and "precies 8 cijfers" in page.content.decode()
    try:
        _make(firm, kvk_number="123", company_name="Bakker")
    except RequestError as error:
        assert "8" in str(error)
    else:
        raise AssertionError("a KvK number of 3 digits was accepted")
    assert not SubjectRequest.objects.exists()


def test_a_request_page_has_each_id_once(firm, client_for, privacy_officer):
    """Every form of the page (one waive form a task, the answer's, the refusal's, ...) has
    ids of its own, so each label points at its own field."""
    import re
    from collections import Counter

    from waarborg.requests.models import Verification

    subject_request = actions.verify_request(
        _make(firm), actor=privacy_officer, method=Verification.EMAIL_LINK
    )
    assert subject_request.tasks.count() > 1
    page = client_for(privacy_officer).get(f"/requests/{subject_request.pk}/").content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', page))
    assert ids and not [name for name, count in ids.items() if count > 1]
    labels = re.findall(r'<label[^>]*\sfor="([^"]*)"', page)
    assert all(label in ids for label in labels), set(labels) - set(ids)


def test_no_label_points_at_nothing_on_the_intake_form(firm, client_for, handler):
    import re

    page = client_for(handler).get("/requests/new/").content.decode()
    assert 'for=""' not in page
    ids = set(re.findall(r'\sid="([^"]+)"', page))
    assert set(re.findall(r'<label[^>]*\sfor="([^"]*)"', page)) <= ids


def test_received_on_is_picked_in_the_browsers_own_control(firm, client_for, handler, committed):
    client = client_for(handler)
    page = client.get("/requests/new/").content.decode()
    assert 'type="datetime-local" name="received_at"' in page
    with committed():
        client.post(
            "/requests/new/",
            {"kind": "erasure", "channel": "letter", "name": "Els Brief", "language": "nl",
             "postal_address": "Dorpsstraat 1\n3991 AB Houten", "received_at": "2026-11-30T14:05"},
        )  # fmt: skip
    received = timezone.localtime(SubjectRequest.objects.get().received_at)
    assert (received.date().isoformat(), received.strftime("%H:%M")) == ("2026-11-30", "14:05")


def test_the_handler_choice_reads_a_dash_for_nobody(firm, client_for, owner, committed):
    with committed():
        subject_request = actions.create_request(
            firm, actor=None, kind="access", channel="web", name="Iemand", email="a@b.example"
        )
    page = client_for(owner).get(f"/requests/{subject_request.pk}/").content.decode()
    assert '<option value="" selected>—</option>' in page
    assert "---------" not in page
