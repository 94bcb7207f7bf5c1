"""The requests list for staff as CSV (Dutch Excel) or XLSX: the same filter as the list page,
dates as people write them, codes as their labels."""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.core.access import role_required, scoped
from waarborg.core.dates import format_day, format_moment
from waarborg.core.models import Role
from waarborg.core.spreadsheets import export_response
from waarborg.requests.models import OPEN_STATUSES, Status, SubjectRequest


def request_rows(organisation, shown="open"):
    """(headers, rows) of the requests shown: open ones, one status, or all."""
    rows = scoped(SubjectRequest, organisation).select_related("assignee").order_by("received_at")
    if shown == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif shown in Status.values:
        rows = rows.filter(status=shown)
    headers = [
        _("Reference"),
        _("Kind"),
        _("Received by"),
        _("Name"),
        _("Received"),
        _("Due"),
        _("Extended to"),
        _("Status"),
        _("Outcome"),
        _("Handler"),
        _("Answered"),
        _("Closed"),
    ]
    data = (
        dict(
            zip(
                headers,
                [
                    r.reference,
                    r.get_kind_display(),
                    r.get_channel_display(),
                    r.name,
                    format_moment(r.received_at),
                    format_day(r.due_on) if r.due_on else _("after verification"),
                    format_day(r.extended_to),
                    r.get_status_display(),
                    r.get_outcome_display() if r.outcome else "",
                    str(r.assignee) if r.assignee else "",
                    format_moment(r.answered_at),
                    format_moment(r.closed_at),
                ],
                strict=True,
            )
        )
        for r in rows.iterator()
    )
    return headers, data


@role_required(Role.VIEWER)
def export(request, fmt):
    headers, rows = request_rows(request.organisation, request.GET.get("show", "open"))
    stamp = timezone.localdate().isoformat()
    response = export_response(fmt, headers, rows, f"requests-{stamp}", title=_("Requests"))
    if response is None:
        raise Http404
    return response
