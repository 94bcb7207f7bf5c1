"""The review of mail and document hits on a request's page: search, include with redactions,
exclude; refused for a viewer, a GET, and another organisation's request or hit."""

import pytest
from django.urls import reverse

from tests.documents.test_request_review import JAN, _request, _task, folder, source  # noqa: F401
from waarborg.audit.models import AuditEntry
from waarborg.register.models import System
from waarborg.requests.models import DocumentHit, HitDecision, TaskKind


@pytest.fixture
def task(source, organisation, owner, system):  # noqa: F811
    return _task(_request(organisation, owner), system)


def _search(client, task):
    return client.post(reverse("requests:task_documents", args=[task.request.pk, task.pk]))


def test_handler_searches_sees_snippets_and_reviews(task, handler, client_for):
    client = client_for(handler)
    response = _search(client, task)
    assert response.status_code == 302
    page = client.get(reverse("requests:detail", args=[task.request.pk])).content.decode()
    assert "gesprek.txt" in page and f"<mark>{JAN}</mark>" in page
    assert "111222333" not in page
    # the handler is told what including means: the original, unless something is redacted
    assert "zonder weglakkingen opneemt, gaat als origineel mee" in page
    hit = DocumentHit.objects.get(task=task, ref="gesprek.txt")
    url = reverse("requests:hit_review", args=[task.request.pk, task.pk, hit.pk])
    client.post(url, {"decision": "included", "redactions": "Piet Jansen\r\nJan"})
    hit.refresh_from_db()
    assert hit.decision == HitDecision.INCLUDED and hit.redactions == ["Piet Jansen", "Jan"]
    assert "Piet Jansen" not in hit.redactions_encrypted
    entry = AuditEntry.objects.filter(action="request.document_reviewed").latest("pk")
    assert entry.new["redactions"] == 2 and "Piet" not in str(entry.new)
    page = client.get(reverse("requests:detail", args=[task.request.pk])).content.decode()
    assert "Piet Jansen&#10;Jan" in page


def test_viewer_sees_no_hits_and_cannot_search_or_review(task, owner, viewer, client_for):
    from waarborg.requests import actions

    hit = actions.find_documents(task, actor=owner)[0]
    client = client_for(viewer)
    assert _search(client, task).status_code == 403
    url = reverse("requests:hit_review", args=[task.request.pk, task.pk, hit.pk])
    assert client.post(url, {"decision": "included"}).status_code == 403
    page = client.get(reverse("requests:detail", args=[task.request.pk])).content.decode()
    assert "<mark>" not in page and 'id="hits-' not in page
    hit.refresh_from_db()
    assert hit.decision == HitDecision.PENDING


def test_get_is_refused(task, owner, client_for):
    client = client_for(owner)
    url = reverse("requests:task_documents", args=[task.request.pk, task.pk])
    assert client.get(url).status_code == 405


def test_another_organisation_gets_404(task, owner, other_owner, other_organisation, client_for):
    from waarborg.requests import actions

    hit = actions.find_documents(task, actor=owner)[0]
    client = client_for(other_owner)
    assert _search(client, task).status_code == 404
    url = reverse("requests:hit_review", args=[task.request.pk, task.pk, hit.pk])
    assert client.post(url, {"decision": "included"}).status_code == 404
    # their own request, our hit's pk: not found either
    System.objects.create(organisation=other_organisation, key="crm", name={})
    theirs = _request(other_organisation, other_owner)
    their_task = theirs.tasks.get(kind=TaskKind.SYSTEM)
    url = reverse("requests:hit_review", args=[theirs.pk, their_task.pk, hit.pk])
    assert client.post(url, {"decision": "included"}).status_code == 404
    hit.refresh_from_db()
    assert hit.decision == HitDecision.PENDING


