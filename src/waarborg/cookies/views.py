"""Staff pages of the cookie scan: websites, scans with their evidence and findings, a diff
between two scans, the organisation's own classifications and the banner's settings."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from waarborg.checks import engine
from waarborg.checks.findings import context_for, dismissals_of
from waarborg.checks.rules.cookies import SCAN_RULES as COOKIE_RULES
from waarborg.cookies import actions, report
from waarborg.cookies.forms import OverrideForm, SettingsForm, WebsiteForm
from waarborg.cookies.models import CookieOverride, Pass, Scan, StoreKind, Website
from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role

ERRORS = {
    "refused": gettext_lazy("The address may not be scanned."),
    "browser": gettext_lazy("The browser could not open the website."),
    "unreachable": gettext_lazy("The website could not be reached: no page answered."),
}


@role_required(Role.VIEWER)
def overview(request):
    organisation = request.organisation
    websites = list(scoped(Website, organisation).prefetch_related("scans"))
    for website in websites:
        website.latest = next(iter(website.scans.all()), None)
    return render(
        request,
        "cookies/overview.html",
        {
            "websites": websites,
            "overrides": scoped(CookieOverride, organisation),
            "settings": actions.settings_for(organisation),
            "form": WebsiteForm(),
        },
    )


@role_required(Role.PRIVACY_OFFICER)
def website_add(request):
    return _website_form(request, None)


@role_required(Role.PRIVACY_OFFICER)
def website_edit(request, pk):
    return _website_form(request, get_for_org(Website, request.organisation, pk=pk))


def _website_form(request, website):
    form = WebsiteForm(request.POST or None, instance=website)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_website(
                request.organisation, actor=request.user, instance=website, **form.cleaned_data
            )
        except actions.CookieError as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, _("The website is saved."))
            return redirect("cookies:website", pk=saved.pk)
    return render(request, "cookies/website_form.html", {"form": form, "website": website})


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def website_delete(request, pk):
    website = get_for_org(Website, request.organisation, pk=pk)
    actions.delete_website(website, actor=request.user)
    messages.success(request, _("The website and its scans are deleted."))
    return redirect("cookies:overview")


@role_required(Role.VIEWER)
def website(request, pk):
    website = get_for_org(Website, request.organisation, pk=pk)
    scans = list(website.scans.all()[:50])
    older = None
    for scan in reversed(scans):  # oldest first: each done scan is compared with the one before
        scan.error_label = ERRORS.get(scan.error, scan.error)
        scan.older = older if scan.status == Scan.Status.DONE else None
        older = scan if scan.status == Scan.Status.DONE else older
    return render(request, "cookies/website.html", {"website": website, "scans": scans})


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def scan_now(request, pk):
    website = get_for_org(Website, request.organisation, pk=pk)
    try:
        scan = actions.request_scan(website, actor=request.user)
    except actions.CookieError as error:
        messages.error(request, str(error))
        return redirect("cookies:website", pk=website.pk)
    messages.success(
        request, _("The scan is waiting for the worker; this page shows how far it is.")
    )
    return redirect("cookies:scan", pk=scan.pk)


@role_required(Role.VIEWER)
def scan(request, pk):
    organisation = request.organisation
    scan = get_for_org(Scan.objects.select_related("website"), organisation, pk=pk)
    observations = list(scan.observations.all())
    previous = (
        scan.website.scans.filter(status=Scan.Status.DONE, created_at__lt=scan.created_at)
        .order_by("-created_at")
        .first()
    )
    findings = _findings_of(organisation, scan)
    return render(
        request,
        "cookies/scan.html",
        {
            "scan": scan,
            "cookies": [o for o in observations if o.kind == StoreKind.COOKIE],
            "storage": [o for o in observations if o.kind != StoreKind.COOKIE],
            "hosts": scan.third_parties.all(),
            "pages": scan.pages.all(),
            "previous": previous,
            "findings": findings,
            "severity_labels": engine.SEVERITY_LABELS,
            "passes": Pass,
            "categories": report.CATEGORY_LABELS,
            "error_label": ERRORS.get(scan.error, scan.error),
            "running": scan.status in (Scan.Status.QUEUED, Scan.Status.RUNNING),
            "form": OverrideForm(),
        },
    )


def _findings_of(organisation, scan):
    """The cookie rules over this scan's own evidence (an older scan keeps its findings)."""
    if scan.status != Scan.Status.DONE:
        return []
    context = context_for(organisation)
    context.operations.cookie_scans = report.scan_facts([scan])
    rules = [engine.REGISTRY[rule_id] for rule_id in COOKIE_RULES]
    return engine.run(context, rules, dismissals_of(organisation))


@role_required(Role.VIEWER)
def screenshot(request, pk):
    scan = get_for_org(Scan, request.organisation, pk=pk)
    if not scan.screenshot:
        raise Http404
    return FileResponse(scan.screenshot.open("rb"), content_type="image/jpeg")


@role_required(Role.VIEWER)
def compare(request, pk, other):
    newer = get_for_org(Scan.objects.select_related("website"), request.organisation, pk=pk)
    older = get_for_org(Scan, request.organisation, pk=other, website=newer.website)
    if older.created_at > newer.created_at:
        older, newer = newer, older
    return render(
        request,
        "cookies/compare.html",
        {"older": older, "newer": newer, "diff": actions.compare(older, newer)},
    )


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def classify(request):
    form = OverrideForm(request.POST)
    back = request.POST.get("scan")
    if form.is_valid():
        actions.set_override(
            request.organisation,
            actor=request.user,
            name=form.cleaned_data["name"],
            category=form.cleaned_data["category"],
            purpose=form.cleaned_data["purpose"],
            exempt=form.cleaned_data["exempt"],
        )
        messages.success(request, _("The classification is saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if back and back.isdigit() and scoped(Scan, request.organisation).filter(pk=back).exists():
        return redirect("cookies:scan", pk=int(back))
    return redirect("cookies:overview")


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def classify_remove(request, pk):
    override = get_for_org(CookieOverride, request.organisation, pk=pk)
    actions.remove_override(override, actor=request.user)
    messages.success(request, _("The classification of the database applies again."))
    return redirect("cookies:overview")


@role_required(Role.PRIVACY_OFFICER)
def settings_edit(request):
    current = actions.settings_for(request.organisation)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        actions.save_settings(
            request.organisation, actor=request.user, consent_mode=form.cleaned_data["consent_mode"]
        )
        messages.success(request, _("The banner's settings are saved."))
        return redirect("cookies:overview")
    return render(request, "cookies/settings.html", {"form": form})
