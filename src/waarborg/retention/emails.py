"""E-mails of retention, to staff in the organisation's language."""

from django.urls import reverse

from waarborg.core.emails import absolute_url, send_templated
from waarborg.core.models import Membership, Role, language_of


def privacy_officers(organisation):
    """The addresses of the organisation's privacy officers (and owners, who can act too)."""
    members = Membership.objects.filter(
        organisation=organisation, role__in=[Role.PRIVACY_OFFICER, Role.OWNER]
    ).select_related("user")
    return sorted({member.user.email for member in members})


def send_skipped(run, skipped):
    """The nightly sweep left rules alone that would take a large share of their table: say
    which and why, with a link to confirm them. One message to each privacy officer."""
    from waarborg.retention.plan import settings_for

    context = {
        "organisation": run.organisation,
        "skipped": skipped,
        "share": settings_for(run.organisation).max_share,
        "link": absolute_url(reverse("retention:run_detail", args=[run.pk])),
        "overview": absolute_url(reverse("retention:overview")),
    }
    return [
        send_templated(
            "retention/email/skipped",
            to=address,
            language=language_of(address, run.organisation),
            context=context,
        )
        for address in privacy_officers(run.organisation)
    ]
