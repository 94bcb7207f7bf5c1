"""What every step of a request shares: its settings, dates, letters to the person, rate limits
and the errors the steps raise."""

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.core.limits import allow  # noqa: F401 (importable from requests.actions)
from waarborg.core.models import Membership, Role
from waarborg.requests import deadline, letters
from waarborg.requests.models import Kind, RequestSettings

VERIFY_SALT = "waarborg.requests.verify"
ID_SALT = "waarborg.requests.id-copy"
DOWNLOAD_SALT = "waarborg.requests.download"
# Kinds whose answer changes data; recipients are told of it (Art. 19 GDPR).
CHANGING = (Kind.RECTIFICATION, Kind.ERASURE, Kind.RESTRICTION)
AUTOMATIC = (Kind.ACCESS, Kind.PORTABILITY, Kind.ERASURE, Kind.RECTIFICATION, Kind.RESTRICTION)
PORTABLE_BASES = ("consent", "contract")
# Roles that may handle requests and their tasks.
WORKING_ROLES = (Role.HANDLER, Role.PRIVACY_OFFICER, Role.OWNER)


class RequestError(Exception):
    """A request cannot be changed this way; the message says why, in the active language."""


def settings_for(organisation):
    found = RequestSettings.objects.filter(organisation=organisation).first()
    return found or RequestSettings(organisation=organisation)


def local_date(organisation, moment):
    return moment.astimezone(ZoneInfo(organisation.time_zone)).date()


def _clock_start(subject_request, request_settings):
    if request_settings.pause_for_identity:
        if subject_request.verified_at is None:
            return None
        return local_date(subject_request.organisation, subject_request.verified_at)
    return local_date(subject_request.organisation, subject_request.received_at)


def _due(subject_request, request_settings):
    start = _clock_start(subject_request, request_settings)
    return deadline.due_date(start) if start else None


def contact_line(organisation):
    return organisation.privacy_email or organisation.website or ""


def _kind_label(kind, language):
    with translation.override(language):
        return str(Kind(kind).label)


def _context(subject_request, **extra):
    organisation = subject_request.organisation
    return {
        "reference": subject_request.reference,
        "name": subject_request.name,
        "email": subject_request.email,
        "phone": subject_request.phone,
        "description": subject_request.description,
        "kind": _kind_label(subject_request.kind, subject_request.language),
        "received": local_date(organisation, subject_request.received_at),
        "due": subject_request.deadline,
        "contact": contact_line(organisation),
        "authority": organisation.supervisory_authority,
        **extra,
    }


def _mail_person(subject_request, key, **extra):
    """Write a letter to the person, kept as written: sent by e-mail after the commit when the
    request has an address, otherwise kept for printing and posting (see letters_pdf)."""
    from waarborg.requests.models import LetterChannel, RequestLetter

    organisation = subject_request.organisation
    subject, body = letters.render(
        organisation, key, subject_request.language, _context(subject_request, **extra)
    )
    by_mail = bool(subject_request.email)
    letter = RequestLetter.objects.create(
        organisation=organisation,
        request=subject_request,
        key=key,
        channel=LetterChannel.EMAIL if by_mail else LetterChannel.POST,
        subject=subject[:300],
        body=body,
        sent_on=local_date(organisation, timezone.now()) if by_mail else None,
        sent_by="e-mail" if by_mail else "",
    )
    if by_mail:
        address = subject_request.email
        transaction.on_commit(lambda: letters.deliver(organisation, subject, body, to=address))
    return letter


def letter_text(subject_request, key, **extra):
    """A letter as text, for printing when the person has no e-mail address."""
    return letters.render(
        subject_request.organisation,
        key,
        subject_request.language,
        _context(subject_request, **extra),
    )


def _check_handler(organisation, user):
    if (
        user is not None
        and not Membership.objects.filter(
            organisation=organisation, user=user, role__in=WORKING_ROLES
        ).exists()
    ):
        raise RequestError(_("Only a handler, privacy officer or owner can handle requests."))


def _party_language(party):
    """Letters to a party go in its language (`Party.notice_language`), English without one."""
    return party.notice_language() if party is not None else "en"


def _email_in(text):
    for word in (text or "").replace(",", " ").replace(";", " ").split():
        word = word.strip("<>()")
        if "@" in word:
            try:
                validate_email(word)
            except ValidationError:
                continue
            return word
    return ""


def lasting_result(task):
    """The parts of a task's result that outlive a new result: the handler's notes and the
    evidence of messages deleted for an erasure (and of a deletion under way)."""
    result = task.result if isinstance(task.result, dict) else {}
    keys = ("notes", "deleted_messages", "deleting_messages")
    return {key: result[key] for key in keys if key in result}
