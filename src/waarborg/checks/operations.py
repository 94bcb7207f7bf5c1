"""The organisation's operational data as the rules read it: one query per kind, read-only.

Requests, the consent purposes, retention review tasks and the last sweep, and the published
statement. Retention rules read the stored evidence of the last run and the review tasks,
never a system's own database; statement rules read the published version's snapshot.
"""

from functools import cached_property

from django.urls import NoReverseMatch, reverse

from waarborg.audit.models import AuditEntry
from waarborg.consent.models import ConsentPurpose
from waarborg.core.access import scoped
from waarborg.core.fields import translated
from waarborg.notices.models import NoticeVersion
from waarborg.requests.models import OPEN_STATUSES, Outcome, SubjectRequest
from waarborg.retention.models import RetentionRun, ReviewTask

REQUEST_FIELDS = (
    "pk",
    "reference",
    "kind",
    "status",
    "email",
    "received_at",
    "due_on",
    "extended_to",
    "extension_reason",
    "id_requested_at",
    "verification",
    "outcome",
    "refusal_ground",
    "answer_note",
    "answered_at",
    "assignee_id",
)


class Operations:
    def __init__(self, organisation, today):
        self.organisation = organisation
        self.today = today

    @cached_property
    def requests(self):
        """Open requests, and those answered in the last 90 days (for the answer's rules)."""
        from datetime import timedelta

        from django.db.models import Q

        recent = self.today - timedelta(days=90)
        rows = scoped(SubjectRequest, self.organisation).filter(
            Q(status__in=OPEN_STATUSES)
            | Q(outcome=Outcome.REFUSED, answered_at__date__gte=recent)
            | Q(extended_to__isnull=False, status__in=OPEN_STATUSES)
        )
        return list(rows.values(*REQUEST_FIELDS))

    @cached_property
    def extensions(self):
        """{request pk: the date the extension was recorded} (from the audit trail)."""
        rows = scoped(AuditEntry, self.organisation).filter(action="request.extend")
        return {
            int(object_id): created_at.date()
            for object_id, created_at in rows.values_list("object_id", "created_at")
            if object_id.isdigit()
        }

    @cached_property
    def consent_purposes(self):
        rows = scoped(ConsentPurpose, self.organisation).filter(active=True)
        return list(
            rows.values("key", "name", "channel", "mechanism", "direct_marketing", "activity__key")
        )

    @cached_property
    def overdue_reviews(self):
        rows = scoped(ReviewTask, self.organisation).filter(
            done_at__isnull=True, due_on__lt=self.today
        )
        return list(rows.values("pk", "due_on", "system__key", "system__name", "rule__key"))

    @cached_property
    def last_run(self):
        return (
            scoped(RetentionRun, self.organisation)
            .filter(status__in=(RetentionRun.Status.DONE, RetentionRun.Status.FAILED))
            .order_by("-created_at", "-pk")
            .only("pk", "status", "items", "created_at", "finished_at")
            .first()
        )

    @cached_property
    def dpias(self):
        """The DPIAs as the rules read them: status, dates, residual risk, activity versions."""
        from waarborg.dpia.models import Assessment

        rows = scoped(Assessment, self.organisation).prefetch_related("activities", "risks")
        return [
            {
                "pk": row.pk,
                "title": row.title,
                "status": row.status,
                "version": row.version,
                "signed_on": row.signed_on,
                "review_on": row.review_on,
                "decision": row.decision,
                "residual_high": row.residual_high(),
                "signed_versions": row.activity_versions,
                "activities": {a.key: a.version for a in row.activities.all()},
            }
            for row in rows
        ]

    @cached_property
    def published(self):
        """The newest published version (one language: all share a snapshot), or None."""
        return (
            scoped(NoticeVersion, self.organisation)
            .order_by("-number")
            .only("pk", "number", "published_at", "snapshot")
            .first()
        )

    @cached_property
    def cookie_scans(self):
        """The facts of the newest finished scan of each website (see cookies/report.py)."""
        from waarborg.cookies.actions import latest_scans
        from waarborg.cookies.report import scan_facts

        return scan_facts(latest_scans(self.organisation))

    @cached_property
    def banner_categories(self):
        from waarborg.cookies.actions import banner_categories

        return banner_categories(self.organisation)

    @cached_property
    def now(self):
        from django.utils import timezone

        return timezone.now()

    @cached_property
    def breaches(self):
        """Every breach with what the breach rules read (see checks/rules/breaches.py)."""
        from django.db.models import Min

        from waarborg.breaches.models import Breach

        rows = scoped(Breach, self.organisation).annotate(
            notified_at=Min("notifications__submitted_at")
        )
        return [
            {
                "pk": breach.pk,
                "reference": breach.reference,
                "deadline": breach.deadline,
                "notified_at": breach.notified_at,
                "risk_decision": breach.risk_decision,
                "high_risk_decision": breach.high_risk_decision,
                "delay_reason": breach.delay_reason,
                "communication": breach.communication,
                # In either language: the record has the facts if it has them at all.
                "description": translated(breach.description),
                "consequences": translated(breach.consequences),
                "measures_taken": translated(breach.measures_taken),
                "measures_planned": translated(breach.measures_planned),
            }
            for breach in rows
        ]

    def url(self, kind, key):
        """The page where an operational object is fixed; None for register objects."""
        names = {
            "breaches": ("breaches:detail", {"pk": key}),
            "requests": ("requests:detail", {"pk": key}),
            "consent": ("consent:purpose_edit", {"key": key}),
            "retention": ("retention:overview", {}),
            "statement": ("notices:overview", {}),
            "cookies": ("cookies:scan", {"pk": key}),
            "dpia": ("dpia:detail", {"pk": key}),
        }
        if kind not in names:
            return None
        name, kwargs = names[kind]
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            return ""
