"""Issue 14's acceptance, tried as a new user would: through the pages only (the public form,
the link, the staff pages), with the demo web shop connected (a real SQLite file). Two persons
are in it: Jan de Jong (K-1001, jan.dejong@example.nl) and customer 2 (K-1002)."""

from django.test import Client

from waarborg.audit.models import AuditEntry
from waarborg.requests.models import Status, SubjectRequest, TaskKind
from waarborg.sources import engine

from .conftest import link_in, path_of

JAN = "jan.dejong@example.nl"


def _staff(user):
    client = Client()
    client.force_login(user)
    return client


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_another_persons_customer_number_from_a_new_address(
    firm, shop, committed, outbox, handler, privacy_officer
):
    person = Client()
    with committed():
        person.post(
            f"/c/{firm.slug}/request/",
            {
                "kind": "access",
                "name": "Iemand Anders",
                "email": "nieuw@example.org",
                "customer_number": "K-1002",
                "language": "nl",
            },
        )
    with committed():
        person.post(path_of(link_in(outbox[-1], "/request/verify/")))
    subject_request = SubjectRequest.objects.get(email="nieuw@example.org")
    assert subject_request.is_verified
    staff = _staff(handler)
    base = f"/requests/{subject_request.pk}"
    # checked at verification already: the warning is there before anyone looks anything up
    first = staff.get(f"{base}/").content.decode()
    assert 'id="claimed-mismatch"' in first and "k***@example.nl" in first
    webshop = subject_request.tasks.get(system__key="webshop")
    assert "found" not in webshop.result
    ran = staff.post(f"{base}/tasks/{webshop.pk}/run/", follow=True)
    assert any("ander adres" in m for m in _messages(ran))
    page = ran.content.decode()
    assert 'id="claimed-mismatch"' in page and "k***@example.nl" in page
    assert "klant2@example.nl" not in page and "+31612340002" not in page
    for task in subject_request.tasks.exclude(pk=webshop.pk):
        staff.post(f"{base}/tasks/{task.pk}/", {"outcome": "nothing_found"})
    outbox.clear()
    answered = _staff(privacy_officer).post(f"{base}/answer/", {"note": ""}, follow=True)
    assert any("besluit" in m or "decide" in m for m in _messages(answered))
    subject_request.refresh_from_db()
    assert subject_request.is_open and outbox == []


def test_a_partly_refused_erasure_waits_and_then_states_per_system_what_happened(
    firm, shop, committed, outbox, handler, privacy_officer
):
    with committed():
        Client().post(
            f"/c/{firm.slug}/request/",
            {"kind": "erasure", "name": "Jan de Jong", "email": JAN, "language": "nl"},
        )
    with committed():
        Client().post(path_of(link_in(outbox[-1], "/request/verify/")))
    subject_request = SubjectRequest.objects.get(email=JAN)
    base = f"/requests/{subject_request.pk}"
    officer = _staff(privacy_officer)
    refusal = {"ground": "exemption", "reasons": "Wij moeten facturen bewaren.", "partly": "on"}
    refused = officer.post(f"{base}/refuse/", refusal, follow=True)
    assert any("open" in m for m in _messages(refused))
    assert officer.post(f"{base}/close/", follow=True).status_code == 200
    subject_request.refresh_from_db()
    assert subject_request.status == Status.IN_PROGRESS
    staff = _staff(handler)
    webshop = subject_request.tasks.get(system__key="webshop")
    staff.post(f"{base}/tasks/{webshop.pk}/run/")
    books = subject_request.tasks.get(system__key="boekhouding")
    hold = "Financiële administratie: 7 jaar na het einde van het boekjaar (art. 52 AWR)"
    staff.post(f"{base}/tasks/{books.pk}/", {"outcome": "legal_hold", "reason": hold})
    for task in subject_request.tasks.all():
        task.refresh_from_db()
        if task.is_open and task.kind == TaskKind.SYSTEM:
            staff.post(f"{base}/tasks/{task.pk}/", {"outcome": "nothing_found"})
        elif task.is_open and task.party_email:
            staff.post(f"{base}/tasks/{task.pk}/notify/")
        elif task.is_open:  # no address on file: the officer says why it is not done
            officer.post(f"{base}/tasks/{task.pk}/waive/", {"reason": "kreeg geen klantdata"})
    left = [t.title for t in subject_request.tasks.all() if t.is_open]
    assert left == [], left
    outbox.clear()
    with committed():
        officer.post(f"{base}/refuse/", refusal)
    subject_request.refresh_from_db()
    assert subject_request.status == Status.ANSWERED
    letter = outbox[-1].body
    lines = [line for line in letter.splitlines() if line.startswith("- ")]
    webshop_lines = [line for line in lines if "Webwinkel" in line]
    assert len(webshop_lines) == 1 and "gewist" in webshop_lines[0]
    assert "factuur" in webshop_lines[0] and "afgeschermd" in webshop_lines[0]
    books_lines = [line for line in lines if "Boekhouding" in line]
    assert len(books_lines) == 1 and "art. 52 AWR" in books_lines[0]
    assert "gewist" not in books_lines[0]  # never both erased and kept
    assert not engine.access(shop.url, shop.dataset(), {"email": [JAN]}).get("klant")
    closed = officer.post(f"{base}/close/")
    assert closed.status_code == 302
    subject_request.refresh_from_db()
    assert subject_request.status == Status.CLOSED


