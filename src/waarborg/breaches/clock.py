"""The 72-hour clock of Art. 33(1): from awareness, through nights, weekends and holidays."""

import math

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RUNNING, OVERDUE, NOTIFIED, NOT_REQUIRED = "running", "overdue", "notified", "not_required"
STATES = {
    RUNNING: _("running"),
    OVERDUE: _("72 hours passed, not notified"),
    NOTIFIED: _("notified"),
    NOT_REQUIRED: _("no notification needed"),
}


def state(breach, now=None, notification=None):
    """Where the clock stands: notified, not required (decided unlikely to result in a risk),
    running or overdue. `notification` is the first submitted one if the caller has it
    (False: the caller knows there is none)."""
    from waarborg.breaches.models import RiskDecision

    now = now or timezone.now()
    if notification is None:
        notification = breach.notification()
    if notification:
        return NOTIFIED
    if breach.risk_decision == RiskDecision.UNLIKELY:
        return NOT_REQUIRED
    return OVERDUE if now >= breach.deadline else RUNNING


def hours_left(breach, now=None):
    """Whole hours until the deadline, rounded down (0 in its last hour); negative once past,
    counting the hours begun since."""
    now = now or timezone.now()
    seconds = (breach.deadline - now).total_seconds()
    return math.floor(seconds / 3600)


def is_late(breach, submitted_at):
    return submitted_at > breach.deadline
