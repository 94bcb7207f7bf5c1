"""Staff pages of requests: the dashboard by urgency, intake, one page per request with its
identity, deadline, tasks and answer, and the settings and letters of the organisation."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.emails import absolute_url
from waarborg.core.limits import within
from waarborg.core.models import Role
from waarborg.register.models import Party
from waarborg.requests import actions, calendar, document_holds, letters, package, post
from waarborg.requests.actions import RequestError
from waarborg.requests.forms import (
    AnswerForm,
    AssignForm,
    ClaimedForm,
    ExtendForm,
    ForwardForm,
    IdentityCheckForm,
    LetterForm,
    LiftForm,
    NoteForm,
    NotFeasibleForm,
    RectifyForm,
    RefuseForm,
    SettingsForm,
    StaffIntakeForm,
    TaskForm,
    VerifyForm,
    WaiveForm,
)
from waarborg.requests.models import (
    IDENTITY_DOCUMENTS,
    OPEN_STATUSES,
    CalendarFeed,
    DocumentHit,
    FileKind,
    Kind,
    LetterTemplate,
    RequestFile,
    RequestLetter,
    RequestTask,
    Status,
    SubjectRequest,
    TaskKind,
    TaskOutcome,
    TaskStatus,
    Verification,
)


def _workers(organisation):
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation=organisation, memberships__role__in=actions.WORKING_ROLES
        )
        .order_by("email")
    )


def _controllers(organisation):
    return scoped(Party, organisation).filter(
        kind__in=[Party.Kind.CLIENT_CONTROLLER, Party.Kind.JOINT_CONTROLLER]
    )


@role_required(Role.VIEWER)
def dashboard(request):
    """Open requests, most urgent first (overdue, due within 7 days, the rest by due date)."""
    shown = request.GET.get("show", "open")
    rows = scoped(SubjectRequest, request.organisation).select_related("assignee")
    if shown == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif shown in Status.values:
        rows = rows.filter(status=shown)
    today = actions.local_date(request.organisation, timezone.now())
    rows = list(rows[:500])
    order = {"overdue": 0, "soon": 1, "": 2}
    rows.sort(key=lambda r: (order[r.urgency(today)], r.deadline or today.max, r.reference))
    counts = {
        "overdue": sum(r.urgency(today) == "overdue" for r in rows),
        "soon": sum(r.urgency(today) == "soon" for r in rows),
    }
    from waarborg.requests import timeline

    chart = timeline.build(
        rows, today, lambda moment: actions.local_date(request.organisation, moment)
    )
    return render(
        request,
        "requests/dashboard.html",
        {
            "rows": rows,
            "today": today,
            "shown": shown,
            "counts": counts,
            "timeline": chart,
            "statuses": Status.choices,
        },
    )


@role_required(Role.HANDLER)
def new(request):
    form = StaffIntakeForm(
        request.POST or None, request.FILES or None, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subject_request = actions.create_request(
                request.organisation,
                actor=request.user,
                kind=data["kind"],
                channel=data["channel"],
                name=data["name"],
                email=data["email"],
                language=data["language"],
                phone=data["phone"],
                customer_number=data["customer_number"],
                description=data["description"],
                direct_marketing=data["direct_marketing"],
                received_at=data["received_at"],
                original=data["original"],
                subject_groups=data["subject_groups"],
                postal_address=data["postal_address"],
                company_name=data["company_name"],
                kvk_number=data["kvk_number"],
                company_address=data["company_address"],
                restriction_ground=data["restriction_ground"],
                activities=data["activities"],
                transmit_to=data["transmit_to"],
                transmit_email=data["transmit_email"],
            )
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Request %s is registered.") % subject_request.reference)
            return redirect("requests:detail", pk=subject_request.pk)
    return render(request, "requests/new.html", {"form": form})


@role_required(Role.VIEWER)
def detail(request, pk):
    subject_request = get_for_org(
        SubjectRequest.objects.select_related("assignee", "organisation"),
        request.organisation,
        pk=pk,
    )
    # the files' encrypted contents stay in the database: the page lists names and sizes
    tasks = list(
        subject_request.tasks.select_related("system", "party", "assignee").prefetch_related(
            Prefetch("files", queryset=RequestFile.objects.defer("data")), "letters"
        )
    )
    suggestions = _hold_reasons(tasks, subject_request.language)
    for task in tasks:
        task.hold_suggestions = suggestions.get(task.pk, [])
        # a task's own forms, with ids of their own: a page has each id once
        task.waive_form = WaiveForm(auto_id=f"id_waive_{task.pk}_%s")
        task.lift_form = LiftForm(auto_id=f"id_lift_{task.pk}_%s")
        task.rectify_form = RectifyForm(auto_id=f"id_rectify_{task.pk}_%s")
        task.has_documents = (
            subject_request.kind in actions.DOCUMENT_KINDS
            and actions.document_sources(task).exists()
        )
        task.hits = list(task.document_hits.all()) if task.has_documents else []
        if task.has_documents and subject_request.kind == Kind.ERASURE:
            task.erasure = actions.erasure_plan(task)
            task.hits = task.erasure["all"]
            task.minimum_rules = document_holds.minimum_rules(task.system)
    users = _workers(request.organisation)
    files = list(subject_request.files.filter(task=None).defer("data"))
    package = next((f for f in files if f.kind == FileKind.PACKAGE), None)
    context = {
        "r": subject_request,
        "tasks": tasks,
        "files": files,
        "package": package,
        "package_out_of_date": (
            actions.package_out_of_date(subject_request, package)
            if package is not None and subject_request.is_open
            else ""
        ),
        "package_failure": actions.package_failure(subject_request),
        "id_copy": next((f for f in files if f.kind in IDENTITY_DOCUMENTS), None),
        "documents": [f for f in files if f.kind in IDENTITY_DOCUMENTS],
        "open_tasks": [t for t in tasks if t.is_open],
        # the checklist: the identity, each task, the answer
        "steps_total": len(tasks) + 2,
        "steps_done": sum(not t.is_open for t in tasks)
        + int(subject_request.is_verified)
        + int(bool(subject_request.answered_at)),
        "today": actions.local_date(request.organisation, timezone.now()),
        "verify_form": VerifyForm(auto_id="id_verify_%s"),
        "claimed_form": ClaimedForm(auto_id="id_claimed_%s"),
        "identity_check_form": IdentityCheckForm(auto_id="id_check_%s"),
        "verified": actions.verified_identities(subject_request),
        "claimed": actions.claimed_identities(subject_request),
        "pending_decision": actions.pending_decision(subject_request),
        "email_verified": actions.email_verified(subject_request),
        "request_settings": actions.settings_for(request.organisation),
        "note_form": NoteForm(auto_id="id_ask_%s"),
        "extend_form": ExtendForm(auto_id="id_extend_%s"),
        "assign_form": AssignForm(
            users=users, initial={"assignee": subject_request.assignee}, auto_id="id_assign_%s"
        ),
        "answer_form": AnswerForm(auto_id="id_answer_%s"),
        "refuse_form": RefuseForm(auto_id="id_refuse_%s"),
        "forward_form": ForwardForm(
            parties=_controllers(request.organisation), auto_id="id_forward_%s"
        ),
        "workers": users,
        "task_outcomes": TaskOutcome.choices,
        "waive_form": WaiveForm(auto_id="id_waive_all_%s"),
        "not_feasible_form": NotFeasibleForm(auto_id="id_not_feasible_%s"),
        "liftable": {t.pk for t in actions.liftable(subject_request)},
        "has_controllers": _controllers(request.organisation).exists(),
        "Kind": Kind,
        "TaskKind": TaskKind,
    }
    context["person_letters"] = list(subject_request.letters.filter(task__isnull=True))
    return render(request, "requests/detail.html", context)


def _sent_or_ready(subject_request, sent):
    """The message after a letter: sent by e-mail, or ready to print when there is no address."""
    if subject_request.email:
        return sent
    return _("The letter is ready to print: post it, then confirm the day it went.")


@role_required(Role.HANDLER)
def letter_pdf(request, pk, letter_pk):
    """A letter to the person as a PDF to print, with the address in the window."""
    subject_request = get_for_org(SubjectRequest, request.organisation, pk=pk)
    letter = get_for_org(RequestLetter, request.organisation, pk=letter_pk, request=subject_request)
    response = HttpResponse(post.letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{subject_request.reference}-{letter.key}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _hold_reasons(tasks, language):
    """{task pk: [suggested reasons]}: the statutory minimum periods of each task's system, in
    words, for a legal hold chosen by hand."""
    from waarborg.core.dates import period_in_words
    from waarborg.core.fields import translated
    from waarborg.register.models import RetentionRule

    found = {}
    with translation.override(language):
        for task in tasks:
            if task.system is None:
                continue
            rules = task.system.retention_rules.filter(bound=RetentionRule.Bound.MINIMUM)
            found[task.pk] = [
                f"{translated(rule.name, language)}: {period_in_words(rule.duration, rule.trigger)}"
                + (f" ({rule.legal_source})" if rule.legal_source else "")
                for rule in rules.order_by("key")
            ]
    return found


def request_action(minimum):
    """A POST that calls one action on a request; errors become a message on its page."""

    def decorator(view):
        @require_POST
        @role_required(minimum)
        @wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            subject_request = get_for_org(SubjectRequest, request.organisation, pk=pk)
            try:
                done = view(request, subject_request, *args, **kwargs)
            except RequestError as error:
                messages.error(request, str(error))
            else:
                if done:
                    messages.success(request, done)
            target = reverse("requests:detail", kwargs={"pk": subject_request.pk})
            if "task_pk" in kwargs:  # back to the task, open (requests/checklist.js)
                target += f"#task-{int(kwargs['task_pk'])}"
            return redirect(target)

        return wrapper

    return decorator


def _form_or_error(form):
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        raise RequestError(" ".join(errors) or _("Check the form."))
    return form.cleaned_data


@request_action(Role.HANDLER)
def verify(request, subject_request):
    data = _form_or_error(VerifyForm(request.POST))
    actions.verify_request(
        subject_request,
        actor=request.user,
        method=Verification.STAFF,
        note=data["note"],
        identifiers=data["identifiers"],
    )
    return _("The identity is recorded as established; the tasks are made.")


@request_action(Role.HANDLER)
def claimed(request, subject_request):
    data = _form_or_error(ClaimedForm(request.POST))
    actions.decide_claimed(
        subject_request, actor=request.user, decision=data["decision"], reason=data["reason"]
    )
    return _("The decision is recorded; run the automatic tasks again.")


@request_action(Role.HANDLER)
def identity_check(request, subject_request):
    data = _form_or_error(IdentityCheckForm(request.POST))
    actions.record_identity_check(subject_request, actor=request.user, note=data["note"])
    return _("The identity check is recorded.")


@request_action(Role.HANDLER)
def resend(request, subject_request):
    if not within(request, "resend-verification", subject_request.email, per_address=(5, 60)):
        raise RequestError(_("Too many attempts: please wait an hour and try again."))
    actions.resend_verification(subject_request, actor=request.user)
    return _("The verification link is sent again.")


@request_action(Role.HANDLER)
def ask_id(request, subject_request):
    data = _form_or_error(NoteForm(request.POST))
    actions.request_id_copy(subject_request, actor=request.user, note=data["note"])
    return _("The person is asked for an ID copy, with BSN and photo masked.")


@request_action(Role.HANDLER)
def id_check(request, subject_request):
    accepted = request.POST.get("decision") == "accept"
    actions.check_id_copy(
        subject_request, actor=request.user, accepted=accepted, note=request.POST.get("note", "")
    )
    if accepted:
        return _("The identity is established; the ID copy is deleted.")
    return _("The ID copy is rejected and deleted.")


@request_action(Role.PRIVACY_OFFICER)
def extend(request, subject_request):
    data = _form_or_error(ExtendForm(request.POST))
    actions.extend_deadline(subject_request, actor=request.user, reason=data["reason"])
    return _sent_or_ready(subject_request, _("The deadline is extended; the person is told why."))


@request_action(Role.HANDLER)
def assign(request, subject_request):
    data = _form_or_error(AssignForm(request.POST, users=_workers(request.organisation)))
    actions.assign_request(subject_request, actor=request.user, assignee=data["assignee"])
    return _("The handler is saved.")


@request_action(Role.PRIVACY_OFFICER)
def forward(request, subject_request):
    form = ForwardForm(request.POST, parties=_controllers(request.organisation))
    data = _form_or_error(form)
    actions.forward_to_controller(
        subject_request, actor=request.user, party=data["party"], note=data["note"]
    )
    return _("The request is forwarded to the controller and the person is told so.")


def _task(subject_request, task_pk):
    return get_for_org(
        RequestTask, subject_request.organisation, pk=task_pk, request=subject_request
    )


@request_action(Role.HANDLER)
def task_update(request, subject_request, task_pk):
    task = _task(subject_request, task_pk)
    form = TaskForm(request.POST, request.FILES, users=_workers(request.organisation))
    data = _form_or_error(form)
    actions.update_task(
        task,
        actor=request.user,
        outcome=data["outcome"],
        reason=data["reason"],
        notes=data["notes"],
        for_person=data["for_person"],
        assignee=data["assignee"],
        clear_assignee=data["assignee"] is None,
        upload=data["upload"],
    )
    return _("The task is saved.")


@request_action(Role.PRIVACY_OFFICER)
def task_waive(request, subject_request, task_pk):
    task = _task(subject_request, task_pk)
    data = _form_or_error(WaiveForm(request.POST))
    actions.waive_task(task, actor=request.user, reason=data["reason"])
    return _("The task is waived.")


@request_action(Role.PRIVACY_OFFICER)
def waive_all(request, subject_request):
    data = _form_or_error(WaiveForm(request.POST))
    actions.waive_open_tasks(subject_request, actor=request.user, reason=data["reason"])
    return _("The open tasks are waived.")


@request_action(Role.PRIVACY_OFFICER)
def lift_announce(request, subject_request, task_pk):
    task = _task(subject_request, task_pk)
    actions.announce_lifting(task, actor=request.user)
    return _sent_or_ready(
        subject_request, _("The person is told that the restriction will be lifted.")
    )


@request_action(Role.PRIVACY_OFFICER)
def lift(request, subject_request, task_pk):
    task = _task(subject_request, task_pk)
    data = _form_or_error(LiftForm(request.POST))
    actions.lift_restriction(task, actor=request.user, reason=data["reason"])
    return _("The restriction is lifted.")


@request_action(Role.PRIVACY_OFFICER)
def not_feasible(request, subject_request):
    data = _form_or_error(NotFeasibleForm(request.POST))
    actions.record_not_feasible(subject_request, actor=request.user, reason=data["reason"])
    return _("Recorded; the answer tells the person and the package goes to them.")


@request_action(Role.HANDLER)
def task_run(request, subject_request, task_pk):
    task = _task(subject_request, task_pk)
    changes = None
    if subject_request.kind == Kind.RECTIFICATION:
        changes = _form_or_error(RectifyForm(request.POST))["changes"]
    actions.run_task(task, actor=request.user, changes=changes)
    return _("Done in %s.") % (task.system or task.title)


@request_action(Role.HANDLER)
def task_documents(request, subject_request, task_pk):
    hits = actions.find_documents(_task(subject_request, task_pk), actor=request.user)
    if not hits:
        return _("Nothing found in the mail and documents.")
    return ngettext(
        "%(count)s message or file found: review it.",
        "%(count)s messages and files found: review each.",
        len(hits),
    ) % {"count": len(hits)}


@request_action(Role.HANDLER)
def hit_review(request, subject_request, task_pk, hit_pk):
    task = _task(subject_request, task_pk)
    hit = get_for_org(DocumentHit, subject_request.organisation, pk=hit_pk, task=task)
    actions.review_hit(
        hit,
        actor=request.user,
        decision=request.POST.get("decision", ""),
        redactions=request.POST.get("redactions", ""),
    )
    return _("The decision is saved.")


@request_action(Role.HANDLER)
def task_notify(request, subject_request, task_pk):
    task = _task(subject_request, task_pk)
    letter = actions.notify_recipient(task, actor=request.user, note=request.POST.get("note", ""))
    if letter.waits_for_post:
        return _("The letter is written: print it, post it and confirm the day.")
    return _("The recipient is told by e-mail.")


@request_action(Role.PRIVACY_OFFICER)
def build(request, subject_request):
    if actions.package_is_large(subject_request):
        actions.queue_package(subject_request, actor=request.user)
        return _("The package is large: the worker is making it. Reload this page in a while.")
    actions.build_package(subject_request, actor=request.user)
    return _("The package is made; check it before you send the answer.")


@request_action(Role.PRIVACY_OFFICER)
def answer(request, subject_request):
    data = _form_or_error(AnswerForm(request.POST))
    actions.send_answer(
        subject_request, actor=request.user, note=data["note"], partly=data["partly"]
    )
    return _sent_or_ready(subject_request, _("The answer is sent."))


@request_action(Role.PRIVACY_OFFICER)
def refuse(request, subject_request):
    data = _form_or_error(RefuseForm(request.POST))
    actions.refuse_request(
        subject_request,
        actor=request.user,
        ground=data["ground"],
        reasons=data["reasons"],
        partly=data["partly"],
    )
    return _sent_or_ready(
        subject_request, _("The refusal is sent, with the complaint and court routes.")
    )


@request_action(Role.PRIVACY_OFFICER)
def close(request, subject_request):
    actions.close_request(subject_request, actor=request.user)
    return _("The request is closed; a minimal record is kept.")


@role_required(Role.HANDLER)
def file_download(request, pk, file_pk):
    """A file of the request, decrypted for staff (the opening is audited)."""
    subject_request = get_for_org(SubjectRequest, request.organisation, pk=pk)
    stored = get_for_org(RequestFile, request.organisation, pk=file_pk, request=subject_request)
    content = actions.open_file(stored, actor=request.user)
    response = HttpResponse(content, content_type=stored.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.name}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.HANDLER)
def report_preview(request, pk):
    subject_request = get_for_org(SubjectRequest, request.organisation, pk=pk)
    try:
        # an included message or file that changed or went since its review is said here, in
        # the reader's language, before the report (in the person's) is made
        done = subject_request.tasks.filter(kind=TaskKind.SYSTEM, status=TaskStatus.DONE)
        for task in done.select_related("system"):
            actions.included_items(task, get_language() or "nl")
        html = package.render_report(subject_request)
    except RequestError as error:
        messages.error(request, str(error))
        return redirect("requests:detail", pk=subject_request.pk)
    response = HttpResponse(html)
    response["Content-Security-Policy"] = package.report_policy(html)
    return response


@role_required(Role.HANDLER)
def letter(request, pk, task_pk=None):
    """A letter as plain text, for sending by post: the acknowledgement, or the letter of a
    forward or Art. 19 task."""
    subject_request = get_for_org(SubjectRequest, request.organisation, pk=pk)
    if task_pk is None:
        subject, body = actions.letter_text(subject_request, "acknowledgement")
    else:
        task = _task(subject_request, task_pk)
        if task.kind == TaskKind.FORWARD:
            subject, body = actions.controller_letter(task)
        else:
            subject, body = actions.recipient_letter(task)
    return HttpResponse(f"{subject}\n\n{body}", content_type="text/plain; charset=utf-8")


@role_required(Role.PRIVACY_OFFICER)
def settings_page(request):
    current = actions.settings_for(request.organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        actions.save_settings(request.organisation, actor=request.user, **values)
        messages.success(request, _("The settings are saved."))
        return redirect("requests:settings")
    own = set(scoped(LetterTemplate, request.organisation).values_list("key", "language"))
    rows = [
        (key, label, [(lang, (key, lang) in own) for lang in ("nl", "en")])
        for key, label in letters.LETTERS.items()
    ]
    return render(request, "requests/settings.html", {"form": form, "letters": rows})


@role_required(Role.PRIVACY_OFFICER)
def letter_edit(request, key, language):
    """Edit a letter's wording: preview it with sample data, save it (checked), or restore the
    shipped text."""
    if key not in letters.LETTERS or language not in ("nl", "en"):
        raise Http404
    subject, body = letters.texts(request.organisation, key, language)
    form = LetterForm(request.POST or None, initial={"subject": subject, "body": body})
    preview = None
    if request.method == "POST" and "restore" in request.POST:
        actions.restore_letter(request.organisation, actor=request.user, key=key, language=language)
        messages.success(request, _("The shipped text is restored."))
        return redirect("requests:letter_edit", key=key, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            if "preview" in request.POST:
                preview = actions.preview_letter(
                    request.organisation, key=key, language=language, **form.cleaned_data
                )
            else:
                actions.save_letter(
                    request.organisation,
                    actor=request.user,
                    key=key,
                    language=language,
                    **form.cleaned_data,
                )
        except RequestError as error:
            form.add_error(None, str(error))
        else:
            if preview is None:
                messages.success(request, _("The letter is saved."))
                return redirect("requests:settings")
    shipped_subject, shipped_body = letters.shipped(key, language)
    return render(
        request,
        "requests/letter_edit.html",
        {
            "form": form,
            "key": key,
            "language": language,
            "label": letters.LETTERS[key],
            "shipped": f"{shipped_subject}\n{shipped_body}",
            "preview": preview,
            "placeholders": letters.declared(key),
            "required": letters.required(key),
            "own": LetterTemplate.objects.filter(
                organisation=request.organisation, key=key, language=language
            ).exists(),
        },
    )


@request_action(Role.HANDLER)
def letter_posted(request, subject_request, letter_pk):
    letter = get_for_org(
        RequestLetter, subject_request.organisation, pk=letter_pk, request=subject_request
    )
    try:
        post.confirm_posted(letter, actor=request.user)
    except post.PostError as error:
        raise RequestError(str(error)) from error
    return _("Recorded: sent by post on %s.") % date_format(letter.sent_on, "j F Y")


@role_required(Role.HANDLER)
def calendar_page(request):
    """The member's deadline calendar: make or renew its secret address (shown only this once,
    for only its hash is kept), or revoke it."""
    context = {
        "feed": CalendarFeed.objects.filter(
            organisation=request.organisation, user=request.user
        ).first(),
        "sees_all": request.membership.has_role(Role.PRIVACY_OFFICER),
    }
    if request.method == "POST":
        token = actions.make_calendar_link(request.organisation, actor=request.user)
        context["feed"] = actions.calendar_feed(token)
        # the configured address, never the request's Host (which a client chooses)
        context["new_link"] = absolute_url(reverse("requests:calendar_feed", args=[token]))
    return render(request, "requests/calendar.html", context)


@require_POST
@role_required(Role.HANDLER)
def calendar_revoke(request):
    if actions.revoke_calendar_link(request.organisation, actor=request.user):
        messages.success(request, _("The calendar link is revoked; it no longer works."))
    return redirect("requests:calendar")


@require_safe
def calendar_feed(request, token):
    """The feed itself, fetched by the calendar provider without signing in: the address is the
    key. Unknown, revoked and forged addresses all get the same empty 404: no page that echoes
    the address, sets a cookie or differs in any way."""
    feed = actions.calendar_feed(token)
    rows = calendar.requests_for(feed) if feed is not None else None
    if rows is None:
        return HttpResponse(status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(calendar.render(feed, rows), content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response