def test_forged_hit_ids_never_reach_the_package(
    task, organisation, owner, other_organisation, other_owner, client_for, tmp_path
):
    """Another request's hit, another organisation's source and a source of another system,
    reviewed through forged ids in the URL or put on the task behind the review's back: none
    is in the package, which holds only what the task's own review included."""
    import io
    import json
    import zipfile

    from tests.documents.test_request_review import ANNA, _close_other_tasks
    from waarborg.core.crypto import encrypt_text
    from waarborg.documents import actions as document_actions
    from waarborg.documents import index
    from waarborg.requests import actions
    from waarborg.requests.actions.documents import text_hash
    from waarborg.requests.models import HIT_PURPOSE, FileKind, RequestFile, TaskStatus

    hits = {h.ref: h for h in actions.find_documents(task, actor=owner)}
    # Anna asks too: her message in the MBOX file is a hit of her own request
    anna = _request(organisation, owner, email=ANNA)
    anna_task = _task(anna, task.system)
    (anna_hit,) = [
        h for h in actions.find_documents(anna_task, actor=owner) if h.ref == "oud.mbox#1"
    ]
    client = client_for(owner)
    for request_pk, task_pk, hit_pk in (
        (task.request.pk, task.pk, anna_hit.pk),  # her hit through Jan's task
        (task.request.pk, anna_task.pk, anna_hit.pk),  # her task under Jan's request
        (anna.pk, anna_task.pk, hits["gesprek.txt"].pk),  # Jan's hit through her task
    ):
        url = reverse("requests:hit_review", args=[request_pk, task_pk, hit_pk])
        assert client.post(url, {"decision": "included"}).status_code == 404
    anna_hit.refresh_from_db()
    assert anna_hit.decision == HitDecision.PENDING
    # rows put on Jan's task behind the review's back, marked included: another
    # organisation's source, and a source of ours of another system
    theirs = tmp_path / "hun-schijf"
    theirs.mkdir()
    (theirs / "jan.txt").write_text(f"{JAN} bij de concurrent", encoding="utf-8")
    their_system = System.objects.create(organisation=other_organisation, key="x", name={})
    their_source = document_actions.connect_folder(
        other_organisation, their_system, actor=other_owner, name="Hun schijf", path=str(theirs)
    )
    document_actions.index_source(their_source, actor=other_owner)
    other_system = System.objects.create(organisation=organisation, key="ander", name={})
    our_other = document_actions.connect_folder(
        organisation, other_system, actor=owner, name="Andere schijf", path=str(theirs)
    )
    document_actions.index_source(our_other, actor=owner)
    for forged_source in (their_source, our_other):
        # as a search would have stored it: the package would take it, were it not forged
        text = index.item_text(forged_source.pk, "jan.txt")[1]
        found = {"title": "jan.txt", "where": "-", "kind": "file", "matched": [], "snippets": [],
                 "text_hash": text_hash(text)}  # fmt: skip
        DocumentHit.objects.create(
            organisation=organisation, task=task, source=forged_source, ref="jan.txt",
            found_encrypted=encrypt_text(json.dumps(found), HIT_PURPOSE), confidence=1,
            decision=HitDecision.INCLUDED,
        )  # fmt: skip
    for hit in hits.values():
        actions.review_hit(hit, actor=owner, decision=HitDecision.EXCLUDED)
    actions.review_hit(hits["bericht.eml"], actor=owner, decision=HitDecision.INCLUDED)
    task.status = TaskStatus.DONE
    task.save(update_fields=["status"])
    _close_other_tasks(task.request, task, owner)
    stored = actions.build_package(task.request, actor=owner)
    content = RequestFile.objects.get(pk=stored.pk, kind=FileKind.PACKAGE).content()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    documents = [n for n in files if "/documenten/" in n]
    assert len(documents) == 1 and documents[0].endswith("-bericht.eml")
    for name, data in files.items():
        text = data.decode("utf-8", "replace")
        assert "concurrent" not in text and "jan.txt" not in text, name
        assert ANNA not in text and "Bel me" not in text and "Gesprek met" not in text, name


def test_each_hit_shows_its_date(task, source, handler, client_for):  # noqa: F811
    """A file's last change (a message's Date header likewise), as people write dates."""
    import os
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from waarborg.documents import actions as document_actions

    moment = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")).timestamp()
    os.utime(Path(source.path) / "gesprek.txt", (moment, moment))
    document_actions.index_source(source, actor=handler)
    client = client_for(handler)
    _search(client, task)
    page = client.get(reverse("requests:detail", args=[task.request.pk])).content.decode()
    assert "gesprek.txt</strong>" in page and " · 2 maart 2026 · " in page
    hit = DocumentHit.objects.get(task=task, ref="gesprek.txt")
    assert hit.found_date.isoformat() == "2026-03-02"


def test_the_handler_reads_the_whole_item_as_its_copy_would_be(task, handler, client_for):
    """The whole text before deciding, BSN masked; after redactions the copy as it goes into
    the package, the redacted strings in none of it; the reading is audited."""
    from tests.documents.test_request_review import COLLEAGUE

    client = client_for(handler)
    _search(client, task)
    hit = DocumentHit.objects.get(task=task, ref="gesprek.txt")
    url = reverse("requests:hit_copy", args=[task.request.pk, task.pk, hit.pk])
    detail = client.get(reverse("requests:detail", args=[task.request.pk])).content.decode()
    assert f'href="{url}"' in detail
    page = client.get(url).content.decode()
    assert "Gesprek met Jan de Vries" in page and "belt terug" in page and COLLEAGUE in page
    assert "111222333" not in page and "BSN [BSN]" in page
    assert "als pdf" in page  # a BSN the reader saw masked: never the original
    other = DocumentHit.objects.get(task=task, ref="bericht.eml")
    page = client.get(reverse("requests:hit_copy", args=[task.request.pk, task.pk, other.pk]))
    assert "als origineel" in page.content.decode()  # no redactions, no BSN: the original
    reads = AuditEntry.objects.filter(action="request.document_read").order_by("pk")
    assert [entry.new for entry in reads] == [
        {"task": task.pk, "hit": hit.pk},
        {"task": task.pk, "hit": other.pk},
    ]
    review = reverse("requests:hit_review", args=[task.request.pk, task.pk, hit.pk])
    client.post(review, {"decision": "included", "redactions": f"{COLLEAGUE}\r\nPiet Jansen"})
    page = client.get(url).content.decode()
    assert COLLEAGUE not in page and "Piet" not in page and "Jansen" not in page
    assert page.count('<span class="redacted">[weggelaten]</span>') == 2
    assert "als pdf" in page.lower()


