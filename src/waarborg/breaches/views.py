"""Staff pages of the breach register. Handlers record breaches and their timeline; privacy
officers decide, notify the supervisory authority and inform the people; viewers read."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.breaches import actions, clock, export, risk
from waarborg.breaches.forms import (
    AssessmentForm,
    BreachForm,
    CommunicationForm,
    ControllerForm,
    DecisionForm,
    FoundLetterForm,
    LetterForm,
    NoteForm,
    PrepareForm,
    ReferenceForm,
    SubmissionForm,
)
from waarborg.breaches.models import Breach
from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role


def _breach(request, pk):
    return get_for_org(Breach, request.organisation, pk=pk)


@role_required(Role.VIEWER)
def breach_list(request):
    now = timezone.now()
    breaches = list(scoped(Breach, request.organisation).prefetch_related("notifications"))
    for breach in breaches:
        first = next((n for n in breach.notifications.all() if n.submitted_at), None)
        breach.clock_state = clock.state(breach, now, notification=first or False)
        breach.hours_left = clock.hours_left(breach, now)
    return render(request, "breaches/list.html", {"breaches": breaches, "states": clock.STATES})


@role_required(Role.HANDLER)
def breach_add(request):
    return _breach_form(request, None)


@role_required(Role.HANDLER)
def breach_edit(request, pk):
    return _breach_form(request, _breach(request, pk))


def _breach_form(request, breach):
    organisation = request.organisation
    form = BreachForm(request.POST or None, instance=breach, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        facts, links = form.split()
        try:
            if breach is None:
                breach = actions.record_breach(
                    organisation, actor=request.user, links=links, **facts
                )
            else:
                actions.update_breach(breach, actor=request.user, links=links, **facts)
        except actions.BreachError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The breach is recorded."))
            return redirect("breaches:detail", pk=breach.pk)
    return render(request, "breaches/form.html", {"form": form, "breach": breach})


@role_required(Role.VIEWER)
def breach_detail(request, pk):
    breach = _breach(request, pk)
    now = timezone.now()
    score = risk.breach_severity(breach)
    controllers = actions.affected_controllers(breach)
    return render(
        request,
        "breaches/detail.html",
        {
            "breach": breach,
            "clock_state": clock.state(breach, now),
            "states": clock.STATES,
            "hours_left": clock.hours_left(breach, now),
            "score": score,
            "score_text": risk.score_text(score),
            "band": risk.band(score),
            "band_label": risk.BANDS.get(risk.band(score), ""),
            "band_meaning": risk.BAND_MEANING.get(risk.band(score)),
            "factors": risk.edpb_factors(breach),
            "letters": breach.letters.all(),
            "letter_missing": [
                (label, missing)
                for language, label in (("nl", _("Dutch")), ("en", _("English")))
                if (missing := actions.letter_missing(breach, language))
            ],
            "controllers": controllers,
            "controller_notices": breach.controller_notices.select_related("controller"),
            "note_form": NoteForm(),
            "assessment_form": AssessmentForm(instance=breach),
            "decision_form": DecisionForm(
                initial={
                    "risk_decision": breach.risk_decision,
                    "risk_reason": breach.risk_reason,
                    "high_risk_decision": breach.high_risk_decision,
                    "high_risk_reason": breach.high_risk_reason,
                }
            ),
            "prepare_form": PrepareForm(),
            "communication_form": CommunicationForm(),
            # a list refused is offered again, so nothing typed is lost
            "letter_form": LetterForm(
                initial={"addresses": request.session.pop(f"breach-{breach.pk}-addresses", "")}
            ),
            "controller_form": ControllerForm(controllers=controllers),
        },
    )


def _done(request, breach, error=None, success=""):
    if error is not None:
        messages.error(request, str(error))
    elif success:
        messages.success(request, success)
    return redirect("breaches:detail", pk=breach.pk)


def _form_errors(form):
    """The form's errors as one message: "label: error" each."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return " ".join(parts)


@role_required(Role.HANDLER)
@require_POST
def note_add(request, pk):
    breach = _breach(request, pk)
    form = NoteForm(request.POST, request.FILES)
    if not form.is_valid():
        return _done(request, breach, _form_errors(form))
    try:
        actions.add_note(breach, actor=request.user, **form.cleaned_data)
    except actions.BreachError as error:
        return _done(request, breach, error)
    return _done(request, breach, success=_("The note is added."))


