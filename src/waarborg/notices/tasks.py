"""Background work of the notices app (run by `waarborg worker`)."""

import time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from waarborg.audit.actions import record_entry
from waarborg.core.emails import absolute_url, send_templated
from waarborg.core.taxonomy import TermIndex
from waarborg.notices.diff import diff
from waarborg.notices.models import ChangeNotice, ChangeNoticeRecipient, NoticeVersion


@task()
def send_change_notice(notice_id):
    """Send the pending messages of a change notice, throttled, one recipient at a time.

    Each message is claimed before it is sent and marked after: a crash between the two
    leaves it `claimed`, and a retry marks it `uncertain` instead of sending it twice.
    """
    notice = ChangeNotice.objects.select_related("organisation").get(pk=notice_id)
    Recipient = ChangeNoticeRecipient  # noqa: N806
    notice.recipients.filter(status=Recipient.Status.CLAIMED).update(
        status=Recipient.Status.UNCERTAIN
    )
    ChangeNotice.objects.filter(pk=notice.pk).update(status=ChangeNotice.Status.SENDING)
    versions = {
        v.number: v
        for v in NoticeVersion.objects.filter(
            organisation=notice.organisation,
            language="nl",
            number__in=[notice.from_number, notice.to_number],
        )
    }
    index = TermIndex(notice.organisation)
    changes = {}
    pause = 60 / notice.per_minute if notice.per_minute else 0
    while True:
        with transaction.atomic():
            recipient = (
                notice.recipients.select_for_update()
                .filter(status=Recipient.Status.PENDING)
                .order_by("id")
                .first()
            )
            if recipient is None:
                break
            recipient.status = Recipient.Status.CLAIMED
            recipient.save(update_fields=["status"])
        if recipient.language not in changes:
            changes[recipient.language] = [
                change
                for change in diff(
                    versions[notice.from_number].snapshot,
                    versions[notice.to_number].snapshot,
                    index,
                    recipient.language,
                )
                if change.material
            ]
        try:
            _send(notice, recipient, changes[recipient.language])
        except Exception as error:  # any failure is recorded on the row, and sending goes on
            recipient.status, recipient.error = Recipient.Status.FAILED, str(error)[:300]
        else:
            recipient.status, recipient.sent_at = Recipient.Status.SENT, timezone.now()
        recipient.save(update_fields=["status", "error", "sent_at"])
        if pause:
            time.sleep(pause)
    with transaction.atomic():
        counts = notice.counts()
        ChangeNotice.objects.filter(pk=notice.pk).update(
            status=ChangeNotice.Status.DONE, finished_at=timezone.now()
        )
        record_entry(
            notice.organisation,
            actor=None,
            action="notices.change_notice.sent",
            obj=notice,
            new=counts,
        )


def _send(notice, recipient, changes):
    organisation = notice.organisation
    link = absolute_url(reverse("center:statement", args=[organisation.slug, recipient.language]))
    send_templated(
        "notices/emails/change",
        to=recipient.email,
        language=recipient.language,
        context={
            "organisation": organisation,
            "changes": changes,
            "link": link,
            "number": notice.to_number,
        },
    )
