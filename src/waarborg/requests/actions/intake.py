"""Taking a request in (public form, staff entry or API), its deadline and its handler."""

import re
from datetime import timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import actor_label, record_entry
from waarborg.core.models import Organisation
from waarborg.requests import deadline
from waarborg.requests.actions.common import (
    VERIFY_SALT,
    RequestError,
    _check_handler,
    _clock_start,
    _due,
    _mail_person,
    local_date,
    settings_for,
)
from waarborg.requests.actions.files import _store_file
from waarborg.requests.actions.identity import _person_link
from waarborg.requests.models import (
    FileKind,
    Kind,
    SubjectRequest,
)


def _clean_phone(phone):
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, "NL")
    except phonenumbers.NumberParseException as error:
        raise RequestError(_("This is not a phone number: %s") % phone) from error
    if not phonenumbers.is_possible_number(number):
        raise RequestError(_("This is not a phone number: %s") % phone)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _next_reference(organisation, year):
    prefix = f"{year}-"
    count = SubjectRequest.objects.filter(
        organisation=organisation, reference__startswith=prefix
    ).count()
    return f"{prefix}{count + 1:04d}"


def create_request(
    organisation,
    *,
    actor,
    kind,
    channel,
    name,
    email="",
    language="",
    phone="",
    customer_number="",
    description="",
    direct_marketing=False,
    received_at=None,
    original=None,
    subject_groups=(),
    postal_address="",
    company_name="",
    kvk_number="",
    company_address="",
    restriction_ground="",
    activities=(),
    transmit_to="",
    transmit_email="",
):
    """Take in a request (Art. 12 GDPR), give it a reference and its due date, and send the
    acknowledgement with a verification link to the given address.

    Nothing is looked up about the person here: a known and an unknown address get the same
    answer and the same e-mail."""
    if kind not in Kind.values:
        raise RequestError(_("Choose the kind of request."))
    name = (name or "").strip()
    if not name:
        raise RequestError(_("A name is needed."))
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise RequestError(_("This is not an e-mail address: %s") % email) from error
    elif channel in ("web", "api"):
        raise RequestError(_("An e-mail address is needed."))
    transmit_email = (transmit_email or "").strip().lower()
    if transmit_email:
        try:
            validate_email(transmit_email)
        except ValidationError as error:
            raise RequestError(_("This is not an e-mail address: %s") % transmit_email) from error
    if kind == Kind.PORTABILITY and bool(transmit_email) != bool((transmit_to or "").strip()):
        raise RequestError(
            _("For direct transmission, give the controller's name and its e-mail address.")
        )
    postal_address = (postal_address or "").strip()
    if (
        channel == "letter"
        and not email
        and not postal_address
        and not (company_address or "").strip()
    ):
        raise RequestError(
            _("Without an e-mail address, the postal address is needed: the letters go by post.")
        )
    kvk_number = re.sub(r"[\s.\-]", "", kvk_number or "")
    if kvk_number and not re.fullmatch(r"\d{8}", kvk_number):
        raise RequestError(_("A KvK number has exactly 8 digits."))
    if (kvk_number or (company_address or "").strip()) and not (company_name or "").strip():
        raise RequestError(_("Give the company's name as well."))
    language = language if language in ("nl", "en") else organisation.default_language
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + timedelta(minutes=5):
        raise RequestError(_("A request cannot be received in the future."))
    request_settings = settings_for(organisation)
    for attempt in range(5):
        try:
            with transaction.atomic():
                Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
                subject_request = SubjectRequest(
                    organisation=organisation,
                    reference=_next_reference(organisation, local_date(organisation, now).year),
                    kind=kind,
                    channel=channel,
                    language=language,
                    name=name[:200],
                    email=email,
                    phone=_clean_phone(phone),
                    customer_number=(customer_number or "").strip()[:80],
                    postal_address=postal_address,
                    company_name=(company_name or "").strip()[:200],
                    kvk_number=(kvk_number or "").strip()[:20],
                    company_address=(company_address or "").strip(),
                    restriction_ground=restriction_ground if kind == Kind.RESTRICTION else "",
                    transmit_to=(transmit_to or "").strip()[:200]
                    if kind == Kind.PORTABILITY
                    else "",
                    transmit_email=transmit_email if kind == Kind.PORTABILITY else "",
                    description=(description or "").strip(),
                    # recognised too when every activity objected to is direct marketing
                    direct_marketing=kind == Kind.OBJECTION
                    and (
                        bool(direct_marketing)
                        or bool(activities)
                        and all(getattr(a, "direct_marketing", False) for a in activities)
                    ),
                    received_at=received_at,
                )
                subject_request.due_on = _due(subject_request, request_settings)
                subject_request.save()
                if subject_groups:
                    subject_request.subject_groups.set(subject_groups)
                if activities and kind == Kind.OBJECTION:
                    subject_request.activities.set(activities)
                if original is not None:
                    _store_file(
                        subject_request, FileKind.ORIGINAL, original, actor_text=actor_label(actor)
                    )
                record_entry(
                    organisation,
                    actor=actor,
                    action="request.create",
                    obj=subject_request,
                    new={
                        "kind": kind,
                        "channel": channel,
                        "received_at": received_at,
                        "due_on": subject_request.due_on,
                    },
                )
                _send_acknowledgement(subject_request, request_settings)
            return subject_request
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def email_verified(subject_request):
    return "email" in (subject_request.verified_identifiers or [])


def _send_acknowledgement(subject_request, request_settings):
    link, valid_until = "", None
    if subject_request.email and not email_verified(subject_request):
        link, valid_until = _person_link(
            subject_request, VERIFY_SALT, "center:request_verify", request_settings
        )
    _mail_person(
        subject_request,
        "acknowledgement",
        link=link,
        link_valid_until=valid_until,
        pause=request_settings.pause_for_identity and not subject_request.is_verified,
    )


def resend_verification(subject_request, *, actor):
    if not subject_request.email or email_verified(subject_request):
        raise RequestError(_("This request needs no verification link."))
    with transaction.atomic():
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.resend_verification",
            obj=subject_request,
        )
        _send_acknowledgement(subject_request, settings_for(subject_request.organisation))


def extend_deadline(subject_request, *, actor, reason):
    """Art. 12(3) GDPR: two further months, with reasons, told within the first month."""
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("An extension needs a reason; the person is told it."))
    today = local_date(subject_request.organisation, timezone.now())
    if not subject_request.can_extend(today):
        raise RequestError(
            _("The deadline can be extended only once, and only within the first month.")
        )
    request_settings = settings_for(subject_request.organisation)
    start = _clock_start(subject_request, request_settings)
    with transaction.atomic():
        subject_request.extended_to = deadline.extended_due_date(start)
        subject_request.extension_reason = reason
        subject_request.save(update_fields=["extended_to", "extension_reason"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.extend",
            obj=subject_request,
            old={"due_on": subject_request.due_on},
            new={"extended_to": subject_request.extended_to, "reason": reason},
        )
        _mail_person(subject_request, "extension", reason=reason)
    return subject_request


def assign_request(subject_request, *, actor, assignee):
    _check_handler(subject_request.organisation, assignee)
    with transaction.atomic():
        old = actor_label(subject_request.assignee) if subject_request.assignee else None
        subject_request.assignee = assignee
        subject_request.save(update_fields=["assignee"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.assign",
            obj=subject_request,
            old={"assignee": old},
            new={"assignee": actor_label(assignee) if assignee else None},
        )
