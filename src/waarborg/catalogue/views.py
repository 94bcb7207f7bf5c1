"""Staff pages of the catalogue: the entries with their facts and check dates, adding one as
a party of the register, and what changed in the catalogue since parties were picked."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from waarborg.catalogue import actions, entries
from waarborg.catalogue.models import Confirmation, Origin
from waarborg.core.access import role_required, scoped
from waarborg.core.models import Role

KIND_LABELS = {
    "office": gettext_lazy("Office and mail"),
    "hosting": gettext_lazy("Hosting"),
    "accounting": gettext_lazy("Accounting"),
    "payroll": gettext_lazy("Payroll"),
    "crm": gettext_lazy("CRM and support"),
    "newsletter": gettext_lazy("Newsletters"),
    "analytics": gettext_lazy("Analytics"),
    "advertising": gettext_lazy("Advertising and embedded media"),
    "telephony": gettext_lazy("Telephony"),
    "payments": gettext_lazy("Payments"),
    "parcels": gettext_lazy("Parcel services"),
    "other": gettext_lazy("Other"),
}


def _name_codes(organisation, rows):
    """Country names and the transfer mechanism's label in the reader's language, not codes."""
    from waarborg.core.models import TermKind
    from waarborg.core.taxonomy import TermIndex
    from waarborg.register.ropa import term_label

    index = TermIndex(organisation)
    for row in rows:
        entry = row["entry"]
        row["country"] = term_label(index, TermKind.COUNTRY, entry.country)
        row["locations"] = [term_label(index, TermKind.COUNTRY, c) for c in entry.locations]
        row["mechanism"] = term_label(index, TermKind.TRANSFER_MECHANISM, entry.transfer_mechanism)


@role_required(Role.VIEWER)
def overview(request):
    organisation = request.organisation
    catalogue = entries.load()
    query = request.GET.get("q", "").strip().lower()
    kind = request.GET.get("kind", "")
    checked = {c.entry: c for c in scoped(Confirmation, organisation)}
    picked = {o.entry: o.party for o in scoped(Origin, organisation).select_related("party")}
    rows = [
        {"entry": e, "kind": KIND_LABELS[e.kind], "checked": checked.get(e.key),
         "party": picked.get(e.key)}
        for e in catalogue.entries
        if (not query or query in e.name.lower() or query in e.legal_entity.lower())
        and (not kind or e.kind == kind)
    ]  # fmt: skip
    _name_codes(organisation, rows)
    return render(
        request,
        "catalogue/overview.html",
        {
            "rows": rows,
            "version": catalogue.version,
            "kinds": KIND_LABELS.items(),
            "query": query,
            "kind": kind,
            "changes": actions.changes(organisation),
        },
    )


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def confirm(request, key):
    try:
        actions.confirm_entry(request.organisation, actor=request.user, key=key)
    except actions.CatalogueActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The entry is recorded as checked today."))
    return redirect("catalogue:overview")


@role_required(Role.PRIVACY_OFFICER)
@require_POST
def add(request, key):
    try:
        party = actions.add_party(
            request.organisation,
            actor=request.user,
            entry_key=key,
            kind=request.POST.get("kind", "processor"),
            system=request.POST.get("system") == "on",
        )
    except actions.CatalogueActionError as error:
        messages.error(request, str(error))
        return redirect("catalogue:overview")
    messages.success(
        request, _("The party is in the register. Check its facts and add the agreement's date.")
    )
    return redirect("register:edit", kind_name="parties", key=party.key)
