"""The secret address of a member's deadline calendar: made, renewed and revoked, audited."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.core import links
from waarborg.requests.actions.common import RequestError, _check_handler
from waarborg.requests.models import CalendarFeed


def make_calendar_link(organisation, *, actor):
    """A new address of `actor`'s deadline calendar in `organisation`; return its token, shown
    once. An earlier address stops working: its row is replaced. The events come in the
    language the member works in now."""
    if actor is None:
        raise RequestError(_("Only a handler, privacy officer or owner can handle requests."))
    _check_handler(organisation, actor)
    language = (translation.get_language() or "nl")[:2]
    with transaction.atomic():
        renewed, _rows = CalendarFeed.objects.filter(organisation=organisation, user=actor).delete()
        token, _feed = links.mint(
            CalendarFeed, organisation=organisation, user=actor, language=language
        )
        record_entry(
            organisation,
            actor=actor,
            action="request.calendar_link",
            new={"renewed": bool(renewed), "language": language},
        )
    return token


def revoke_calendar_link(organisation, *, actor):
    """Stop `actor`'s calendar address in `organisation`; False when there was none."""
    with transaction.atomic():
        deleted, _rows = CalendarFeed.objects.filter(organisation=organisation, user=actor).delete()
        if deleted:
            record_entry(organisation, actor=actor, action="request.calendar_revoke")
    return bool(deleted)


def calendar_feed(token):
    """The feed whose address this is, or None (unknown, revoked, forged)."""
    return links.find(CalendarFeed, token)
