from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.core.access import get_for_org, role_required
from waarborg.core.models import Role
from waarborg.register.models import System
from waarborg.sources import actions, introspect
from waarborg.sources.annotation import AnnotationError
from waarborg.sources.engine import SourceError
from waarborg.sources.forms import ConnectForm, PersonForm
from waarborg.sources.models import SqlSource


@role_required(Role.VIEWER)
def overview(request):
    """Every system of the register with where its data is read: a database, mailboxes and
    folders, or nothing (then a request gives a task for a person)."""
    from waarborg.core.access import scoped

    systems = (
        scoped(System, request.organisation)
        .select_related("sql_source")
        .prefetch_related("document_sources")
        .order_by("key")
    )
    return render(request, "sources/list.html", {"systems": systems})


def _system(request, key):
    system = get_for_org(System, request.organisation, key=key)
    return system, SqlSource.objects.filter(system=system).first()


def _source(request, key):
    system, source = _system(request, key)
    if source is None:
        raise Http404
    return system, source


@role_required(Role.VIEWER)
def detail(request, key):
    system, source = _system(request, key)
    if source is None:
        return redirect("sources:connect", key=key)
    try:
        dataset = source.dataset()
    except AnnotationError:
        dataset = None
    context = {"system": system, "source": source, "dataset": dataset, "form": PersonForm()}
    return render(request, "sources/detail.html", context)


def _problems(error):
    return error.problems if isinstance(error, AnnotationError) else [str(error)]


@role_required(Role.PRIVACY_OFFICER)
def connect(request, key):
    system, source = _system(request, key)
    initial = {"annotation": source.annotation} if source else {}
    form = ConnectForm(
        request.POST or None, request.FILES or None, initial=initial, has_url=bool(source)
    )
    if request.method == "POST" and form.is_valid():
        url = form.cleaned_data["url"] or source.url
        try:
            actions.connect_source(
                request.organisation,
                system,
                actor=request.user,
                url=url,
                annotation=form.cleaned_data["annotation"],
            )
        except (AnnotationError, SourceError) as error:
            for problem in _problems(error):
                form.add_error(None, problem)
        else:
            messages.success(request, _("The database is connected and its annotation checked."))
            return redirect("sources:detail", key=key)
    context = {"system": system, "source": source, "form": form}
    return render(request, "sources/connect.html", context)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def draft(request, key):
    """Fill the annotation field with a draft read from the live schema."""
    system, source = _system(request, key)
    form = ConnectForm(request.POST, has_url=bool(source))
    form.is_valid()
    url = form.cleaned_data.get("url") or (source.url if source else "")
    data = request.POST.copy()
    try:
        data["annotation"] = introspect.annotate(url) if url else ""
    except SourceError as error:
        messages.error(request, str(error))
    form = ConnectForm(data, has_url=bool(source))
    form.errors.clear()
    context = {"system": system, "source": source, "form": form, "drafted": True}
    return render(request, "sources/connect.html", context)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def check(request, key):
    system, source = _source(request, key)
    problems = actions.check_source(source, actor=request.user)
    if any(problem.level == "error" for problem in problems):
        messages.error(request, _("The check found errors; see below."))
    else:
        messages.success(request, _("The annotation matches the database."))
    return redirect("sources:detail", key=key)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def disconnect(request, key):
    system, source = _source(request, key)
    actions.disconnect_source(source, actor=request.user)
    messages.success(request, _("The database was disconnected."))
    return redirect("register:detail", kind_name="systems", key=key)


@role_required(Role.HANDLER)
def find(request, key):
    """Look a person up in the database (read-only; the look-up is audited)."""
    system, source = _source(request, key)
    form = PersonForm(request.POST if request.method == "POST" else None)
    context = {"system": system, "source": source, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            context["result"] = actions.find_person(
                source, form.cleaned_data, actor=request.user, reason=_("look-up by staff")
            )
        except (SourceError, AnnotationError) as error:
            form.add_error(None, str(error))
    return render(request, "sources/find.html", context)
