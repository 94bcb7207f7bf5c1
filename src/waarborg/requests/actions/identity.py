"""Establishing the person's identity: the link to the given address, a staff decision with a
reason, or an ID copy checked and deleted."""

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.core import links
from waarborg.core.crypto import keyed_hash
from waarborg.core.emails import absolute_url
from waarborg.requests.actions.common import (
    ID_SALT,
    VERIFY_SALT,
    RequestError,
    _due,
    _mail_person,
    settings_for,
)
from waarborg.requests.actions.files import _store_file
from waarborg.requests.actions.identifiers import check_claimed_at_verification, verified_for
from waarborg.requests.actions.rights import restrict_pending_objection
from waarborg.requests.actions.tasks import _run_ledger_task, create_tasks
from waarborg.requests.models import (
    DOCUMENT_PURPOSES,
    IDENTITY_DOCUMENTS,
    FileKind,
    RequestFile,
    RequestLink,
    Status,
    SubjectRequest,
    TaskKind,
    Verification,
)


def _address_tag(subject_request):
    # Changing the address on the request voids links sent to the old one.
    return keyed_hash(subject_request.email, "request-address")[:12]


_KIND_OF = {VERIFY_SALT: RequestLink.Kind.VERIFY, ID_SALT: RequestLink.Kind.ID_UPLOAD}


def _person_link(subject_request, salt, url_name, request_settings):
    """(link, last valid day) of a link for the person, verification or ID upload: an opaque
    id (core/links.py) that works for the organisation's verification period."""
    age = timedelta(days=request_settings.verification_days)
    token, _row = links.mint(
        RequestLink,
        age=age,
        organisation=subject_request.organisation,
        request=subject_request,
        kind=_KIND_OF[salt],
        address_tag=_address_tag(subject_request),
    )
    path = reverse(url_name, args=[subject_request.organisation.slug, token])
    valid_until = timezone.localdate() + age
    return absolute_url(path), valid_until


def _read(token, salt, days):
    try:
        return signing.loads(token, salt=salt, max_age=timedelta(days=days))
    except signing.BadSignature:
        return None


def _from_signed(organisation, token, salt):
    """A link signed before links were opaque: read while it is valid, never made again."""
    data = _read(token, salt, settings_for(organisation).verification_days)
    if not data:
        return None
    found = SubjectRequest.objects.filter(organisation=organisation, pk=data.get("r")).first()
    if found is None or data.get("a") != _address_tag(found):
        return None
    return found


def link_for(organisation, token, salt):
    """The RequestLink of an opaque verification or ID-upload link, or None."""
    link = links.find(RequestLink, token, organisation=organisation, kind=_KIND_OF[salt])
    if link is None or link.address_tag != _address_tag(link.request):
        return None
    return link


def request_from_token(organisation, token, salt):
    """The request a verification or ID-upload link is for, or None if the link is invalid,
    expired, for another organisation or for an address no longer on the request."""
    if links.is_signed(token):
        found = _from_signed(organisation, token, salt)
    else:
        link = link_for(organisation, token, salt)
        found = link.request if link else None
    if found is None or found.purged_at:
        return None
    return found


def spend_link(organisation, token):
    """Mark a verification link used (it verified); a used one verifies nothing again."""
    if not links.is_signed(token):
        RequestLink.objects.filter(
            organisation=organisation, token_hash=links.token_hash(token), used_at__isnull=True
        ).update(used_at=timezone.now())


def link_spent(organisation, token):
    return (
        not links.is_signed(token)
        and RequestLink.objects.filter(
            organisation=organisation,
            token_hash=links.token_hash(token),
            used_at__isnull=False,
        ).exists()
    )


