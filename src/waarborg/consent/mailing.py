"""Newsletters as firms run them: a sign-up's name and postal address (kept with the consent,
in its proof), webhooks through which a mailing service's unsubscribes and complaints become
withdrawals (Art. 7(3) GDPR: withdrawing is as easy as giving, wherever the person does it),
and the may-contact list in the CSV the services import.

Mailchimp posts form fields (`type`, `fired_at`, `data[email]`, `data[list_id]`,
`data[action]`, `data[reason]`); Laposta posts JSON (`{"data": [{"type": "member", "event":
"deactivated", "data": {"email", "list_id", ...}, "info": {"action": "unsubscribed", ...}}]}`).
Neither signs its requests: both are given an address with a secret in it, as they advise.
"""

import csv
import hashlib
import io
import json
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.consent.actions import (
    ConsentError,
    check_contacts,
    person_key,
    record_event,
)
from waarborg.consent.models import (
    Action,
    Asked,
    ConsentEvent,
    ConsentState,
    KeyKind,
    MailingHook,
    Source,
)

# Contact details a sign-up may ask for ---------------------------------------------------

NAME_FIELDS = ("first_name", "last_name")
ADDRESS_FIELDS = ("street", "postcode", "city", "country")
MAX_LENGTH = 200
# A spreadsheet would run a cell that starts so; a name or address never needs to.
FORMULA_START = ("=", "+", "-", "@")


def field_labels():
    return {
        "first_name": _("First name"),
        "last_name": _("Last name"),
        "street": _("Street and number"),
        "postcode": _("Postcode"),
        "city": _("Town or city"),
        "country": _("Country"),
    }


def asked_fields(purpose):
    """(field, required) for each contact field the purpose's sign-up asks for."""
    fields = []
    for setting, names in (
        (purpose.asks_name, NAME_FIELDS),
        (purpose.asks_address, ADDRESS_FIELDS),
    ):
        if setting == Asked.NO:
            continue
        for name in names:
            # the country defaults to the Netherlands and the first name may be left out
            required = setting == Asked.REQUIRED and name not in ("first_name", "country")
            fields.append((name, required))
    return fields


def clean_contact(purpose, values):
    """The contact details the purpose asks for, stripped; ConsentError naming what is wrong.
    Fields the purpose does not ask for are not kept (data minimisation, Art. 5(1)(c))."""
    labels = field_labels()
    contact, problems = {}, []
    for name, required in asked_fields(purpose):
        value = values.get(name)
        value = value.strip() if isinstance(value, str) else ""
        if name == "country" and purpose.asks_address != Asked.NO:
            value = (value or "NL").upper()
        if not value:
            if required:
                problems.append(_("%(field)s is needed.") % {"field": labels[name]})
            continue
        if len(value) > MAX_LENGTH or value.startswith(FORMULA_START):
            problems.append(_("%(field)s is not valid.") % {"field": labels[name]})
            continue
        if name == "country" and not (len(value) == 2 and value.isalpha()):
            problems.append(_("Country: give the two-letter code, such as NL or BE."))
            continue
        contact[name] = value
    if problems:
        raise ConsentError(" ".join(problems))
    return contact


def contact_text(contact):
    """A person's name and address as one line, for the proof."""
    contact = contact or {}
    name = " ".join(contact[n] for n in NAME_FIELDS if contact.get(n))
    place = " ".join(contact[n] for n in ("postcode", "city") if contact.get(n))
    address = ", ".join(p for p in (contact.get("street"), place, contact.get("country")) if p)
    return name, address


# Webhooks -------------------------------------------------------------------------------


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_hook(purpose, *, actor, service, list_id=""):
    """A webhook for a mailing service; returns (hook, token). The token is shown once."""
    if service not in MailingHook.Service.values:
        raise ConsentError(_("Unknown mailing service: %s") % service)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        hook = MailingHook.objects.create(
            organisation=purpose.organisation,
            purpose=purpose,
            service=service,
            list_id=list_id.strip(),
            token_hash=_hash(token),
        )
        record_entry(
            purpose.organisation,
            actor=actor,
            action="consent.hook_add",
            obj=hook,
            new={"purpose": purpose.key, "service": service, "list_id": hook.list_id},
        )
    return hook, token


def revoke_hook(hook, *, actor):
    with transaction.atomic():
        hook.revoked_at = timezone.now()
        hook.save(update_fields=["revoked_at"])
        record_entry(hook.organisation, actor=actor, action="consent.hook_revoke", obj=hook)


def find_hook(token):
    """The active hook of a token, or None."""
    if not token or len(token) > 100:
        return None
    return (
        MailingHook.objects.select_related("purpose", "organisation")
        .filter(token_hash=_hash(token), revoked_at__isnull=True)
        .first()
    )


class PayloadError(ValueError):
    """A webhook body that is not the service's documented payload."""


