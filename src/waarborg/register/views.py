import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from waarborg.audit.actions import json_ready
from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.dates import format_day, humanise_duration
from waarborg.core.fields import translated
from waarborg.core.models import Role, Term, TermKind
from waarborg.core.taxonomy import TermIndex
from waarborg.jobs.imports import start_register_import
from waarborg.jobs.models import ImportRun
from waarborg.register import actions, ropa, versions
from waarborg.register.forms import ImportForm, ItemForm, TermForm, sections_of, stage_in_words
from waarborg.register.models import Party, ProcessingActivity, Status
from waarborg.register.schema import KINDS, current_data, prefetch
from waarborg.register.yamlio import (
    RegisterFileError,
    apply_starter,
    export_register,
    plan_import,
)

PAGE_SIZE = 50
# Per kind: (URL parameter, field lookup) pairs offered as filters on the list page.
FILTERS = {
    "activities": ["role", "legal_basis", "data_subjects__code", "status"],
    "parties": ["kind", "country", "transfer_mechanism", "status"],
    "systems": ["operator__key", "status"],
    "retention_rules": ["bound", "trigger", "status"],
    "security_measures": ["kind", "status"],
}


def _kind(kind_name):
    if kind_name not in KINDS:
        raise Http404
    return KINDS[kind_name]


@role_required(Role.VIEWER)
def overview(request):
    organisation = request.organisation
    counts = [
        (kind, scoped(kind.model, organisation).exclude(status=Status.RETIRED).count())
        for kind in KINDS.values()
    ]
    return render(
        request,
        "register/overview.html",
        {"counts": counts, "empty": not any(count for _kind, count in counts)},
    )


@role_required(Role.VIEWER)
def flow_map(request):
    from waarborg.register import flowmap

    return render(request, "register/map.html", {"map": flowmap.build(request.organisation)})


@role_required(Role.VIEWER)
def item_list(request, kind_name):
    kind = _kind(kind_name)
    rows = scoped(kind.model, request.organisation)
    if not request.GET.get("status"):
        rows = rows.exclude(status=Status.RETIRED)
    query = request.GET.get("q", "").strip()
    if query:
        rows = rows.filter(Q(key__icontains=query) | Q(name__icontains=query))
    active = {}
    for lookup in FILTERS[kind_name]:
        value = request.GET.get(lookup)
        if value:
            rows = rows.filter(**{lookup: value})
            active[lookup] = value
    rows = rows.distinct().order_by("key")
    if kind_name == "activities":
        rows = rows.select_related("controller").annotate(recipient_count=Count("recipients"))
    if kind_name == "parties":
        rows = rows.annotate(activity_count=Count("activities", distinct=True))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    index = TermIndex(request.organisation)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "register/item_list.html",
        {
            "kind": kind,
            "page": page,
            "q": query,
            "filters": _filter_choices(kind_name, request.organisation, index, active),
            "query": params.urlencode(),
            "index": index,
        },
    )


def _filter_choices(kind_name, organisation, index, active):
    """(lookup, label, choices, chosen) for each filter of the list page."""
    kind = KINDS[kind_name]
    result = []
    for lookup in FILTERS[kind_name]:
        name = lookup.split("__")[0]
        field = kind.model._meta.get_field(name)
        if field.choices:
            choices = list(field.choices)
        elif name in ("legal_basis", "country", "transfer_mechanism"):
            term_kind = {
                "legal_basis": TermKind.LEGAL_BASIS,
                "country": TermKind.COUNTRY,
                "transfer_mechanism": TermKind.TRANSFER_MECHANISM,
            }[name]
            choices = [
                (code, index.get(term_kind, code).label()) for code in index.codes(term_kind)
            ]
        elif name == "data_subjects":
            choices = [
                (code, index.get(TermKind.DATA_SUBJECT, code).label())
                for code in index.codes(TermKind.DATA_SUBJECT)
            ]
        else:  # operator
            parties = scoped(Party, organisation).order_by("key")
            choices = [(party.key, translated(party.name)) for party in parties]
        result.append((lookup, field.verbose_name, choices, active.get(lookup, "")))
    return result


