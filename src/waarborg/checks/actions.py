"""The state changes of the checks: dismissing a finding, the nightly run and its digest."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.audit.actions import record_entry
from waarborg.checks import emails, engine
from waarborg.checks.findings import findings_for
from waarborg.checks.models import CheckRun, Dismissal
from waarborg.core.access import scoped
from waarborg.core.models import Membership, Role


class CheckError(Exception):
    pass


@transaction.atomic
def dismiss_finding(organisation, finding, *, actor, reason):
    """Record that `finding` does not apply, with the reason; it returns when its object
    changes (the dismissal holds the object's fingerprint). Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise CheckError(_("Give the reason why this finding does not apply."))
    dismissal, _created = Dismissal.objects.update_or_create(
        organisation=organisation,
        finding=finding.id,
        defaults={
            "rule": finding.rule.id,
            "fingerprint": finding.fingerprint,
            "reason": reason,
            "dismissed_by": actor,
            "dismissed_at": timezone.now(),
        },
    )
    record_entry(
        organisation,
        actor=actor,
        action="checks.finding.dismissed",
        obj=dismissal,
        new={"finding": finding.id, "object": finding.location, "reason": reason},
    )
    return dismissal


@transaction.atomic
def restore_finding(dismissal, *, actor):
    """Undo a dismissal: the finding is open again. Audited."""
    record_entry(
        dismissal.organisation,
        actor=actor,
        action="checks.finding.restored",
        obj=dismissal,
        old={"finding": dismissal.finding, "reason": dismissal.reason},
    )
    dismissal.delete()


def record_check_run(organisation, today=None):
    """Check the organisation and store today's counts; returns (run, new open errors).

    New errors are those not open in the previous run. Running twice a day replaces the day's
    counts and reports nothing new the second time.
    """
    today = today or timezone.localdate()
    findings = findings_for(organisation, today=today)
    errors = [f for f in findings if f.severity == engine.ERROR and f.dismissal is None]
    runs = scoped(CheckRun, organisation)
    previous = runs.filter(run_on__lt=today).order_by("-run_on").first()
    earlier_today = runs.filter(run_on=today).first()
    known = set(previous.errors if previous else []) | set(
        earlier_today.errors if earlier_today else []
    )
    run, _created = CheckRun.objects.update_or_create(
        organisation=organisation,
        run_on=today,
        defaults={"counts": engine.counts(findings), "errors": sorted(f.id for f in errors)},
    )
    return run, [f for f in errors if f.id not in known]


def send_digest(organisation, new_errors):
    """E-mail the new errors to the organisation's privacy officers (and owners)."""
    if not new_errors:
        return []
    members = scoped(Membership, organisation).select_related("user")
    recipients = sorted(
        m.user.email for m in members if m.has_role(Role.PRIVACY_OFFICER) and m.user.is_active
    )
    sent = []
    for address in recipients:
        sent.append(emails.send_digest(organisation, address, new_errors))
    return sent


def nightly_checks(today=None):
    """Check every organisation, store the counts and send each its digest of new errors."""
    from waarborg.core.models import Organisation

    for organisation in Organisation.objects.order_by("pk"):
        _run, new_errors = record_check_run(organisation, today)
        send_digest(organisation, new_errors)
