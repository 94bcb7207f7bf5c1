"""The reminders of the 72-hour clock (at 24 and 48 hours, each once) and the breaches whose
clock runs or ran out, for the dashboard."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from waarborg.audit.actions import record_entry
from waarborg.breaches import clock
from waarborg.breaches.models import Breach, RiskDecision

log = logging.getLogger(__name__)


def send_reminders(now=None):
    """Remind the privacy officers of each breach not yet notified nor decided "unlikely to
    result in a risk" once 24 and once 48 hours have passed since awareness. Each reminder is
    claimed in the database before it is sent, so it goes out once."""
    from waarborg.breaches.models import NOTIFY_WITHIN

    now = now or timezone.now()
    sent = 0
    due = (
        Breach.objects.exclude(risk_decision=RiskDecision.UNLIKELY)
        .exclude(notifications__submitted_at__isnull=False)
        .filter(aware_at__gt=now - NOTIFY_WITHIN, aware_at__lte=now - timedelta(hours=24))
    )
    for breach in due.select_related("organisation").distinct():
        hours = 48 if now - breach.aware_at >= timedelta(hours=48) else 24
        field = f"reminded_{hours}_at"
        with transaction.atomic():
            claimed = Breach.objects.filter(pk=breach.pk, **{f"{field}__isnull": True}).update(
                **{field: now}
            )
            if not claimed:
                continue
            if hours == 48:  # a 24-hour reminder not sent in time is not sent any more
                Breach.objects.filter(pk=breach.pk, reminded_24_at__isnull=True).update(
                    reminded_24_at=now
                )
            record_entry(
                breach.organisation,
                actor=None,
                action="breach.reminder",
                obj=breach,
                new={"hours": hours},
            )
            transaction.on_commit(lambda b=breach, h=hours: _send_reminder(b, h, now))
        sent += 1
    return sent


def officers(organisation):
    """The addresses reminders go to: the privacy officers, else the owners."""
    from waarborg.core.models import Membership, Role

    members = Membership.objects.filter(organisation=organisation).select_related("user")
    found = [m.user for m in members if m.role == Role.PRIVACY_OFFICER]
    return found or [m.user for m in members if m.role == Role.OWNER]


def _send_reminder(breach, hours, now):
    from django.urls import reverse

    from waarborg.core.emails import absolute_url, send_templated

    for user in officers(breach.organisation):
        try:
            send_templated(
                "breaches/emails/reminder",
                to=user.email,
                language=user.language_in(breach.organisation),
                context={
                    "breach": breach,
                    "hours": hours,
                    "left": clock.hours_left(breach, now),
                    "link": absolute_url(reverse("breaches:detail", args=[breach.pk])),
                },
            )
        except Exception:  # one address that fails does not stop the others
            log.exception("reminder for breach %s to %s failed", breach.pk, user.pk)


def open_breaches(organisation):
    """Breaches whose clock runs or ran out: not notified and not decided unlikely."""
    return (
        Breach.objects.filter(organisation=organisation)
        .exclude(risk_decision=RiskDecision.UNLIKELY)
        .exclude(notifications__submitted_at__isnull=False)
        .distinct()
    )
