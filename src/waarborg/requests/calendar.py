"""The deadline calendar: an iCalendar feed (RFC 5545) of the open requests a member handles.

Outlook's and Google's servers fetch the feed, so an event holds only what is no one's personal
data: the request's reference, its kind and its deadline (extended or not). Never a name, an
address or a description. Which requests: a handler sees those assigned to them; a privacy
officer or an owner, who answer for every request, sees all open requests of the organisation.

Written by hand, a few lines of the standard: CRLF line ends, lines folded at 75 octets, TEXT
values escaped, all-day events as VALUE=DATE with the exclusive end date after them.
"""

from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.core.emails import absolute_url
from waarborg.core.models import Membership, Role
from waarborg.requests.actions.common import WORKING_ROLES
from waarborg.requests.models import OPEN_STATUSES, Kind, SubjectRequest

CONTENT_TYPE = "text/calendar; charset=utf-8"
LINE_OCTETS = 75


def escape_text(value):
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line ends escaped."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """One content line folded (RFC 5545 3.1): no line longer than 75 octets without its CRLF,
    each continuation starting with a space, and never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            out.append(current)
            current, size = " ", 1
        current += char
        size += octets
    out.append(current)
    return "\r\n".join(out) + "\r\n"


def requests_for(feed):
    """The open requests with a deadline that the feed's member handles, or None when the member
    may no longer handle requests there (left, or made a viewer): then the feed is gone."""
    membership = Membership.objects.filter(
        organisation=feed.organisation, user=feed.user, role__in=WORKING_ROLES
    ).first()
    if membership is None or not feed.user.is_active:
        return None
    rows = SubjectRequest.objects.filter(
        organisation=feed.organisation, status__in=OPEN_STATUSES
    ).exclude(due_on=None)
    if not membership.has_role(Role.PRIVACY_OFFICER):
        rows = rows.filter(assignee=feed.user)
    return list(rows.order_by("due_on", "reference"))


def _uid(subject_request):
    host = urlsplit(settings.BASE_URL).hostname or "waarborg"
    return f"request-{subject_request.pk}@{host}"


def _event(subject_request, stamp):
    deadline = subject_request.deadline
    values = {"reference": subject_request.reference, "kind": Kind(subject_request.kind).label}
    if subject_request.extended_to:
        summary = _("Deadline %(reference)s: %(kind)s (extended)") % values
    else:
        summary = _("Deadline %(reference)s: %(kind)s") % values
    return [
        "BEGIN:VEVENT",
        f"UID:{_uid(subject_request)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{deadline:%Y%m%d}",
        f"DTEND;VALUE=DATE:{deadline + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_text(summary)}",
        f"URL:{absolute_url(reverse('requests:detail', args=[subject_request.pk]))}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def render(feed, rows, now=None):
    """The feed as bytes: one all-day event per request, on its deadline, in the feed's
    language."""
    stamp = (now or timezone.now()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    with translation.override(feed.language):
        name = _("Deadlines of requests, %(organisation)s") % {
            "organisation": feed.organisation.name
        }
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Waarborg//Deadline calendar//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{escape_text(name)}",
            "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
            "X-PUBLISHED-TTL:PT1H",
        ]
        for subject_request in rows:
            lines += _event(subject_request, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines).encode("utf-8")
