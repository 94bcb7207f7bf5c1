"""The daily deadline reminders to staff."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from waarborg.core.emails import absolute_url
from waarborg.core.models import Membership, Organisation, Role
from waarborg.requests import letters
from waarborg.requests.actions.common import _kind_label, local_date, settings_for
from waarborg.requests.models import (
    OPEN_STATUSES,
    SubjectRequest,
)


def attention(organisation, today=None):
    """Open requests that are overdue or due within 7 days, most urgent first."""
    today = today or local_date(organisation, timezone.now())
    found = []
    for subject_request in SubjectRequest.objects.filter(
        organisation=organisation, status__in=OPEN_STATUSES
    ).select_related("assignee"):
        if subject_request.urgency(today):
            found.append(subject_request)
    return sorted(found, key=lambda r: r.deadline)


def send_reminders(today=None):
    """The daily reminder (one mail per person per organisation): to each request's handler
    and to the privacy officers (owners where there is none)."""
    sent = 0
    for organisation in Organisation.objects.order_by("pk"):
        day = today or local_date(organisation, timezone.now())
        urgent = attention(organisation, day)
        if not urgent:
            continue
        with transaction.atomic():
            request_settings = settings_for(organisation)
            if request_settings.reminded_on == day:
                continue
            request_settings.reminded_on = day
            request_settings.save()
        officers = list(
            Membership.objects.filter(
                organisation=organisation, role=Role.PRIVACY_OFFICER
            ).select_related("user")
        ) or list(
            Membership.objects.filter(organisation=organisation, role=Role.OWNER).select_related(
                "user"
            )
        )
        per_person = {m.user: list(urgent) for m in officers}
        for subject_request in urgent:
            if subject_request.assignee and subject_request.assignee not in per_person:
                per_person.setdefault(subject_request.assignee, []).append(subject_request)
        for user, items in per_person.items():
            language = user.language_in(organisation)
            context = {
                "items": [
                    {
                        "reference": r.reference,
                        "kind": _kind_label(r.kind, language),
                        "deadline": r.deadline,
                        "overdue": r.deadline < day,
                        "assignee": str(r.assignee) if r.assignee else "",
                        "link": absolute_url(reverse("requests:detail", args=[r.pk])),
                    }
                    for r in items
                ]
            }
            letters.send(organisation, "reminder", language, context, to=user.email)
            sent += 1
    return sent
