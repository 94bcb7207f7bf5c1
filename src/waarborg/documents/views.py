"""Staff pages of a system's mail and document sources: connect a folder or a mailbox, test
the connection, index in the worker and follow it, look a person up, disconnect. The privacy
officer connects and indexes; handlers look people up; every member sees the status."""

from email.utils import parsedate_to_datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from waarborg.core.access import get_for_org, role_required
from waarborg.core.models import Role
from waarborg.documents import actions
from waarborg.documents.forms import FolderForm, MailboxForm, PersonForm, SettingsForm
from waarborg.documents.models import DocumentSource, Kind
from waarborg.register.models import System


def _form_error(form, error):
    """A source's error beside the field it is about, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _source(request, pk):
    return get_for_org(DocumentSource.objects.select_related("system"), request.organisation, pk=pk)


def _connect(request, key, form_class, template, connect):
    system = get_for_org(System, request.organisation, key=key)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = connect(system, form.cleaned_data)
        except actions.DocumentSourceError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Connected. Index it now to find people in it."))
            return redirect("documents:detail", pk=source.pk)
    return render(request, template, {"system": system, "form": form})


@role_required(Role.PRIVACY_OFFICER)
def connect_folder(request, key):
    def connect(system, data):
        return actions.connect_folder(request.organisation, system, actor=request.user, **data)

    return _connect(request, key, FolderForm, "documents/connect_folder.html", connect)


@role_required(Role.PRIVACY_OFFICER)
def connect_mailbox(request, key):
    def connect(system, data):
        return actions.connect_mailbox(request.organisation, system, actor=request.user, **data)

    return _connect(request, key, MailboxForm, "documents/connect_mailbox.html", connect)


@role_required(Role.VIEWER)
def detail(request, pk):
    """The source, its index (counts, last indexed, last error) and the running indexing."""
    source = _source(request, pk)
    job = actions.index_job(source)
    lease = getattr(job, "lease", None) if job else None
    context = {
        "source": source,
        "system": source.system,
        "job": job,
        "lease": lease,
        "form": PersonForm(),
    }
    return render(request, "documents/detail.html", context)


@role_required(Role.PRIVACY_OFFICER)
def settings(request, pk):
    """Change a connected source's settings without connecting it anew (its index stays)."""
    source = _source(request, pk)
    form = SettingsForm(request.POST or None, source=source)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password", "")
        try:
            actions.update_source(source, actor=request.user, password=password, **data)
        except actions.DocumentSourceError as error:
            _form_error(form, error)
            source.refresh_from_db()
        else:
            messages.success(request, _("The settings are saved."))
            return redirect("documents:detail", pk=pk)
    context = {"source": source, "system": source.system, "form": form}
    return render(request, "documents/settings.html", context)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def test(request, pk):
    source = _source(request, pk)
    problem = actions.test_source(source)
    if problem:
        messages.error(request, problem)
    elif source.kind == Kind.FOLDER:
        messages.success(request, _("Waarborg can read the folder."))
    else:
        messages.success(request, _("Waarborg can log in to the mailbox."))
    return redirect("documents:detail", pk=pk)


@require_POST
@role_required(Role.PRIVACY_OFFICER)
def index(request, pk):
    source = _source(request, pk)
    try:
        actions.start_indexing(source, actor=request.user)
    except actions.DocumentSourceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Indexing is queued for the background worker."))
    return redirect("documents:detail", pk=pk)


@role_required(Role.PRIVACY_OFFICER)
def disconnect(request, pk):
    """What disconnecting removes, and a button that does it (a POST)."""
    source = _source(request, pk)
    if request.method != "POST":
        from waarborg.documents import index

        context = {"source": source, "system": source.system}
        context["items"] = index.status(source.pk)["items"]
        return render(request, "documents/disconnect.html", context)
    key = source.system.key
    actions.disconnect_source(source, actor=request.user)
    messages.success(request, _("The source was disconnected and its index removed."))
    return redirect("register:detail", kind_name="systems", key=key)


MATCHED = {
    "email": gettext_lazy("e-mail address"),
    "phone_number": gettext_lazy("phone number"),
    "name": gettext_lazy("name"),
    "customer_number": gettext_lazy("customer number"),
    "iban": "IBAN",
}


def _sent(meta):
    """When a message was sent (its Date header), or None."""
    try:
        return parsedate_to_datetime(meta.get("date") or "")
    except (TypeError, ValueError, IndexError):
        return None


def _shown(hit):
    matched = [str(MATCHED.get(code, code)) for code in hit.matched]
    return {"hit": hit, "sent": _sent(hit.meta), "matched": matched}


@role_required(Role.HANDLER)
def find(request, pk):
    """Look a person up in this source (read-only; audited with counts only)."""
    source = _source(request, pk)
    form = PersonForm(request.POST if request.method == "POST" else None)
    context = {"source": source, "system": source.system, "form": form}
    if request.method == "POST" and form.is_valid():
        identities = {name: form.cleaned_data[name] for name in PersonForm.FIELDS}
        try:
            hits = actions.find_person(
                request.organisation,
                identities,
                actor=request.user,
                sources=[source],
                reason=_("look-up by staff"),
            )
            context["hits"] = [_shown(hit) for hit in hits]
        except actions.DocumentSourceError as error:
            _form_error(form, error)
    return render(request, "documents/find.html", context)