def mailchimp_withdrawals(form):
    """(address, list id, what happened) of a Mailchimp webhook post that is a withdrawal:
    an unsubscribe by the person (`action` unsub, `reason` manual or abuse: a complaint) or
    an address cleaned after a complaint (`reason` abuse). Bounces and deletions by staff
    there are no withdrawal by the person, and give nothing."""
    kind = form.get("type")
    if not kind:
        raise PayloadError("type is missing")
    email = form.get("data[email]", "")
    reason = form.get("data[reason]", "")
    if kind == "unsubscribe" and form.get("data[action]", "unsub") == "unsub":
        what = "complaint" if reason == "abuse" else "unsubscribe"
    elif kind == "cleaned" and reason == "abuse":
        what = "complaint"
    else:
        return []
    if not email:
        raise PayloadError("data[email] is missing")
    return [(email, form.get("data[list_id]", ""), what, form.get("fired_at", ""))]


def laposta_withdrawals(body):
    """The same for a Laposta webhook post: each `deactivated` member event whose
    `info.action` is `unsubscribed` (not `deleted` by staff, not a `hardbounce`)."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise PayloadError("not JSON") from error
    events = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(events, list):
        raise PayloadError("data must be a list of events")
    found = []
    for event in events:
        if not isinstance(event, dict):
            raise PayloadError("each event must be an object")
        member = event.get("data") if isinstance(event.get("data"), dict) else {}
        info = event.get("info") if isinstance(event.get("info"), dict) else {}
        if event.get("type") != "member" or event.get("event") != "deactivated":
            continue
        if info.get("action") != "unsubscribed":
            continue
        email = member.get("email")
        if not isinstance(email, str) or not email:
            raise PayloadError("data.email is missing")
        found.append(
            (email, str(member.get("list_id", "")), "unsubscribe", str(info.get("date_event", "")))
        )
    return found


def receive(hook, withdrawals):
    """Record the withdrawals a service reported; return how many were new. A person already
    withdrawn or objected is left as is (services send again; nothing is recorded twice);
    another list's events are ignored when the hook names its list."""
    recorded = 0
    with transaction.atomic():
        for email, list_id, what, fired_at in withdrawals:
            if hook.list_id and list_id != hook.list_id:
                continue
            try:
                key, _kind = person_key(email, KeyKind.EMAIL)
            except ConsentError:
                continue
            state = ConsentState.objects.filter(purpose=hook.purpose, person_key=key).first()
            if state and state.status in (
                ConsentState.Status.WITHDRAWN,
                ConsentState.Status.OBJECTED,
            ):
                continue
            record_event(
                hook.purpose,
                key,
                Action.WITHDRAWN,
                source=Source.MAILING_SERVICE,
                kind=KeyKind.EMAIL,
                details={
                    "service": hook.service,
                    "reported": what,
                    "list_id": list_id,
                    "fired_at": fired_at[:40],
                },
            )
            recorded += 1
        MailingHook.objects.filter(pk=hook.pk).update(last_used_at=timezone.now())
    return recorded


# The may-contact list for a mailing service ----------------------------------------------

BATCH = 2000
COLUMNS = {
    # Mailchimp's import: a column per field, the address in one cell, its parts separated
    # by two spaces and ending with the country code.
    "mailchimp": ["Email Address", "First Name", "Last Name", "Address"],
    # Laposta's import: columns matched to the list's fields by name.
    "laposta": ["E-mailadres", "Voornaam", "Achternaam", "Adres", "Postcode", "Plaats", "Land"],
}


def _contacts(purpose, keys):
    """The contact details each person gave last for this purpose (from their sign-up)."""
    found = {}
    events = (
        ConsentEvent.objects.filter(
            purpose=purpose, person_key__in=keys, details__has_key="contact"
        )
        .order_by("id")
        .values_list("person_key", "details")
    )
    for key, details in events:
        found[key] = details.get("contact") or {}
    return found


def may_contact_rows(purpose, service):
    """Rows (lists) of everyone who may be e-mailed for the purpose now, in the service's
    columns: the same answer as the may-contact check, in batches."""
    keys = list(
        ConsentState.objects.filter(purpose=purpose, key_kind=KeyKind.EMAIL)
        .order_by("person_key")
        .values_list("person_key", flat=True)
    )
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        answers = [a for a in check_contacts(purpose, batch) if a.may_contact]
        contacts = _contacts(purpose, [a.key for a in answers])
        for answer in answers:
            yield _row(service, answer.key, contacts.get(answer.key, {}))


def _row(service, key, contact):
    get = contact.get
    if service == "mailchimp":
        place = [get("street"), get("city"), get("postcode"), get("country")]
        address = "  ".join(part for part in place if part) if get("street") else ""
        return [key, get("first_name", ""), get("last_name", ""), address]
    return [
        key,
        get("first_name", ""),
        get("last_name", ""),
        get("street", ""),
        get("postcode", ""),
        get("city", ""),
        get("country", ""),
    ]


def may_contact_csv(purpose, service):
    """The list as the service imports it: UTF-8, commas, a header row. Not the Dutch-Excel
    form of staff exports: the file is for the service, and its cells are as given (contact
    details that a spreadsheet would run are refused at sign-up)."""
    if service not in COLUMNS:
        raise ConsentError(_("Unknown mailing service: %s") % service)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS[service])
    writer.writerows(may_contact_rows(purpose, service))
    return buffer.getvalue()
