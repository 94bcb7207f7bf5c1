"""Staff pages: the screening of each activity, the assessments, their exports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role
from waarborg.dpia import actions, criteria, exports
from waarborg.dpia.document import document_data
from waarborg.dpia.forms import (
    AssessmentForm,
    MeasureForm,
    RiskForm,
    ScreeningForm,
    SignForm,
    StartForm,
    field_name,
)
from waarborg.dpia.models import Assessment, AssessmentVersion, Risk
from waarborg.dpia.riskmap import outcome_chart
from waarborg.register.models import ProcessingActivity, Status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors_to_form(form, error):
    for name, message in error.errors.items():
        form.add_error(name if name in form.fields else None, str(message))


@role_required(Role.VIEWER)
def overview(request):
    organisation = request.organisation
    activities = list(
        scoped(ProcessingActivity, organisation).exclude(status=Status.RETIRED).order_by("key")
    )
    labels = dict(ProcessingActivity.Dpia.choices)
    chart = outcome_chart([(str(a), a.dpia, labels[a.dpia]) for a in activities])
    assessments = scoped(Assessment, organisation).prefetch_related("activities", "risks")
    return render(
        request,
        "dpia/overview.html",
        {
            "activities": activities,
            "chart": mark_safe(chart),  # noqa: S308 (built from escaped parts)
            "assessments": assessments,
            "start_form": StartForm(organisation, needing=True),
            "lists": criteria.load(),
        },
    )


@role_required(Role.VIEWER)
def screen(request, key):
    activity = get_for_org(ProcessingActivity, request.organisation, key=key)
    suggestions = criteria.prefill(activity)
    last = activity.screenings.first()
    if last is not None:
        initial = {field_name(c): last.answers.get(c.id, False) for c in criteria.load().all}
        initial["note"] = last.note
    else:
        initial = {field_name(c): c.id in suggestions for c in criteria.load().all}
    form = ScreeningForm(request.POST or None, initial=initial, suggestions=suggestions)
    can_edit = request.membership.has_role(Role.PRIVACY_OFFICER)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            actions.screen_activity(
                activity, actor=request.user, answers=form.answers(), note=form.cleaned_data["note"]
            )
            messages.success(request, _("The screening was saved."))
            return redirect("dpia:screen", key=activity.key)
    return render(
        request,
        "dpia/screen.html",
        {
            "activity": activity,
            "form": form,
            "last": last,
            "assessments": activity.assessments.all(),
            "can_edit": can_edit,
        },
    )


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def start(request):
    form = StartForm(request.organisation, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose at least one processing activity."))
        return redirect("dpia:overview")
    assessment = actions.start_assessment(
        request.organisation,
        actor=request.user,
        activities=form.chosen(),
        title=form.cleaned_data["title"],
    )
    return redirect("dpia:detail", pk=assessment.pk)


def _assessment(request, pk):
    return get_for_org(Assessment, request.organisation, pk=pk)


@role_required(Role.VIEWER)
def detail(request, pk):
    assessment = _assessment(request, pk)
    context = exports.present(document_data(assessment))
    return render(
        request,
        "dpia/detail.html",
        {
            "assessment": assessment,
            "doc": context,
            "risk_rows": list(zip(assessment.risks.all(), context["risks"], strict=True)),
            "changed": assessment.changed_activities(),
            "versions": assessment.versions.all(),
            "can_edit": request.membership.has_role(Role.PRIVACY_OFFICER),
            "measure_form": MeasureForm(assessment) if assessment.risks.exists() else None,
        },
    )


@role_required(Role.PRIVACY_OFFICER)
def edit(request, pk):
    assessment = _assessment(request, pk)
    form = AssessmentForm(request.POST or None, initial=AssessmentForm.initial_of(assessment))
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_assessment(
                assessment,
                actor=request.user,
                title=form.cleaned_data["title"],
                description=form.values("description"),
                necessity=form.values("necessity"),
            )
        except actions.DpiaError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("dpia:detail", pk=assessment.pk)
    return render(request, "dpia/assessment_form.html", {"assessment": assessment, "form": form})


@role_required(Role.PRIVACY_OFFICER)
def risk(request, pk, risk_pk=None):
    assessment = _assessment(request, pk)
    row = None
    if risk_pk is not None:
        row = Risk.objects.filter(assessment=assessment, pk=risk_pk).first()
        if row is None:
            raise Http404
    initial = {}
    if row is not None:
        initial = {name: getattr(row, name) for name in actions.RISK_FIELDS}
        initial["measures"] = [m.key for m in row.measures.all()]
    form = RiskForm(request.organisation, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_risk(assessment, actor=request.user, risk=row, **form.values())
        except actions.DpiaError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("dpia:detail", pk=assessment.pk)
    return render(
        request, "dpia/risk_form.html", {"assessment": assessment, "form": form, "risk": row}
    )


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def risk_delete(request, pk, risk_pk):
    assessment = _assessment(request, pk)
    row = Risk.objects.filter(assessment=assessment, pk=risk_pk).first()
    if row is None:
        raise Http404
    actions.delete_risk(row, actor=request.user)
    messages.success(request, _("The risk was removed."))
    return redirect("dpia:detail", pk=assessment.pk)


@role_required(Role.PRIVACY_OFFICER)
def measure(request, pk):
    assessment = _assessment(request, pk)
    form = MeasureForm(assessment, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        row = assessment.risks.filter(pk=data["risk"]).first()
        if row is None:
            raise Http404
        try:
            actions.add_measure(
                assessment,
                actor=request.user,
                risk=row,
                key=data["key"] or slugify(data["name_nl"])[:80],
                name={"nl": data["name_nl"], "en": data["name_en"]},
                kind=data["kind"],
                description={"nl": data["description"]} if data["description"] else None,
            )
        except actions.DpiaError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The measure was added to the register."))
            return redirect("dpia:detail", pk=assessment.pk)
    return render(request, "dpia/measure_form.html", {"assessment": assessment, "form": form})


@role_required(Role.PRIVACY_OFFICER)
def sign(request, pk):
    assessment = _assessment(request, pk)
    initial = {
        "advice": assessment.advice,
        "advice_by": assessment.advice_by,
        "signed_on": timezone.localdate(),
        "review_on": assessment.review_on,
    }
    form = SignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.sign_assessment(assessment, actor=request.user, **form.cleaned_data)
        except actions.DpiaError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The DPIA was signed."))
            return redirect("dpia:detail", pk=assessment.pk)
    return render(
        request,
        "dpia/sign_form.html",
        {"assessment": assessment, "form": form, "high": assessment.residual_high()},
    )


@role_required(Role.VIEWER)
def export(request, pk, fmt):
    if fmt not in ("html", "pdf"):
        raise Http404
    assessment = _assessment(request, pk)
    language = request.GET.get("language") or request.LANGUAGE_CODE
    if language not in ("nl", "en"):
        language = "nl"
    snapshot = None
    if request.GET.get("version"):
        number = request.GET["version"]
        version = AssessmentVersion.objects.filter(
            assessment=assessment, version=int(number) if number.isdigit() else -1
        ).first()
        if version is None:
            raise Http404
        snapshot = version.snapshot
    if fmt == "html":
        return HttpResponse(exports.to_html(assessment, language, snapshot))
    try:
        content = exports.to_pdf(assessment, language, snapshot)
    except exports.PdfUnavailable:
        messages.error(request, _("PDF needs the Pango library on the server."))
        return redirect("dpia:detail", pk=assessment.pk)
    response = HttpResponse(content, content_type="application/pdf")
    version = snapshot["version"] if snapshot else assessment.version
    response["Content-Disposition"] = (
        f'attachment; filename="dpia-{assessment.pk}-v{version}-{language}.pdf"'
    )
    return response


@role_required(Role.VIEWER)
def screening_export(request):
    language = request.GET.get("language") or request.LANGUAGE_CODE
    content = exports.screening_xlsx(request.organisation, language)
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="dpia-screening-{request.organisation.slug}-{stamp}.xlsx"'
    )
    return response
