from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.models import Role
from waarborg.core.taxonomy import TermIndex
from waarborg.notices import actions, diff
from waarborg.notices.forms import SECTIONS, ChangeNoticeForm, NoticeSettingsForm, PublishForm
from waarborg.notices.models import ChangeNotice, NoticeVersion


@role_required(Role.VIEWER)
def overview(request):
    organisation = request.organisation
    language = request.GET.get("language", request.LANGUAGE_CODE)
    if language not in actions.LANGUAGES:
        language = "nl"
    index = TermIndex(organisation)
    snapshot = actions.current_snapshot(organisation)
    problems = actions.check(snapshot, index)
    versions = (
        scoped(NoticeVersion, organisation)
        .filter(language=language)
        .only("number", "language", "published_at", "published_by", "hash", "own_label")
    )
    return render(
        request,
        "notices/overview.html",
        {
            "preview": actions.preview(organisation, language, snapshot, index),
            "language": language,
            "errors": [p for p in problems if p.level == "error"],
            "warnings": [p for p in problems if p.level == "warning"],
            "versions": versions,
            "publish_form": PublishForm(),
        },
    )


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def publish(request):
    form = PublishForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("notices:overview")
    try:
        versions = actions.publish_statement(
            request.organisation, actor=request.user, **form.cleaned_data
        )
    except actions.PublishError as error:
        messages.error(request, str(error.message))
        for problem in error.problems:
            messages.error(request, problem.message)
    else:
        messages.success(
            request, _("Version %(number)s is published.") % {"number": versions[0].number}
        )
    return redirect("notices:overview")


@role_required(Role.PRIVACY_OFFICER)
def edit_settings(request):
    organisation = request.organisation
    current = actions.settings_for(organisation)
    initial = {
        "grouping": current.grouping,
        "introduction": current.introduction,
        "closing": current.closing,
        **{f"note_{key}": current.section_notes.get(key, {}) for key, _label in SECTIONS},
    }
    form = NoticeSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.save_notice_settings(
            organisation,
            actor=request.user,
            grouping=form.cleaned_data["grouping"],
            introduction=form.cleaned_data["introduction"],
            closing=form.cleaned_data["closing"],
            section_notes=form.notes(),
        )
        messages.success(request, _("Saved. Publish a new version to make it public."))
        return redirect("notices:overview")
    return render(request, "notices/settings.html", {"form": form})


DRAFT = "draft"


@role_required(Role.VIEWER)
def compare(request):
    """Two published versions side by side, or the newest one and the draft: what the register
    says now and the next version would publish."""
    organisation = request.organisation
    numbers = sorted(
        set(scoped(NoticeVersion, organisation).values_list("number", flat=True)), reverse=True
    )
    context = {"numbers": numbers, "draft": DRAFT}
    try:
        first = int(request.GET.get("a", 0))
        second = request.GET.get("b", "")
        second = second if second == DRAFT else int(second or 0)
    except ValueError:
        first, second = 0, 0
    if not first and len(numbers) > 1:
        first, second = numbers[1], numbers[0]
    elif not first and numbers:
        first, second = numbers[0], DRAFT
    versions = {
        v.number: v.snapshot
        for v in scoped(NoticeVersion, organisation).filter(
            number__in=[n for n in (first, second) if n != DRAFT], language="nl"
        )
    }
    if second == DRAFT and first in versions:
        versions[DRAFT] = actions.draft_snapshot(organisation)
    if first in versions and second in versions:
        index = TermIndex(organisation)
        changes = diff.diff(versions[first], versions[second], index, request.LANGUAGE_CODE)
        context.update(
            a=first,
            b=second,
            changes=changes,
            categories=[
                (key, label, [c for c in changes if c.category == key])
                for key, label in [
                    ("purposes", _("Purposes")),
                    ("legal_bases", _("Legal bases")),
                    ("recipients", _("Recipients")),
                    ("transfers", _("Transfers outside the EEA")),
                    ("retention", _("Retention")),
                ]
            ],
            affected=[
                index.get("data_subject", code).label() if index.get("data_subject", code) else code
                for code in diff.affected_groups(changes)
            ],
        )
    return render(request, "notices/compare.html", context)


@role_required(Role.PRIVACY_OFFICER)
def notify(request):
    organisation = request.organisation
    numbers = sorted(
        set(scoped(NoticeVersion, organisation).values_list("number", flat=True)), reverse=True
    )
    form = ChangeNoticeForm(numbers, request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            recipients = actions.parse_recipients(
                form.address_text(), organisation.default_language
            )
            notice = actions.notify_change(
                organisation,
                actor=request.user,
                recipients=recipients,
                from_number=form.cleaned_data["from_number"],
                to_number=form.cleaned_data["to_number"],
                per_minute=form.cleaned_data["per_minute"],
            )
        except actions.PublishError as error:
            messages.error(request, str(error.message))
            problems = error.problems
        else:
            return redirect("notices:notice", pk=notice.pk)
    notices = scoped(ChangeNotice, organisation)[:20]
    return render(
        request, "notices/notify.html", {"form": form, "problems": problems, "notices": notices}
    )


@role_required(Role.VIEWER)
def notice_detail(request, pk):
    notice = get_for_org(ChangeNotice, request.organisation, pk=pk)
    counts = notice.counts()
    total = sum(counts.values())
    done = total - counts.get("pending", 0) - counts.get("claimed", 0)
    return render(
        request,
        "notices/notice.html",
        {
            "notice": notice,
            "counts": counts,
            "total": total,
            "done": done,
            "percent": round(100 * done / total) if total else 100,
            "recipients": notice.recipients.all()[:500],
        },
    )
