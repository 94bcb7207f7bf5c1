from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.audit.actions import SYSTEM_ACTOR
from waarborg.audit.labels import action_label, current_names, in_words, readable
from waarborg.audit.models import AuditEntry
from waarborg.core.access import get_for_org, role_required, scoped
from waarborg.core.dates import format_moment
from waarborg.core.masking import mask_text
from waarborg.core.models import Role
from waarborg.core.spreadsheets import export_response
from waarborg.core.templatetags.waarborg import who


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False)
    actor = forms.CharField(label=_("Actor contains"), required=False)
    object_type = forms.CharField(label=_("Object type"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def filter_entries(entries, data):
    if data.get("action"):
        entries = entries.filter(action__startswith=data["action"])
    if data.get("actor"):
        wanted = Q(actor_label__icontains=data["actor"])
        if data["actor"].strip().lower() in who(SYSTEM_ACTOR).lower():
            wanted |= Q(actor_label=SYSTEM_ACTOR)  # as the pages name it: "Waarborg (automatisch)"
        entries = entries.filter(wanted)
    if data.get("object_type"):
        entries = entries.filter(object_type=data["object_type"])
    if data.get("since"):
        entries = entries.filter(created_at__date__gte=data["since"])
    if data.get("until"):
        entries = entries.filter(created_at__date__lte=data["until"])
    return entries


@role_required(Role.VIEWER)
def entry_list(request):
    form = AuditFilterForm(request.GET or None)
    entries = scoped(AuditEntry, request.organisation).order_by("-seq")
    if form.is_valid():
        entries = filter_entries(entries, form.cleaned_data)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    names = current_names(page.object_list, request.organisation)
    for entry in page.object_list:
        entry.shown_repr = names.get((entry.object_type, entry.object_id), entry.object_repr)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/entry_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@role_required(Role.VIEWER)
def entry_detail(request, seq):
    entry = get_for_org(AuditEntry, request.organisation, seq=seq)
    context = {
        "entry": entry,
        "label": action_label(entry.action),
        "current_name": current_names([entry], request.organisation).get(
            (entry.object_type, entry.object_id), ""
        ),
        "old": in_words(entry.old),
        "new": in_words(entry.new),
        "old_recorded": readable(entry.old),
        "new_recorded": readable(entry.new),
    }
    return render(request, "audit/entry_detail.html", context)


@role_required(Role.VIEWER)
def export(request, fmt="csv"):
    """The entries that match the filters, as CSV for Dutch Excel or as XLSX."""
    form = AuditFilterForm(request.GET or None)
    entries = scoped(AuditEntry, request.organisation).order_by("seq")
    if form.is_valid():
        entries = filter_entries(entries, form.cleaned_data)
    headers = [
        str(label)
        for label in (
            _("number"),
            _("time"),
            _("actor"),
            _("action"),
            _("action code"),
            _("object"),
            _("old values"),
            _("new values"),
            _("hash"),
        )
    ]
    rows = (
        dict(
            zip(
                headers,
                [
                    entry.seq,
                    format_moment(entry.created_at),
                    # the trail's "system" in words; a person with the id that tells accounts apart
                    who(SYSTEM_ACTOR) if entry.actor_label == SYSTEM_ACTOR else entry.actor_label,
                    action_label(entry.action),
                    entry.action,
                    mask_text(entry.object_repr),
                    readable(entry.old) if entry.old is not None else "",
                    readable(entry.new) if entry.new is not None else "",
                    entry.hash,
                ],
                strict=True,
            )
        )
        for entry in entries.iterator()
    )
    stamp = timezone.localdate().isoformat()
    response = export_response(fmt, headers, rows, f"audit-{stamp}", title=_("Audit trail"))
    if response is None:
        raise Http404
    return response
