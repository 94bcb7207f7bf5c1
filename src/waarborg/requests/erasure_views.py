"""The mail and documents of an erasure request on its task: keep or lift a hold, tick off
what a person deleted, and "delete these N messages" confirmed by typing the number. Refused
input gets a 400 page with the reason; what is not the task's (another person's hit, another
organisation's mailbox) a 404."""

from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role
from waarborg.requests import actions
from waarborg.requests.actions import RequestError
from waarborg.requests.models import DocumentHit, Kind, RequestTask, SubjectRequest


def _task(subject_request, task_pk):
    return get_for_org(
        RequestTask, subject_request.organisation, pk=task_pk, request=subject_request
    )


def _refused(request, subject_request, task_pk, message, status=400):
    """A refused erasure step: the reason, that nothing changed, and the way back."""
    back = reverse("requests:detail", kwargs={"pk": subject_request.pk}) + f"#task-{int(task_pk)}"
    return render(
        request,
        "requests/erasure_refused.html",
        {"r": subject_request, "message": message, "back": back},
        status=status,
    )


def erasure_step(view):
    """A POST on an erasure task's mail and documents: refused input gets a 400 page with the
    reason (nothing changed), success goes back to the task with a message."""

    @require_POST
    @role_required(Role.HANDLER)
    @wraps(view)
    def wrapper(request, pk, task_pk, **kwargs):
        subject_request = get_for_org(SubjectRequest, request.organisation, pk=pk)
        task = _task(subject_request, task_pk)
        try:
            done = view(request, task, **kwargs)
        except RequestError as error:
            return _refused(request, subject_request, task_pk, str(error))
        messages.success(request, done)
        target = reverse("requests:detail", kwargs={"pk": subject_request.pk})
        return redirect(f"{target}#task-{task.pk}")

    return wrapper


def _hit(task, hit_pk):
    return get_for_org(
        DocumentHit.objects.select_related("source", "task"),
        task.organisation,
        pk=hit_pk,
        task=task,
    )


@erasure_step
def hit_hold(request, task, hit_pk):
    from waarborg.register.models import RetentionRule

    hit = _hit(task, hit_pk)
    keep = request.POST.get("keep", "")
    if keep not in ("1", "0"):
        raise RequestError(_("Choose whether the item is kept or deleted."))
    rule = None
    if request.POST.get("rule"):
        rule = (
            scoped(RetentionRule, task.organisation).filter(pk=_int(request.POST["rule"])).first()
        )
        if rule is None:
            raise RequestError(_("Choose a statutory minimum of this system."))
    actions.set_hold(
        hit, actor=request.user, keep=keep == "1", reason=request.POST.get("reason"), rule=rule
    )
    return _("Kept under a legal hold.") if keep == "1" else _("Listed for deletion.")


@erasure_step
def hit_deleted(request, task, hit_pk):
    actions.mark_deleted_by_hand(_hit(task, hit_pk), actor=request.user)
    return _("Ticked off as deleted by hand.")


def _int(value):
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else 0


@role_required(Role.HANDLER)
def delete_messages(request, pk, task_pk, source_pk):
    """ "Delete these N messages": the list of one mailbox's messages to delete for an erasure
    task, and the confirmation by typing their number (Art. 17 GDPR)."""
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    subject_request = get_for_org(SubjectRequest, request.organisation, pk=pk)
    if subject_request.kind != Kind.ERASURE:
        raise Http404  # only an erasure request deletes messages
    task = _task(subject_request, task_pk)
    try:
        source = actions.task_source(task, source_pk)
    except RequestError:
        raise Http404 from None
    error = ""
    if request.method == "GET" and task.is_open and subject_request.is_open:
        # a deletion cut off (its intent still on the task): the mailbox says what went
        try:
            recovered = actions.recover_deletion(task, source, actor=request.user)
        except RequestError as refused:
            error = str(refused)
        else:
            if recovered and recovered["count"]:
                messages.warning(
                    request,
                    ngettext(
                        "A deletion from %(source)s had been cut off: %(count)s message is gone "
                        "from the mailbox and recorded as deleted.",
                        "A deletion from %(source)s had been cut off: %(count)s messages are "
                        "gone from the mailbox and recorded as deleted.",
                        recovered["count"],
                    )
                    % {"count": recovered["count"], "source": source.name},
                )
    if request.method == "POST":
        try:
            record = actions.delete_listed_messages(
                task,
                source,
                actor=request.user,
                confirmed=request.POST.get("count"),
                listing=request.POST.get("listing", ""),
            )
        except RequestError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s message deleted from %(source)s.",
                    "%(count)s messages deleted from %(source)s.",
                    record["count"],
                )
                % {"count": record["count"], "source": source.name},
            )
            target = reverse("requests:detail", kwargs={"pk": subject_request.pk})
            return redirect(f"{target}#task-{task.pk}")
    hits = actions.listed_messages(task, source) if task.is_open else []
    if not error and not source.write_access:
        error = _(
            "This mailbox is connected read-only: delete the messages by hand and tick them off."
        )
    if not error and not hits:
        error = _("No message of this mailbox is listed for deletion.")
    context = {
        "r": subject_request,
        "task": task,
        "source": source,
        "hits": hits,
        "listing": actions.listing_token(hits),
        "error": error,
        "can_delete": bool(hits) and source.write_access and subject_request.kind == Kind.ERASURE,
    }
    status = 400 if error and (request.method == "POST" or not context["can_delete"]) else 200
    return render(request, "requests/delete_messages.html", context, status=status)
