import json

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from waarborg.api import actions as api_actions
from waarborg.api.models import ApiKey
from waarborg.consent import actions, mailing, proof
from waarborg.consent.actions import ConsentError
from waarborg.consent.forms import ApiKeyForm, HookForm, ImportForm, PersonForm, PurposeForm
from waarborg.consent.models import ConsentPurpose, ConsentState
from waarborg.core import inputs
from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role
from waarborg.jobs.imports import start_consent_import
from waarborg.jobs.models import ImportRun


@role_required(Role.VIEWER)
def overview(request):
    purposes = scoped(ConsentPurpose, request.organisation).annotate(
        granted=Count("states", filter=Q(states__status=ConsentState.Status.GRANTED)),
        stopped=Count(
            "states",
            filter=Q(
                states__status__in=[ConsentState.Status.WITHDRAWN, ConsentState.Status.OBJECTED]
            ),
        ),
    )
    context = {"purposes": purposes, "person_form": PersonForm()}
    return render(request, "consent/overview.html", context)


def _save_purpose(request, form, instance=None):
    data = dict(form.cleaned_data)
    wording = data.pop("wording")
    if instance:
        data.pop("key", None)
    try:
        actions.save_purpose(
            request.organisation, actor=request.user, wording=wording, instance=instance, **data
        )
    except ConsentError as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, _("The purpose is saved."))
    return redirect("consent:overview")


@role_required(Role.PRIVACY_OFFICER)
def purpose_create(request):
    form = PurposeForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        done = _save_purpose(request, form)
        if done:
            return done
    return render(request, "consent/purpose_form.html", {"form": form})


@role_required(Role.PRIVACY_OFFICER)
def purpose_edit(request, key):
    purpose = get_for_org(ConsentPurpose, request.organisation, key=key)
    form = PurposeForm(request.POST or None, instance=purpose, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        done = _save_purpose(request, form, instance=purpose)
        if done:
            return done
    context = {
        "form": form,
        "purpose": purpose,
        "versions": purpose.versions.order_by("-number"),
        "hooks": purpose.hooks.filter(revoked_at__isnull=True),
        "hook_form": HookForm(),
    }
    return render(request, "consent/purpose_form.html", context)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def hook_add(request, key):
    """A webhook address for a mailing service; shown once."""
    purpose = get_for_org(ConsentPurpose, request.organisation, key=key)
    form = HookForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
        return redirect("consent:purpose_edit", key=key)
    _hook, token = mailing.create_hook(purpose, actor=request.user, **form.cleaned_data)
    url = request.build_absolute_uri(reverse("consent:hook", args=[token]))
    context = {"purpose": purpose, "hook_url": url, "service": form.cleaned_data["service"]}
    return render(request, "consent/hook_added.html", context)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def hook_revoke(request, key, pk):
    purpose = get_for_org(ConsentPurpose, request.organisation, key=key)
    hook = get_object_or_404(purpose.hooks, pk=pk, revoked_at__isnull=True)
    mailing.revoke_hook(hook, actor=request.user)
    messages.success(request, _("The webhook address no longer works."))
    return redirect("consent:purpose_edit", key=key)


@csrf_exempt  # a mailing service posts here; the secret in the address is the check
def hook(request, token):
    """Mailchimp and Laposta post their events here. An unknown or revoked address is 404,
    a body that is not the service's payload 400, and nothing is recorded then."""
    found = mailing.find_hook(token)
    if found is None:
        raise Http404
    if request.method in ("GET", "HEAD"):
        return HttpResponse("ok", content_type="text/plain")  # Mailchimp checks the address
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    try:
        if found.service == "mailchimp":
            withdrawals = mailing.mailchimp_withdrawals(request.POST)
        else:
            withdrawals = mailing.laposta_withdrawals(request.body)
    except mailing.PayloadError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    recorded = mailing.receive(found, withdrawals)
    return JsonResponse({"withdrawals": recorded})


@role_required(Role.HANDLER)
def may_contact_export(request, key, service):
    """Everyone who may be e-mailed for the purpose, as the mailing service imports it."""
    purpose = get_for_org(ConsentPurpose, request.organisation, key=key)
    if service not in mailing.COLUMNS:
        raise Http404
    body = mailing.may_contact_csv(purpose, service)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"{purpose.key}-{service}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.PRIVACY_OFFICER)
def purpose_import(request, key):
    purpose = get_for_org(ConsentPurpose, request.organisation, key=key)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = inputs.csv_dicts(inputs.read_upload(form.cleaned_data["file"]))
            outcome = start_consent_import(purpose, rows, actor=request.user)
        except (ConsentError, inputs.InputError) as error:
            for line in str(error).splitlines():
                form.add_error(None, line)
        else:
            if isinstance(outcome, ImportRun):  # a long list: the worker writes it
                return redirect("jobs:import", outcome.pk)
            imported, skipped = outcome
            messages.success(
                request,
                _("%(imported)s imported; %(skipped)s left out because they withdrew or objected.")
                % {"imported": imported, "skipped": skipped},
            )
            return redirect("consent:overview")
    return render(request, "consent/import.html", {"form": form, "purpose": purpose})


@role_required(Role.HANDLER)
def person(request):
    """The whole consent history of one person, with the wording they agreed to."""
    form = PersonForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        try:
            context["events"] = list(
                actions.history(request.organisation, form.cleaned_data["key"])
            )
            for event in context["events"]:
                event.contact_name, event.contact_address = mailing.contact_text(
                    event.details.get("contact")
                )
            context["key"] = form.cleaned_data["key"]
        except ConsentError as error:
            form.add_error("key", str(error))
    return render(request, "consent/person.html", context)


@role_required(Role.HANDLER)
def person_export(request, fmt):
    key = request.GET.get("key", "")
    try:
        if fmt == "json":
            body = json.dumps(
                proof.history_data(request.organisation, key), indent=2, ensure_ascii=False
            )
            content_type = "application/json"
        elif fmt == "csv":
            body, content_type = proof.history_csv(request.organisation, key), "text/csv"
        else:
            raise Http404
    except ConsentError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consent-history.{fmt}"'
    return response


@role_required(Role.OWNER)
def api_keys(request):
    form = ApiKeyForm(request.POST or None)
    context = {"form": form, "keys": scoped(ApiKey, request.organisation)}
    if request.method == "POST" and form.is_valid():
        key, full = api_actions.create_key(
            request.organisation, actor=request.user, **form.cleaned_data
        )
        context.update(new_key=full, form=ApiKeyForm())
    return render(request, "consent/api_keys.html", context)


@require_POST
@role_required(Role.OWNER)
def api_key_revoke(request, pk):
    key = get_for_org(ApiKey, request.organisation, pk=pk)
    api_actions.revoke_key(key, actor=request.user)
    messages.success(request, _("The key is revoked."))
    return redirect("consent:api_keys")