@role_required(Role.VIEWER)
def attachment(request, pk, note):
    """A note's file, decrypted for a member of the organisation; each opening is audited."""
    from django.shortcuts import get_object_or_404

    breach = _breach(request, pk)
    item = get_object_or_404(breach.notes.exclude(attachment_name=""), pk=note)
    actions.record_attachment_opened(item, actor=request.user)
    response = HttpResponse(item.attachment_bytes(), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{_safe_name(item.attachment_name)}"'
    return response


def _safe_name(name):
    return "".join(c for c in name if c.isalnum() or c in "._- ")[-100:] or "file"


@role_required(Role.HANDLER)
@require_POST
def assess(request, pk):
    breach = _breach(request, pk)
    form = AssessmentForm(request.POST, instance=breach)
    if not form.is_valid():
        return _done(request, Breach.objects.get(pk=breach.pk), _form_errors(form))
    actions.assess_breach(breach, actor=request.user, **form.cleaned_data)
    return _done(request, breach, success=_("The assessment is saved."))


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def decide(request, pk):
    breach = _breach(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _done(request, breach, _form_errors(form))
    try:
        actions.decide_breach(breach, actor=request.user, **form.cleaned_data)
    except actions.BreachError as error:
        return _done(request, breach, error)
    return _done(request, breach, success=_("The decisions are recorded."))


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def prepare(request, pk):
    breach = _breach(request, pk)
    form = PrepareForm(request.POST)
    if not form.is_valid():
        return _done(request, breach, _form_errors(form))
    try:
        notification = actions.prepare_notification(breach, actor=request.user, **form.cleaned_data)
    except actions.BreachError as error:
        return _done(request, breach, error)
    return redirect("breaches:notification", pk=breach.pk, version=notification.version)


def _version(breach, version):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(breach.notifications.select_related("breach"), version=version)


@role_required(Role.VIEWER)
def notification(request, pk, version):
    breach = _breach(request, pk)
    item = _version(breach, version)
    return render(
        request,
        "breaches/notification.html",
        {
            "breach": breach,
            "notification": item,
            "submission_form": SubmissionForm(
                initial={"delay_reason": breach.delay_reason, "submitted_at": timezone.localtime()}
            ),
            "reference_form": ReferenceForm(),
            "late": clock.state(breach) == clock.OVERDUE,
        },
    )


@role_required(Role.VIEWER)
def notification_pdf(request, pk, version):
    item = _version(_breach(request, pk), version)
    response = HttpResponse(actions.notification_pdf(item), content_type="application/pdf")
    name = f"{item.breach.reference}-v{item.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def submission(request, pk, version):
    breach = _breach(request, pk)
    item = _version(breach, version)
    form = SubmissionForm(request.POST)
    back = redirect("breaches:notification", pk=breach.pk, version=item.version)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return back
    try:
        actions.record_submission(item, actor=request.user, **form.cleaned_data)
    except actions.BreachError as error:
        messages.error(request, str(error))
        return back
    messages.success(request, _("The submission is recorded."))
    return back


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def reference(request, pk, version):
    breach = _breach(request, pk)
    item = _version(breach, version)
    form = ReferenceForm(request.POST)
    if form.is_valid():
        try:
            actions.record_reference(item, actor=request.user, **form.cleaned_data)
        except actions.BreachError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The reference number is recorded."))
    else:
        messages.error(request, _form_errors(form))
    return redirect("breaches:notification", pk=breach.pk, version=item.version)


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def communication(request, pk):
    breach = _breach(request, pk)
    form = CommunicationForm(request.POST)
    if not form.is_valid():
        return _done(request, breach, _form_errors(form))
    try:
        actions.record_communication(breach, actor=request.user, **form.cleaned_data)
    except actions.BreachError as error:
        return _done(request, breach, error)
    return _done(request, breach, success=_("Recorded how the people are informed."))


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def letters(request, pk):
    from waarborg.notices.actions import PublishError, parse_recipients

    breach = _breach(request, pk)
    form = LetterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _done(request, breach, _form_errors(form))
    from waarborg.core.inputs import InputError, read_upload

    text = form.cleaned_data["addresses"]
    try:
        if form.cleaned_data["upload"]:
            text = read_upload(form.cleaned_data["upload"])
        recipients = parse_recipients(text, breach.organisation.default_language)
        letter = actions.send_letters(
            breach,
            actor=request.user,
            recipients=recipients,
            per_minute=form.cleaned_data["per_minute"],
        )
    except PublishError as error:
        problems = "; ".join(str(p.message) for p in error.problems)
        request.session[f"breach-{breach.pk}-addresses"] = form.cleaned_data["addresses"][:100_000]
        return _done(request, breach, f"{error.message} {problems}".strip())
    except (actions.BreachError, InputError) as error:
        request.session[f"breach-{breach.pk}-addresses"] = form.cleaned_data["addresses"][:100_000]
        return _done(request, breach, error)
    if letter is None:
        return _done(request, breach, success=_("Every address has had the letter already."))
    return _done(request, breach, success=_("The letters are queued; the worker sends them."))


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def found_addresses(request, pk):
    """The addresses the connected systems of the breach hold, as a preview; read in the
    request, at most `recipients.MAX_PER_SOURCE` rows per source."""
    from waarborg.breaches.recipients import MAX_PER_SOURCE

    breach = _breach(request, pk)
    found = actions.preview_found_recipients(breach, actor=request.user)
    return render(
        request,
        "breaches/found_addresses.html",
        {
            "breach": breach,
            "found": found,
            "limit": MAX_PER_SOURCE,
            "letter_missing": actions.letter_missing(breach),
            "form": FoundLetterForm(),
        },
    )


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def found_letters(request, pk):
    breach = _breach(request, pk)
    form = FoundLetterForm(request.POST)
    if not form.is_valid():
        return _done(request, breach, _form_errors(form))
    try:
        letter, found = actions.add_found_recipients(
            breach, actor=request.user, per_minute=form.cleaned_data["per_minute"]
        )
    except actions.BreachError as error:
        return _done(request, breach, error)
    if letter is None:
        return _done(request, breach, success=_("No new addresses were found."))
    return _done(
        request,
        breach,
        success=_("%(count)s addresses are added; the worker sends the letters.")
        % {"count": letter.recipients.count()},
    )


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def controller_notify(request, pk):
    breach = _breach(request, pk)
    form = ControllerForm(request.POST, controllers=actions.affected_controllers(breach))
    if not form.is_valid():
        return _done(request, breach, _form_errors(form))
    try:
        actions.notify_controller(breach, actor=request.user, **form.cleaned_data)
    except actions.BreachError as error:
        return _done(request, breach, error)
    return _done(request, breach, success=_("The client is notified."))


@role_required(Role.VIEWER)
def register_export(request, fmt):
    organisation = request.organisation
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if fmt == "xlsx":
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        body = export.to_xlsx(organisation)
    else:
        content_type = "text/csv; charset=utf-8"
        body = export.to_csv(organisation)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="datalekken.{fmt}"'
    return response
