"""Mail to a list of people, at most once each, resumable: the one way every mailing is sent
(change notices today; breach letters and sub-processor notices use it the same way).

A recipient row has `status` (pending, claimed, sent, failed, uncertain), `sent_at` and
`error`. Each row is claimed in its own transaction before its message goes out and marked
after: a worker that dies in between leaves it claimed, and whoever resumes the mailing marks it
uncertain (shown to staff) instead of sending it again.
"""

from django.db import transaction
from django.utils import timezone

from waarborg.jobs.worker import checkpoint, pause, progress

PENDING, CLAIMED, SENT, FAILED, UNCERTAIN = "pending", "claimed", "sent", "failed", "uncertain"


def deliver(recipients, send, *, per_minute=0):
    """Send `send(row)` for each pending row of the queryset `recipients`, oldest first;
    return {status: count}. Stops between two messages when the worker is told to stop."""
    model = recipients.model
    recipients.filter(status=CLAIMED).update(status=UNCERTAIN)
    total = recipients.count()
    done = recipients.exclude(status=PENDING).count()
    progress(done, total)
    wait = 60 / per_minute if per_minute else 0
    while True:
        checkpoint()
        with transaction.atomic():
            row = (
                recipients.select_for_update(skip_locked=True)
                .filter(status=PENDING)
                .order_by("pk")
                .first()
            )
            if row is None:
                break
            model.objects.filter(pk=row.pk).update(status=CLAIMED)
        try:
            send(row)
        except Exception as error:  # recorded on the row; the mailing goes on
            outcome = {"status": FAILED, "error": str(error)[:300]}
        else:
            outcome = {"status": SENT, "sent_at": timezone.now(), "error": ""}
        with transaction.atomic():
            # Only a row still claimed by us: one marked uncertain meanwhile stays so.
            model.objects.filter(pk=row.pk, status=CLAIMED).update(**outcome)
            done += 1
            progress(done, total)
        if wait:
            pause(wait)
    counts = {}
    for status in recipients.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