def test_an_objection_restricted_in_the_shop_is_lifted_after_a_refusal_and_telling(
    firm, shop, committed, outbox, owner, handler, privacy_officer
):
    officer = _staff(privacy_officer)
    settings = {
        "verification_days": 14,
        "package_days": 30,
        "purge_days": 30,
        "max_upload_mb": 20,
        "restrict_on_objection": "on",
    }
    assert officer.post("/requests/settings/", settings).status_code == 302
    from waarborg.register.models import ProcessingActivity

    customers = ProcessingActivity.objects.get(organisation=firm, key="customer-administration")
    with committed():
        created = _staff(handler).post(
            "/requests/new/",
            {
                "kind": "objection",
                "channel": "email",
                "name": "Jan de Jong",
                "email": JAN,
                "language": "nl",
                "activities": [customers.pk],
                "description": "Gebruik mijn klantgegevens niet meer.",
            },
        )
    assert created.status_code == 302, created.content.decode()[:2000]
    subject_request = SubjectRequest.objects.get(email=JAN)
    base = f"/requests/{subject_request.pk}"
    _staff(handler).post(
        f"{base}/verify/", {"note": "teruggebeld op bekend nummer", "identifiers": ["email"]}
    )

    def blocked():
        found = engine.access(shop.url, shop.dataset(), {"email": [JAN]})
        return [row["geblokkeerd"] for row in engine.records(found["klant"])]

    assert all(blocked()) and blocked()
    page = officer.get(f"{base}/").content.decode()
    assert "Afgeschermd in de database" in page
    officer.post(f"{base}/waive/", {"reason": "bezwaar afgewezen"})
    with committed():
        officer.post(
            f"{base}/refuse/",
            {"ground": "compelling", "reasons": "Wij hebben de gegevens nodig voor de garantie."},
        )
    webshop = subject_request.tasks.get(system__key="webshop")
    page = officer.get(f"{base}/").content.decode()
    assert f'id="lift-{webshop.pk}"' in page
    early = officer.post(f"{base}/tasks/{webshop.pk}/lift/", {"reason": "afgewezen"}, follow=True)
    assert any("eerst" in m for m in _messages(early)) and all(blocked())
    with committed():
        officer.post(f"{base}/tasks/{webshop.pk}/lift/announce/")
    assert outbox[-1].to == [JAN] and "opheffen" in outbox[-1].body
    officer.post(f"{base}/tasks/{webshop.pk}/lift/", {"reason": "bezwaar afgewezen"})
    assert not any(blocked())
    audit = _staff(owner).get("/audit/").content.decode()
    told = audit.index("Persoon ingelicht dat de afscherming wordt opgeheven")
    lifted = audit.index("Afscherming opgeheven")
    assert lifted < told  # the audit list shows the newest first: told, then lifted
    steps = list(
        AuditEntry.objects.filter(
            organisation=firm,
            action__in=["request.restriction_lift_announced", "request.restriction_lifted"],
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert steps == ["request.restriction_lift_announced", "request.restriction_lifted"]


def test_the_link_page_says_nothing_of_what_a_claimed_number_finds(firm, shop, committed, outbox):
    """The claimed identifiers are checked when the link is used, but the person's page is the
    same whether the number belongs to another customer or to nobody."""
    import re

    pages = []
    for number, address in (("K-1002", "een@example.org"), ("K-9999", "twee@example.org")):
        person = Client()
        with committed():
            person.post(
                f"/c/{firm.slug}/request/",
                {
                    "kind": "access",
                    "name": "Iemand",
                    "email": address,
                    "customer_number": number,
                    "language": "nl",
                },
            )
        with committed():
            page = person.post(path_of(link_in(outbox[-1], "/request/verify/")))
        assert page.status_code == 200
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())
        pages.append(re.sub(r"\d{4}-\d{4}", "REF", text))
    assert pages[0] == pages[1]
    first = SubjectRequest.objects.get(email="een@example.org")
    second = SubjectRequest.objects.get(email="twee@example.org")
    assert first.tasks.get(system__key="webshop").result["claimed"]["status"] == "mismatch"
    assert "claimed" not in second.tasks.get(system__key="webshop").result