@role_required(Role.PRIVACY_OFFICER)
def item_create(request, kind_name):
    kind = _kind(kind_name)
    if sections_of(kind_name):
        return _create_in_sections(request, kind_name)
    form = ItemForm(kind_name, request.organisation, request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = _save(request, form, kind_name)
        if row is not None:
            messages.success(request, _("Saved."))
            return redirect("register:detail", kind_name=kind_name, key=row.key)
    return render(request, "register/item_form.html", {"kind": kind, "form": form})


@role_required(Role.PRIVACY_OFFICER)
def item_edit(request, kind_name, key):
    kind = _kind(kind_name)
    row = get_for_org(kind.model, request.organisation, key=key)
    step = _section(kind_name, request)
    form = ItemForm(
        kind_name,
        request.organisation,
        request.POST or None,
        instance=row,
        initial=current_data(kind_name, row),
        only=step and step[2],
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, kind_name, instance=row, walk=step is not None)
        if saved is not None:
            messages.success(request, _("Saved."))
            following = _following(kind_name, step)
            if following and request.POST.get("then") == "next":
                url = reverse("register:edit", args=[kind_name, saved.key])
                return redirect(f"{url}?section={following}")
            return redirect("register:detail", kind_name=kind_name, key=saved.key)
    context = {"kind": kind, "form": form, "row": row}
    return render(request, "register/item_form.html", {**context, **_steps(kind_name, step)})


def _section(kind_name, request):
    """The section asked for by `?section=` (the first by default); None for one-page forms."""
    sections = sections_of(kind_name)
    if not sections:
        return None
    name = request.GET.get("section") or sections[0][0]
    for section in sections:
        if section[0] == name:
            return section
    raise Http404


def _following(kind_name, step):
    names = [name for name, _label, _fields in sections_of(kind_name)]
    if step is None or names.index(step[0]) + 1 == len(names):
        return None
    return names[names.index(step[0]) + 1]


def _steps(kind_name, step, reachable=None):
    """The progress line and the links to each section, for the template."""
    if step is None:
        return {}
    sections = sections_of(kind_name)
    names = [name for name, _label, _fields in sections]
    number = names.index(step[0]) + 1
    return {
        "section": step[0],
        "section_label": step[1],
        "progress": _("Step %(number)s of %(total)s") % {"number": number, "total": len(names)},
        "sections": [
            (name, label, reachable is None or name in reachable) for name, label, _f in sections
        ],
        "following": _following(kind_name, step),
    }


def _draft_key(organisation):
    return f"register-draft-{organisation.pk}"


def _create_in_sections(request, kind_name):
    """A new activity, one section at a time.

    Each section's save tries to create the item; while save_item finds only fields of later
    sections missing (the purpose, say), what was entered so far is kept in the session as
    register data and the next section follows. Once saved, the walk goes on as an edit.
    """
    kind = KINDS[kind_name]
    step = _section(kind_name, request)
    sections = sections_of(kind_name)
    names = [name for name, _label, _fields in sections]
    key = _draft_key(request.organisation)
    if step[0] == names[0] and request.method == "GET" and "back" not in request.GET:
        request.session.pop(key, None)  # a new activity starts from nothing
    draft = request.session.get(key) or {"data": {}, "done": []}
    if names.index(step[0]) > len(draft["done"]):  # a section whose turn has not come
        return redirect(reverse("register:create", args=[kind_name]))
    form = ItemForm(
        kind_name,
        request.organisation,
        request.POST or None,
        initial=_from_session(kind, draft["data"]),
        only=step[2],
    )
    if request.method == "POST" and form.is_valid():
        data = form.data_for_register()
        later = {f for _n, _l, fields in sections[names.index(step[0]) + 1 :] for f in fields}
        try:
            row = actions.save_item(kind_name, request.organisation, data, actor=request.user)
        except actions.RegisterError as error:
            pending = [(name, message) for _where, name, message in error.errors]
            if all(name in later for name, _message in pending):
                done = list(dict.fromkeys([*draft["done"], step[0]]))
                request.session[key] = {
                    "data": json_ready(data),
                    "done": done,
                }
                url = reverse("register:create", args=[kind_name])
                return redirect(f"{url}?section={_following(kind_name, step)}")
            for name, message in pending:
                if name in form.fields:
                    form.add_error(name, str(message))
                elif name not in later:
                    label = kind.model._meta.get_field(name).verbose_name if name else ""
                    form.add_error(None, f"{capfirst(label)}: {message}" if label else message)
        else:
            request.session.pop(key, None)
            _walking(request, row)
            messages.success(request, _("Saved."))
            following = _following(kind_name, step)
            if following:
                url = reverse("register:edit", args=[kind_name, row.key])
                return redirect(f"{url}?section={following}")
            return redirect("register:detail", kind_name=kind_name, key=row.key)
    reachable = set(draft["done"]) | {step[0]}
    context = {"kind": kind, "form": form, "creating": True}
    return render(
        request, "register/item_form.html", {**context, **_steps(kind_name, step, reachable)}
    )


def _from_session(kind, data):
    """Register data back from the session, where dates were written as text."""
    values = dict(data)
    for spec in kind.fields:
        if spec.type == "date" and isinstance(values.get(spec.name), str):
            values[spec.name] = datetime.date.fromisoformat(values[spec.name])
    return values


def _save(request, form, kind_name, instance=None, walk=False):
    """Save through the action; its validation errors go back onto the form. A `walk` through
    the sections is one editing session: one version for all its saves (see actions)."""
    walks = request.session.get(WALKS, {})
    try:
        saved = actions.save_item(
            kind_name,
            request.organisation,
            form.data_for_register(),
            actor=request.user,
            instance=instance,
            session_after=walks.get(str(instance.pk)) if walk and instance else None,
        )
    except actions.RegisterError as error:
        for _where, name, message in error.errors:
            form.add_error(name if name in form.fields else None, str(message))
        return None
    if walk:
        _walking(request, saved)
    return saved


WALKS = "register-walks"  # in the session: activity pk -> the audit entry of its last save


def _walking(request, row):
    """Remember where this walk through the sections stands (the last audit entry, which is
    this save's unless it changed nothing)."""
    walks = request.session.get(WALKS, {})
    walks[str(row.pk)] = actions.last_entry_seq(request.organisation)
    request.session[WALKS] = dict(list(walks.items())[-20:])


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def item_retire(request, kind_name, key):
    kind = _kind(kind_name)
    row = get_for_org(kind.model, request.organisation, key=key)
    actions.retire_item(kind_name, row, actor=request.user)
    messages.success(request, _("Retired. It stays in the history and can be put back in use."))
    return redirect("register:list", kind_name=kind_name)


@role_required(Role.VIEWER)
def item_detail(request, kind_name, key):
    kind = _kind(kind_name)
    found = get_for_org(kind.model, request.organisation, key=key)
    row = prefetch(kind, kind.model.objects.filter(pk=found.pk))[0]
    context = {"kind": kind, "row": row, "index": TermIndex(request.organisation)}
    if kind_name == "activities":
        context["versions"] = row.versions.all()[:20]
        context["transfers"] = [
            text
            for text in (ropa.transfer_text(context["index"], p) for p in row.recipients.all())
            if text
        ]
    if kind_name == "parties":
        context["activities"] = row.activities.order_by("key")
        context["activities_for"] = row.activities_for.order_by("key")
        context["systems"] = row.systems.order_by("key")
        context["processors"] = row.processors.order_by("key")
        context["transfer"] = ropa.transfer_text(context["index"], row)
    if kind_name in ("systems", "retention_rules", "security_measures"):
        context["activities"] = row.activities.order_by("key")
    if kind_name == "systems":
        context["source"] = getattr(row, "sql_source", None)
    context["fields"] = describe(kind, row, context["index"])
    return render(request, "register/item_detail.html", context)


@role_required(Role.VIEWER)
def version_detail(request, key, version):
    """One earlier version of an activity, field by field."""
    row = get_for_org(ProcessingActivity, request.organisation, key=key)
    snapshot = get_object_or_404(row.versions, version=version)
    fields = versions.describe_version(
        snapshot.snapshot, TermIndex(request.organisation), request.organisation
    )
    context = {"kind": KINDS["activities"], "row": row, "snapshot": snapshot, "fields": fields}
    return render(request, "register/version.html", context)


@role_required(Role.VIEWER)
def version_compare(request, key):
    """What changed between two versions of an activity (`?from=2&to=current`)."""
    row = get_for_org(ProcessingActivity, request.organisation, key=key)
    first = request.GET.get("from") or str(max(row.version - 1, 1))
    second = request.GET.get("to") or "current"
    old, new = versions.version_data(row, first), versions.version_data(row, second)
    if old is None or new is None:
        raise Http404
    index = TermIndex(request.organisation)
    choices = [("current", row.version)] + [(str(v.version), v.version) for v in row.versions.all()]
    context = {
        "kind": KINDS["activities"],
        "row": row,
        "first": first,
        "second": second,
        "first_number": row.version if first == "current" else first,
        "second_number": row.version if second == "current" else second,
        "choices": choices,
        "changes": versions.compare_versions(old, new, index, request.organisation),
    }
    return render(request, "register/compare.html", context)


@role_required(Role.VIEWER)
def export_yaml(request):
    response = HttpResponse(
        export_register(request.organisation), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="register-{request.organisation.slug}.yaml"'
    )
    return response


@role_required(Role.VIEWER)
def export_ropa(request, fmt):
    exporters = {
        "xlsx": (ropa.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "csv": (ropa.to_csv, "text/csv; charset=utf-8"),
        "html": (ropa.to_html, "text/html; charset=utf-8"),
        "pdf": (ropa.to_pdf, "application/pdf"),
    }
    if fmt not in exporters:
        raise Http404
    build, content_type = exporters[fmt]
    language = request.GET.get("language") or request.LANGUAGE_CODE
    try:
        content = build(request.organisation, language)
    except ropa.PdfUnavailable:
        messages.error(
            request,
            _(
                "PDF needs the Pango library on the server (Debian: apt-get install "
                "libpango-1.0-0 libpangoft2-1.0-0). The HTML version prints the same document."
            ),
        )
        return redirect("register:overview")
    response = HttpResponse(content, content_type=content_type)
    if fmt != "html":
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="ropa-{request.organisation.slug}-{stamp}.{fmt}"'
        )
    return response


@role_required(Role.PRIVACY_OFFICER)
def import_file(request):
    """Upload a register file: first a preview of the changes, then the import on confirmation."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST":
        text = request.POST.get("text")
        if text is None and form.is_valid():
            text = form.cleaned_data["file"].read().decode("utf-8", errors="replace")
        if text is not None:
            confirm = request.POST.get("confirm") == "1"
            try:
                if confirm:  # a large file is imported by the worker
                    plan = start_register_import(request.organisation, text, actor=request.user)
                else:  # the preview reads only, outside a transaction: no write lock
                    plan = plan_import(request.organisation, text)
            except RegisterFileError as error:
                context["problems"] = error.problems
            else:
                if isinstance(plan, ImportRun):
                    return redirect("jobs:import", plan.pk)
                if confirm:
                    messages.success(request, _("The register file was imported."))
                    return redirect("register:overview")
                context.update(plan=plan, text=text)
    return render(request, "register/import.html", context)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def starter(request):
    plan = apply_starter(request.organisation, actor=request.user)
    messages.success(
        request,
        _("The starter set was added (%(count)s items). Adapt it to your organisation.")
        % {"count": len(plan.changes)},
    )
    return redirect("register:overview")


@role_required(Role.VIEWER)
def terms(request, form=None):
    own = Term.objects.filter(organisation=request.organisation).order_by("kind", "code")
    return render(request, "register/terms.html", {"form": form or TermForm(), "own_terms": own})


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def term_add(request):
    form = TermForm(request.POST)
    if form.is_valid():
        try:
            actions.add_term(request.organisation, actor=request.user, **form.cleaned_data)
        except actions.RegisterError as error:
            form.add_error("code", str(error.errors[0][2]))
        else:
            messages.success(request, _("Added."))
            return redirect("register:terms")
    return terms(request, form=form)


def describe(kind, row, index):
    """(label, text, links) for each filled-in field of `row`, for the detail page."""

    result = []
    for spec in kind.fields:
        if spec.name in ("key", "name"):
            continue
        field = kind.model._meta.get_field(spec.name)
        value = getattr(row, spec.name)
        text, links = "", []
        if spec.type == "translated":
            text = translated(value)
        elif spec.type == "choice":
            text = getattr(row, f"get_{spec.name}_display")() if value else ""
        elif spec.type == "term":
            term = index.get(spec.term_kind, value) if value else None
            text = term.label() if term else value
        elif spec.type == "countries":
            text = ", ".join(ropa.term_label(index, spec.term_kind, code) for code in value or [])
        elif spec.type == "terms":
            text = ", ".join(term.label() for term in value.all())
        elif spec.type in ("ref", "refs"):
            targets = (
                [value]
                if spec.type == "ref" and value
                else list(value.all())
                if (spec.type == "refs")
                else []
            )
            links = [
                (reverse("register:detail", args=[spec.ref_kind, t.key]), translated(t.name))
                for t in targets
            ]
        elif spec.type == "bool":
            text = _("yes") if value else _("no")
        elif spec.type == "duration" and value:
            text = humanise_duration(value)  # "7 jaar", never "P7Y"
        elif spec.type == "stages" and value:
            text = "\n".join(stage_in_words(stage) for stage in value)
        elif value:
            # a date as people write it ("1 november 2023"), never ISO
            text = format_day(value) if hasattr(value, "isoformat") else str(value)
        if text or links:
            result.append((field.verbose_name, text, links))
    return result