def verify_request(subject_request, *, actor, method, note="", identifiers=None):
    """Record that the person's identity is established and create the tasks.

    Art. 12(2) and (6) GDPR: the link to the given address is the usual way; staff may decide
    otherwise with a reason (a known customer on the phone), naming the identifiers they
    checked. Only those become verified; the others stay claimed (see identifiers.py).
    Verifying twice changes nothing, except that a link clicked on a request verified another
    way verifies its address too."""
    if method == Verification.STAFF and not note.strip():
        raise RequestError(_("Say how the identity was established."))
    given = subject_request
    with transaction.atomic():
        subject_request = SubjectRequest.objects.select_for_update().get(pk=given.pk)
        if not subject_request.is_open:
            return given
        if subject_request.is_verified:
            proved = set(verified_for(subject_request, method, identifiers))
            added = sorted(proved - set(subject_request.verified_identifiers))
            if method == Verification.EMAIL_LINK and added:
                subject_request.verified_identifiers = sorted(
                    {*subject_request.verified_identifiers, *added}
                )
                subject_request.save(update_fields=["verified_identifiers"])
                record_entry(
                    subject_request.organisation,
                    actor=actor,
                    action="request.address_verified",
                    obj=subject_request,
                    new={"identifiers": added, "note": note.strip()[:500]},
                )
            given.refresh_from_db()
            return given
        request_settings = settings_for(subject_request.organisation)
        subject_request.verified_at = timezone.now()
        subject_request.verification = method
        subject_request.verification_note = note.strip()[:500]
        subject_request.verified_identifiers = verified_for(subject_request, method, identifiers)
        subject_request.status = Status.IN_PROGRESS
        subject_request.due_on = _due(subject_request, request_settings)
        subject_request.save()
        tasks = create_tasks(subject_request)
        check_claimed_at_verification(subject_request, tasks, actor=actor)
        if request_settings.restrict_on_objection:
            restrict_pending_objection(subject_request, tasks, actor=actor)
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.verify",
            obj=subject_request,
            new={
                "method": method,
                "note": subject_request.verification_note,
                "identifiers": subject_request.verified_identifiers,
                "due_on": subject_request.due_on,
                "tasks": len(tasks),
            },
        )
        for task in tasks:
            if task.kind == TaskKind.LEDGER:
                _run_ledger_task(task, actor)
    given.refresh_from_db()
    return given


def request_id_copy(subject_request, *, actor, note=""):
    """Ask for a copy of an identity document, explicitly and only when nothing else works."""
    if subject_request.is_verified or not subject_request.email:
        raise RequestError(
            _("An ID copy can only be asked of an unverified request with an e-mail address.")
        )
    request_settings = settings_for(subject_request.organisation)
    with transaction.atomic():
        subject_request.id_requested_at = timezone.now()
        subject_request.save(update_fields=["id_requested_at"])
        record_entry(
            subject_request.organisation, actor=actor, action="request.ask_id", obj=subject_request
        )
        link, valid_until = _person_link(
            subject_request, ID_SALT, "center:request_id_upload", request_settings
        )
        _mail_person(
            subject_request, "id_request", link=link, note=note, link_valid_until=valid_until
        )


def upload_id_copy(subject_request, upload, kind=FileKind.ID_COPY):
    """Keep a document the person sends to establish who asks (an ID copy, a KvK extract, a
    representative's mandate), encrypted, with its purpose, until staff have checked it."""
    if subject_request.id_requested_at is None or subject_request.is_verified:
        raise RequestError(_("No identity document was asked for this request."))
    if kind not in IDENTITY_DOCUMENTS:
        raise RequestError(_("Choose what the document is."))
    with transaction.atomic():
        RequestFile.objects.filter(request=subject_request, kind=kind).delete()
        stored = _store_file(subject_request, kind, upload, actor_text="data subject")
        with translation.override(subject_request.organisation.default_language):
            stored.purpose = str(DOCUMENT_PURPOSES[kind])[:200]
        stored.save(update_fields=["purpose"])
        record_entry(
            subject_request.organisation,
            actor=None,
            action="request.id_uploaded",
            obj=subject_request,
            new={"kind": kind},
        )
    return stored


def check_id_copy(subject_request, *, actor, accepted, note=""):
    """Decide on the documents sent (ID copy, KvK extract, mandate) and delete every one at
    once: the audit keeps the fact, not the files."""
    with transaction.atomic():
        documents = RequestFile.objects.filter(request=subject_request, kind__in=IDENTITY_DOCUMENTS)
        kinds = sorted(set(documents.values_list("kind", flat=True)))
        deleted, _rows = documents.delete()
        if not deleted:
            raise RequestError(_("There is no ID copy to check."))
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.id_checked",
            obj=subject_request,
            new={"accepted": bool(accepted), "note": note, "file_deleted": True, "kinds": kinds},
        )
        if accepted:
            return verify_request(
                subject_request, actor=actor, method=Verification.ID_DOCUMENT, note=note
            )
    return subject_request
