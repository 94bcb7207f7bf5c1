"""Staff pages of the checks: the dashboard's to-do list and all findings with dismissals."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.checks import actions, chart, engine
from waarborg.checks.findings import findings_for
from waarborg.checks.models import Dismissal
from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role
from waarborg.requests.models import OPEN_STATUSES, RequestTask, SubjectRequest, TaskStatus
from waarborg.retention.models import ReviewTask

SOON_DAYS = 7


@role_required(Role.VIEWER)
def todo(request):
    """The dashboard: what needs doing next, most urgent first."""
    organisation, today = request.organisation, timezone.localdate()
    summary = engine.Summary(findings_for(organisation, today=today))
    return render(
        request,
        "checks/todo.html",
        {
            "requests": _urgent_requests(organisation, today),
            "my_tasks": scoped(RequestTask, organisation)
            .filter(assignee=request.user, status__in=(TaskStatus.OPEN, TaskStatus.FAILED))
            .select_related("request")
            .only("id", "title", "request__id", "request__reference")
            .order_by("request__due_on", "pk")[:20],
            "reviews": scoped(ReviewTask, organisation)
            .filter(done_at__isnull=True, due_on__lte=today + timedelta(days=SOON_DAYS))
            .select_related("system", "rule")[:20],
            "blockers": [f for f in summary.errors if f.rule.statement is True],
            "by_severity": [
                (severity, engine.SEVERITY_LABELS[severity], summary.of(severity))
                for severity in engine.SEVERITIES
            ],
            "summary": summary,
            "chart": chart.bars(organisation, today, engine.counts(summary.findings)),
            "today": today,
            "breaches": _open_breaches(organisation),
            "objections": _open_objections(organisation),
        },
    )


def _open_breaches(organisation):
    """Breaches whose 72 hours run or ran out, with the hours left, soonest first."""
    from waarborg.breaches import clock
    from waarborg.breaches.actions import open_breaches

    now = timezone.now()
    rows = list(open_breaches(organisation).order_by("aware_at")[:20])
    for breach in rows:
        breach.hours_left = clock.hours_left(breach, now)
        breach.clock_state = clock.state(breach, now, notification=False)
    return rows


def _open_objections(organisation):
    """Clients' objections to a sub-processor change that the privacy officer has not resolved:
    until then the change does not apply to that client (Art. 28(2))."""
    from waarborg.processors.models import ChangeClient

    return (
        ChangeClient.objects.filter(
            change__organisation=organisation,
            answer=ChangeClient.Answer.OBJECTED,
            resolution="",
        )
        .select_related("change__party", "client")
        .order_by("answered_at", "pk")[:20]
    )


def _urgent_requests(organisation, today):
    rows = list(
        scoped(SubjectRequest, organisation)
        .filter(status__in=OPEN_STATUSES, due_on__isnull=False)
        .only("id", "reference", "kind", "status", "due_on", "extended_to")
        .order_by("due_on")[:200]
    )
    urgent = [r for r in rows if r.urgency(today)]
    urgent.sort(key=lambda r: (r.urgency(today) != "overdue", r.deadline))
    return urgent[:20]


@role_required(Role.VIEWER)
def findings(request):
    """Every finding, filtered by severity and area; dismissed ones on request."""
    organisation = request.organisation
    summary = engine.Summary(findings_for(organisation))
    severity, area = request.GET.get("severity", ""), request.GET.get("area", "")
    shown = summary.dismissed if request.GET.get("dismissed") else summary.open
    shown = [
        f
        for f in shown
        if (not severity or f.severity == severity) and (not area or f.rule.area == area)
    ]
    return render(
        request,
        "checks/findings.html",
        {
            "findings": shown,
            "summary": summary,
            "severity": severity,
            "area": area,
            "areas": engine.AREAS,
            "severities": engine.SEVERITY_LABELS,
            "dismissed": bool(request.GET.get("dismissed")),
            "can_dismiss": request.membership.has_role(Role.PRIVACY_OFFICER),
        },
    )


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def dismiss(request):
    organisation = request.organisation
    wanted = request.POST.get("finding", "")
    finding = next((f for f in findings_for(organisation) if f.id == wanted), None)
    if finding is None:
        raise Http404
    try:
        actions.dismiss_finding(
            organisation, finding, actor=request.user, reason=request.POST.get("reason", "")
        )
    except actions.CheckError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The finding is dismissed until the object changes."))
    return _back(request)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def restore(request, pk):
    dismissal = get_for_org(Dismissal, request.organisation, pk=pk)
    actions.restore_finding(dismissal, actor=request.user)
    messages.success(request, _("The finding is open again."))
    return _back(request)


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect("checks:findings")
    return redirect(target)
