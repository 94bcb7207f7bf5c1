from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role
from waarborg.register.models import RetentionRule, System
from waarborg.retention import actions
from waarborg.retention.forms import ReviewForm, SettingsForm
from waarborg.retention.models import BuiltinKind, RetentionRun, ReviewTask


@role_required(Role.VIEWER)
def overview(request):
    """What retention will do tonight and why, open review tasks, and the evidence of runs."""
    organisation = request.organisation
    items = actions.build_plan(organisation)
    from waarborg.retention import chart

    context = {
        "items": items,
        "chart": chart.build(items),
        "large": {item.key for item in actions.large_items(items, organisation)},
        "share": actions.settings_for(organisation).max_share,
        "runs": scoped(RetentionRun, organisation)[:20],
        "nightly": actions.next_nightly(),
        "review_form": ReviewForm(),
    }
    return render(request, "retention/overview.html", context)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def run_now(request):
    """First the plan and a question; the sweep is queued once the plan is confirmed. A rule
    that would take a large share of its table runs only if its box is ticked."""
    organisation = request.organisation
    if "confirm" not in request.POST:
        items = actions.build_plan(organisation)
        context = {
            "items": [item for item in items if item.kind == "source"],
            "large": {item.key for item in actions.large_items(items, organisation)},
            "share": actions.settings_for(organisation).max_share,
        }
        return render(request, "retention/confirm.html", context)
    confirmed = {}
    for key in request.POST.getlist("large"):
        seen = request.POST.get(f"seen:{key}", "")
        if seen.isdigit():
            confirmed[key[:300]] = int(seen)
    run = actions.queue_run(organisation, actor=request.user, trigger="staff", confirmed=confirmed)
    messages.success(request, _("The sweep is queued; this page shows its progress."))
    return redirect("retention:run_detail", pk=run.pk)


@role_required(Role.VIEWER)
def run_detail(request, pk):
    run = get_for_org(RetentionRun, request.organisation, pk=pk)
    names = {rule.key: str(rule) for rule in scoped(RetentionRule, request.organisation)}
    names.update({kind.value: kind.label for kind in BuiltinKind})
    systems = {system.key: str(system) for system in scoped(System, request.organisation)}
    items = [
        {
            **item,
            "rule_name": names.get(item.get("rule"), item.get("rule")),
            "system_name": systems.get(item.get("system"), item.get("system")),
        }
        for item in run.items
    ]
    return render(request, "retention/run.html", {"run": run, "items": items})


@require_POST
@role_required(Role.HANDLER)
def review_done(request, pk):
    task = get_for_org(ReviewTask, request.organisation, pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.confirm_review(task, actor=request.user, note=form.cleaned_data["note"])
        except actions.RetentionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Recorded: the data past its period was deleted."))
    return redirect("retention:overview")


@role_required(Role.PRIVACY_OFFICER)
def settings_page(request):
    current = actions.settings_for(request.organisation)
    form = SettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        actions.save_settings(request.organisation, form.cleaned_data, actor=request.user)
        messages.success(request, _("The retention periods of Waarborg's own data are saved."))
        return redirect("retention:overview")
    return render(request, "retention/settings.html", {"form": form})
