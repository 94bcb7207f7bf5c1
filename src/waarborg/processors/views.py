"""Staff pages of the processor side: services, clients, agreements, instructions,
sub-processor changes, Data Pro Statements and the Art. 30(2) register per client."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role
from waarborg.core.spreadsheets import XLSX_TYPE
from waarborg.processors import actions, datapro, exports
from waarborg.processors.forms import (
    AgreementForm,
    AnswerForm,
    ChangeForm,
    InstructionForm,
    ReasonForm,
    ResolveForm,
    ServiceForm,
    SettingsForm,
)
from waarborg.processors.models import (
    Agreement,
    ChangeClient,
    Instruction,
    Service,
    SubProcessorChange,
)
from waarborg.register.models import Party


def _clients(organisation):
    return scoped(Party, organisation).filter(kind=Party.Kind.CLIENT_CONTROLLER)


def _fail(form, error):
    form.add_error(None, str(error.message))


@role_required(Role.VIEWER)
def overview(request):
    organisation = request.organisation
    return render(
        request,
        "processors/overview.html",
        {
            "services": scoped(Service, organisation).prefetch_related("clients", "sub_processors"),
            "clients": _clients(organisation),
            "agreements": scoped(Agreement, organisation).filter(side=Agreement.Side.CONTROLLER),
            "changes": scoped(SubProcessorChange, organisation).prefetch_related("services"),
            "objections": ChangeClient.objects.filter(
                change__organisation=organisation,
                answer=ChangeClient.Answer.OBJECTED,
                resolution="",
            ).select_related("change", "client"),
        },
    )


@role_required(Role.PRIVACY_OFFICER)
def service_edit(request, pk=None):
    organisation = request.organisation
    service = get_for_org(Service, organisation, pk=pk) if pk else None
    initial = ServiceForm.initial_for(service) if service else None
    form = ServiceForm(organisation, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service = actions.save_service(
                organisation, actor=request.user, instance=service, **form.cleaned_data
            )
        except actions.ProcessorError as error:
            _fail(form, error)
        else:
            return redirect("processors:service", service.pk)
    return render(request, "processors/form.html", {"form": form, "title": _("Service")})


@role_required(Role.VIEWER)
def service_detail(request, pk):
    from django.utils.translation import get_language

    from waarborg.core.models import TermKind
    from waarborg.core.taxonomy import TermIndex
    from waarborg.register.ropa import term_label

    service = get_for_org(Service, request.organisation, pk=pk)
    index, language = TermIndex(request.organisation), get_language()
    sub_processors = list(service.sub_processors.all())
    for party in sub_processors:
        party.country_name = actions.country_names(index, [party.country], language)[0]
        party.location_names = actions.country_names(index, party.locations or [], language)
        party.mechanism_label = term_label(
            index, TermKind.TRANSFER_MECHANISM, party.transfer_mechanism
        )
    return render(
        request,
        "processors/service.html",
        {
            "service": service,
            "sub_processors": sub_processors,
            "statements": service.statements.filter(language="nl"),
            "statement_gaps": datapro.gaps(datapro.snapshot(service)),
            "changes": service.changes.all(),
        },
    )


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def statement_publish(request, pk):
    service = get_for_org(Service, request.organisation, pk=pk)
    try:
        versions = actions.publish_statement(service, actor=request.user)
    except actions.ProcessorError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Version %(number)s published.") % {"number": versions[0].number}
        )
    return redirect("processors:service", service.pk)


@role_required(Role.VIEWER)
def client_detail(request, pk):
    from waarborg.requests.models import RequestTask, TaskKind

    organisation = request.organisation
    client = get_for_org(_clients(organisation), organisation, pk=pk)
    services = list(scoped(Service, organisation).filter(clients=client))
    for service in services:
        service.in_use = service.sub_processors_for(client)
    return render(
        request,
        "processors/client.html",
        {
            "client": client,
            "services": services,
            "agreements": scoped(Agreement, organisation).filter(party=client),
            "instructions": scoped(Instruction, organisation).filter(client=client),
            "forwarded": RequestTask.objects.filter(
                organisation=organisation, kind=TaskKind.FORWARD, party=client
            ).select_related("request"),
            "change_rows": ChangeClient.objects.filter(
                change__organisation=organisation, client=client
            ).select_related("change", "change__party"),
            "today": timezone.localdate(),
        },
    )


@role_required(Role.VIEWER)
def client_register(request, pk, fmt):
    organisation = request.organisation
    client = get_for_org(_clients(organisation), organisation, pk=pk)
    language = request.GET.get("lang", "nl") if request.GET.get("lang") in ("nl", "en") else "nl"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.register_xlsx(organisation, client, language), content_type=XLSX_TYPE
        )
    elif fmt == "pdf":
        response = HttpResponse(
            exports.register_pdf(organisation, client, language), content_type="application/pdf"
        )
    else:
        return HttpResponse(status=404)
    response["Content-Disposition"] = f'attachment; filename="register-{client.key}.{fmt}"'
    return response


@role_required(Role.PRIVACY_OFFICER)
def agreement_edit(request, pk=None):
    organisation = request.organisation
    agreement = get_for_org(Agreement, organisation, pk=pk) if pk else None
    initial = {"party": request.GET.get("party")} if not agreement else None
    form = AgreementForm(
        organisation,
        request.POST or None,
        request.FILES or None,
        instance=agreement,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            agreement = actions.save_agreement(
                organisation, actor=request.user, instance=agreement, **form.fields_for_action()
            )
        except actions.ProcessorError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect("processors:agreement", agreement.pk)
    return render(
        request,
        "processors/form.html",
        {"form": form, "title": _("Processing agreement"), "multipart": True},
    )


@role_required(Role.VIEWER)
def agreement_detail(request, pk):
    agreement = get_for_org(Agreement, request.organisation, pk=pk)
    return render(request, "processors/agreement.html", {"agreement": agreement})


@role_required(Role.VIEWER)
def agreement_document(request, pk):
    from django.http import FileResponse, Http404

    agreement = get_for_org(Agreement, request.organisation, pk=pk)
    if not agreement.document:
        raise Http404
    return FileResponse(agreement.document.open("rb"), as_attachment=True)


@role_required(Role.HANDLER)
def instruction_add(request, pk):
    organisation = request.organisation
    client = get_for_org(_clients(organisation), organisation, pk=pk)
    form = InstructionForm(organisation, client, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_instruction(
                organisation, actor=request.user, client=client, **form.cleaned_data
            )
        except actions.ProcessorError as error:
            _fail(form, error)
        else:
            messages.success(request, _("The instruction was recorded."))
            return redirect("processors:client", client.pk)
    return render(request, "processors/form.html", {"form": form, "title": _("Instruction")})


@role_required(Role.PRIVACY_OFFICER)
def change_new(request):
    organisation = request.organisation
    form = ChangeForm(organisation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = actions.plan_change(organisation, actor=request.user, **form.cleaned_data)
        except actions.ProcessorError as error:
            _fail(form, error)
        else:
            return redirect("processors:change", change.pk)
    return render(
        request, "processors/form.html", {"form": form, "title": _("Sub-processor change")}
    )


@role_required(Role.VIEWER)
def change_detail(request, pk):
    change = get_for_org(SubProcessorChange, request.organisation, pk=pk)
    return render(
        request,
        "processors/change.html",
        {
            "change": change,
            "rows": change.clients.select_related("client"),
            "counts": [
                (ChangeClient.Status(status).label, count)
                for status, count in change.counts().items()
            ],
            "reason_form": ReasonForm(initial={"reason": change.reason}),
            "answer_form": AnswerForm(),
            "resolve_form": ResolveForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def change_announce(request, pk):
    change = get_for_org(SubProcessorChange, request.organisation, pk=pk)
    try:
        actions.announce_change(change, actor=request.user)
    except actions.ProcessorError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The announcement is being sent by the worker."))
    return redirect("processors:change", change.pk)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def change_reason(request, pk):
    change = get_for_org(SubProcessorChange, request.organisation, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.set_change_reason(change, actor=request.user, **form.cleaned_data)
        except actions.ProcessorError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
    return redirect("processors:change", change.pk)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def change_answer(request, pk, row_pk):
    from django.http import Http404

    change = get_for_org(SubProcessorChange, request.organisation, pk=pk)
    row = change.clients.filter(pk=row_pk).first()
    if row is None:
        raise Http404
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.answer_change(row, actor=request.user, **form.cleaned_data)
        except actions.ProcessorError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose an answer."))
    return redirect("processors:change", change.pk)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def objection_resolve(request, pk, row_pk):
    from django.http import Http404

    change = get_for_org(SubProcessorChange, request.organisation, pk=pk)
    row = change.clients.filter(pk=row_pk).first()
    if row is None:
        raise Http404
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            actions.resolve_objection(row, actor=request.user, **form.cleaned_data)
        except actions.ProcessorError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose how the objection was resolved."))
    return redirect("processors:change", change.pk)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def changes_apply(request):
    applied = actions.apply_due_changes(request.organisation, actor=request.user)
    messages.success(request, _("Changes put into effect: %(count)s.") % {"count": len(applied)})
    return redirect("processors:overview")


@role_required(Role.PRIVACY_OFFICER)
def settings_edit(request):
    organisation = request.organisation
    current = actions.settings_for(organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        actions.save_processor_settings(organisation, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("processors:overview")
    return render(
        request,
        "processors/form.html",
        {"form": form, "title": _("Data Pro Statement: common part")},
    )
