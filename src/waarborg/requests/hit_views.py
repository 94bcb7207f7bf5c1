"""A found message or file read whole on its own page before the handler decides on it: the
text as indexed (BSNs masked), with the redactions given so far burnt in as the package's copy
would hold them, and how it would go into the package. Reading it is audited."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from waarborg.core.access import get_for_org, role_required
from waarborg.core.models import Role
from waarborg.requests import actions
from waarborg.requests.models import DocumentHit, RequestTask, SubjectRequest


@role_required(Role.HANDLER)
def hit_copy(request, pk, task_pk, hit_pk):
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    subject_request = get_for_org(SubjectRequest, request.organisation, pk=pk)
    task = get_for_org(RequestTask, request.organisation, pk=task_pk, request=subject_request)
    hit = get_for_org(DocumentHit, request.organisation, pk=hit_pk, task=task)
    if not hit.found.get("title") and not hit.found.get("where"):
        raise Http404  # forgotten when the erasure request was closed
    copy = actions.hit_copy(hit, actor=request.user, language=get_language() or "nl")
    context = {"r": subject_request, "task": task, "hit": hit, "copy": copy}
    return render(request, "requests/hit_copy.html", context, status=200 if copy else 404)
