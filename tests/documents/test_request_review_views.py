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