def test_reading_an_item_is_refused_to_a_viewer_another_organisation_and_a_post(
    task, owner, viewer, other_owner, other_organisation, client_for
):
    from waarborg.requests import actions

    hit = actions.find_documents(task, actor=owner)[0]
    url = reverse("requests:hit_copy", args=[task.request.pk, task.pk, hit.pk])
    assert client_for(viewer).get(url).status_code == 403
    assert client_for(other_owner).get(url).status_code == 404
    assert client_for(owner).post(url).status_code == 405
    System.objects.create(organisation=other_organisation, key="crm", name={})
    theirs = _request(other_organisation, other_owner)
    their_task = theirs.tasks.get(kind=TaskKind.SYSTEM)
    forged = reverse("requests:hit_copy", args=[theirs.pk, their_task.pk, hit.pk])
    assert client_for(other_owner).get(forged).status_code == 404
    # our request, another task's pk with our hit: not found
    forged = reverse("requests:hit_copy", args=[task.request.pk, their_task.pk, hit.pk])
    assert client_for(owner).get(forged).status_code == 404
    assert not AuditEntry.objects.filter(action="request.document_read").exists()


def test_the_report_preview_says_an_item_gone_since_review_and_keeps_its_style(
    task,
    source,  # noqa: F811
    owner,
    client_for,
):
    """The preview never fails with a server error: an included file deleted since its review
    is said on the request's page; otherwise the report page comes with a policy that lets
    only its own inline style apply (by hash), no other style and no script."""
    import base64
    import hashlib
    import re
    from pathlib import Path

    from waarborg.documents import actions as document_actions
    from waarborg.requests import actions
    from waarborg.requests.models import TaskStatus

    for hit in actions.find_documents(task, actor=owner):
        actions.review_hit(hit, actor=owner, decision=HitDecision.EXCLUDED)
    talk = DocumentHit.objects.get(task=task, ref="gesprek.txt")
    actions.review_hit(talk, actor=owner, decision=HitDecision.INCLUDED)
    actions.update_task(task, actor=owner, status=TaskStatus.DONE)
    client = client_for(owner)
    url = reverse("requests:report", args=[task.request.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    (style,) = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response["Content-Security-Policy"]
    assert f"style-src 'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    assert "script-src" not in policy and "default-src 'none'" in policy
    (Path(source.path) / "gesprek.txt").unlink()
    document_actions.index_source(source, actor=owner)
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("requests:detail", args=[task.request.pk])
    assert "gesprek.txt" in response.content.decode()


def test_a_decided_hit_offers_only_the_other_decision(task, handler, client_for):
    client = client_for(handler)
    _search(client, task)
    hit = DocumentHit.objects.get(task=task, ref="gesprek.txt")
    url = reverse("requests:hit_review", args=[task.request.pk, task.pk, hit.pk])
    detail = reverse("requests:detail", args=[task.request.pk])

    def buttons():
        page = client.get(detail).content.decode()
        block = page[page.index(f'id="hit-{hit.pk}"') :]
        block = block[: block.index("</form>")]
        return [part.split("</button>")[0] for part in block.split('">')[1:] if "</button>" in part]

    assert buttons() == ["Opnemen", "Uitsluiten"]
    client.post(url, {"decision": "included", "redactions": "Piet Jansen"})
    assert buttons() == ["De weglakkingen bewaren", "Toch uitsluiten"]
    client.post(url, {"decision": "excluded"})
    assert buttons() == ["Toch opnemen"]
    # the redaction stays with it: including it again after all sends it redacted still
    hit.refresh_from_db()
    assert hit.decision == HitDecision.EXCLUDED and hit.redactions == ["Piet Jansen"]
    page = client.get(detail).content.decode()
    assert f'id="redactions-{hit.pk}" name="redactions" rows="2">Piet Jansen</textarea>' in page


def test_a_search_that_finds_nothing_says_so_in_words(source, organisation, owner, client_for):  # noqa: F811
    task = _task(_request(organisation, owner, email="niemand@elders.example"), source.system)
    client = client_for(owner)
    page = client.post(
        reverse("requests:task_documents", args=[task.request.pk, task.pk]), follow=True
    ).content.decode()
    assert "Niets gevonden in de e-mail en documenten." in page
    assert "0 berichten" not in page
