"""The answer per kind, a refusal, and closure with a minimal record."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.core.crypto import keyed_hash
from waarborg.core.fields import translated
from waarborg.requests import letters, statements
from waarborg.requests.actions.common import (
    RequestError,
    _context,
    _mail_person,
    local_date,
    settings_for,
)
from waarborg.requests.actions.files import (
    build_package,
    download_link,
    package_is_large,
    package_out_of_date,
)
from waarborg.requests.actions.identifiers import known_address, pending_decision
from waarborg.requests.actions.intake import email_verified
from waarborg.requests.actions.outcomes import unresolved_tasks
from waarborg.requests.actions.rights import check_refusal, stop_objected_processing, transmit
from waarborg.requests.actions.tasks import concerned_activities, open_tasks
from waarborg.requests.document_holds import hold_text
from waarborg.requests.models import (
    IDENTITY_DOCUMENTS,
    FileKind,
    Kind,
    LetterChannel,
    Outcome,
    RefusalGround,
    RequestFile,
    Status,
    TaskKind,
    TaskOutcome,
    TaskStatus,
)


def held_data(subject_request):
    """What erasure kept because the law requires it: [{"data", "reason"}], read from the
    outcomes (a legal hold chosen by hand, or the rows an automatic erasure had to keep)."""
    if subject_request.kind != Kind.ERASURE:
        return []
    held = []
    language = subject_request.language
    for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM).select_related("system"):
        name = statements.task_name(task, language)
        if task.outcome == TaskOutcome.LEGAL_HOLD and not task.result.get("evidence"):
            held.append({"data": name, "reason": task.outcome_reason})
        for what, _rows, reason in statements.held_parts(task.result):
            held.append({"data": f"{name}: {what}", "reason": reason})
        for hit in task.document_hits.filter(decision="included", erasure=""):
            if hit.is_held:
                held.append(
                    {
                        "data": f"{name}: {hit.found.get('title', '')}",
                        "reason": hold_text(hit, language),
                    }
                )
    return held


def _answer_context(subject_request, note, partly):
    tasks = list(subject_request.tasks.select_related("system", "party"))
    context = {
        "note": note,
        "routes": _routes(subject_request) if partly else "",
        "statements": statements.statements(subject_request, tasks),
        "recipients": statements.told_recipients(subject_request, tasks),
        "held": held_data(subject_request),
        "purposes": sorted(
            {
                key
                for t in tasks
                if t.kind == TaskKind.LEDGER and t.status == TaskStatus.DONE
                for keys in (t.result.get("purposes") or {}).values()
                for key in keys
            }
        ),
    }
    # "no more direct marketing, for every channel" only where the ledger recorded the
    # objection (an address or number to record it by, and marketing purposes to stop)
    context["direct_marketing"] = bool(
        subject_request.direct_marketing
        and subject_request.kind == Kind.OBJECTION
        and context["purposes"]
    )
    return context


def _stopped_activities(subject_request):
    """The activities an objection stopped: those concerned whose systems' tasks are done, and
    for a direct-marketing objection the marketing activities without a system of their own
    (the consent ledger stopped them at once, Art. 21(3))."""
    done = {
        task.system_id
        for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM, outcome=TaskOutcome.DONE)
    }
    ledger = subject_request.tasks.filter(kind=TaskKind.LEDGER, status=TaskStatus.DONE).exists()
    language = subject_request.language
    stopped = []
    for activity in concerned_activities(subject_request):
        systems = {system.pk for system in activity.systems.all()}
        if systems & done or (not systems and activity.direct_marketing and ledger):
            stopped.append(translated(activity.name, language))
    return stopped


def _routes(subject_request):
    """The complaint and court routes (Art. 12(4)): a heading and its paragraph."""
    heading, text = letters.render(
        subject_request.organisation, "routes", subject_request.language, _context(subject_request)
    )
    return f"{heading}\n{text}"


def send_answer(subject_request, *, actor, note="", partly=False):
    """Answer the request (Art. 12(3), 15-21 GDPR): every task must be done or not applicable;
    access and portability get their package by an expiring link to the verified address."""
    if not subject_request.is_open:
        raise RequestError(_("This request is no longer open."))
    if not subject_request.is_verified:
        raise RequestError(
            _("The identity is not established; establish it, or refuse the request.")
        )
    if pending_decision(subject_request):
        raise RequestError(
            _(
                "The claimed identifiers found data of which it is not shown that it is the "
                "person's: decide on them first."
            )
        )
    if open_tasks(subject_request):
        raise RequestError(_("Some tasks are still open; finish them or mark them not applicable."))
    package = None
    if subject_request.kind in (Kind.ACCESS, Kind.PORTABILITY):
        if subject_request.email and not email_verified(subject_request):
            raise RequestError(
                _(
                    "The e-mail address is not verified: data goes only to an address the "
                    "person proved. Send the verification link first."
                )
            )
        request_settings = settings_for(subject_request.organisation)
        if request_settings.copies_to_known_address and not known_address(subject_request):
            raise RequestError(
                _(
                    "The verified address was not found on file, and copies go only to a known "
                    "address: check the identity another way first."
                )
            )
        package = RequestFile.objects.filter(request=subject_request, kind=FileKind.PACKAGE).first()
        # a package made before a task, a hit or an item it holds changed is never sent
        stale = (
            package_out_of_date(subject_request, package)
            if package is not None and not package.is_expired()
            else ""
        )
        if package is None or package.is_expired() or stale:
            if package_is_large(subject_request):
                raise RequestError(
                    stale
                    or _(
                        "This package is large: make it first (the worker builds it in the "
                        "background), then send the answer."
                    )
                )
            package = build_package(subject_request, actor=actor)
    context = _answer_context(subject_request, note, partly)
    direct = (
        subject_request.kind == Kind.PORTABILITY
        and subject_request.transmit_to
        and subject_request.transmit_email
        and not subject_request.transmission_not_feasible
    )
    if direct:
        context["transmitted_to"] = subject_request.transmit_to
    elif package is not None and subject_request.email:
        context["link"] = download_link(package)
        context["link_valid_until"] = local_date(subject_request.organisation, package.expires_at)
    context["not_feasible"] = subject_request.transmission_not_feasible
    if subject_request.kind == Kind.OBJECTION:
        context["activities"] = _stopped_activities(subject_request)
        stop_objected_processing(subject_request, actor=actor)
    with transaction.atomic():
        subject_request.status = Status.ANSWERED
        subject_request.outcome = Outcome.PARTLY if partly else Outcome.GRANTED
        subject_request.answer_note = note
        subject_request.answered_at = timezone.now()
        subject_request.save()
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.answer",
            obj=subject_request,
            new={"outcome": subject_request.outcome, "held": len(context["held"])},
        )
        if direct:
            transmit(subject_request, package, actor=actor)
        _mail_person(subject_request, f"answer_{subject_request.kind}", **context)
    return subject_request


def refuse_request(subject_request, *, actor, ground, reasons, partly=False):
    """Refuse in whole or in part, with reasons and the complaint and court routes (Art. 12(4))."""
    if not subject_request.is_open:
        raise RequestError(_("This request is no longer open."))
    if ground not in RefusalGround.values:
        raise RequestError(_("Choose the ground for the refusal."))
    check_refusal(subject_request, ground, partly)
    reasons = (reasons or "").strip()
    if not reasons:
        raise RequestError(_("A refusal needs its reasons; the person is told them."))
    if unresolved_tasks(subject_request):
        raise RequestError(
            _(
                "Some tasks are still open: resolve each with its outcome, or have a privacy "
                "officer waive it with the reason, before the refusal."
            )
        )
    with translation.override(subject_request.language):
        ground_label = str(RefusalGround(ground).label)
    done = statements.statements(subject_request) if partly else []
    if partly:
        stop_objected_processing(subject_request, actor=actor)  # the part granted, for good
    with transaction.atomic():
        subject_request.status = Status.ANSWERED
        subject_request.outcome = Outcome.PARTLY if partly else Outcome.REFUSED
        subject_request.refusal_ground = ground
        subject_request.answer_note = reasons
        subject_request.answered_at = timezone.now()
        subject_request.save()
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.refuse",
            obj=subject_request,
            new={"ground": ground, "partly": partly, "reasons": reasons},
        )
        _mail_person(
            subject_request,
            "refusal",
            ground=ground_label,
            reasons=reasons,
            partly=partly,
            statements=done,
            recipients=statements.told_recipients(subject_request) if partly else [],
            routes=_routes(subject_request),
        )
    return subject_request


def _erase_links(subject_request):
    """Delete the links of the person of an erasure request (see close_request); how many.
    Only verified identifiers count: a claimed address may be someone else's."""
    from waarborg.consent.links import erase_links
    from waarborg.requests.actions.tasks import _person_keys

    _total, rows = subject_request.links.all().delete()
    own = sum(rows.values())
    keys = [key for key, _kind in _person_keys(subject_request)]
    return own + erase_links(subject_request.organisation, keys)


def _forget_hits(subject_request):
    """After an erasure, what was found in the mail and documents (titles, snippets, strings to
    redact) goes: the decisions, holds and deletions stay as the record of what was done."""
    import json

    from waarborg.core.crypto import encrypt_text
    from waarborg.requests.models import HIT_PURPOSE, DocumentHit

    for hit in DocumentHit.objects.filter(task__request=subject_request):
        hit.found_encrypted = encrypt_text(
            json.dumps({"title": "", "where": "", "kind": hit.found.get("kind", "file")}),
            HIT_PURPOSE,
        )
        hit.redactions_encrypted = ""
        hit.save(update_fields=["found_encrypted", "redactions_encrypted"])


def close_request(subject_request, *, actor):
    """Close the request, keeping a minimal record (Art. 5(1)(c), (e) GDPR).

    After an erasure the identity is replaced by a keyed hash and the person's links go: the
    request's own, and every consent-ledger link (confirmation, preferences, unsubscribe) made
    for a verified address or number of theirs, since each holds it; what was found of them in
    mail and documents is forgotten; ID copies go at once, other files when the organisation's
    purge period after closure ends."""
    if subject_request.status == Status.CLOSED:
        return subject_request
    if subject_request.status != Status.ANSWERED:
        raise RequestError(_("Answer or refuse the request before closing it."))
    if unresolved_tasks(subject_request):
        raise RequestError(
            _(
                "Some tasks are still open: resolve each with its outcome, or have a privacy "
                "officer waive it with the reason, before closing."
            )
        )
    if subject_request.letters.filter(channel=LetterChannel.POST, sent_on__isnull=True).exists():
        raise RequestError(
            _("A letter still waits to be posted: post it and confirm the day first.")
        )
    with transaction.atomic():
        subject_request.status = Status.CLOSED
        subject_request.closed_at = timezone.now()
        fields = ["status", "closed_at"]
        links_erased = 0
        if subject_request.kind == Kind.ERASURE:
            links_erased = _erase_links(subject_request)
            subject_request.identity_hash = keyed_hash(
                f"{subject_request.email}|{subject_request.phone}|{subject_request.name}",
                "request-identity",
            )
            subject_request.name = _("(erased)")
            subject_request.email = subject_request.phone = ""
            subject_request.customer_number = subject_request.description = ""
            subject_request.answer_note = ""
            fields += [
                "identity_hash",
                "name",
                "email",
                "phone",
                "customer_number",
                "description",
                "answer_note",
            ]
            subject_request.tasks.update(notes="")
            _forget_hits(subject_request)
            subject_request.letters.update(subject="", body="")
            subject_request.postal_address = subject_request.company_address = ""
            fields += ["postal_address", "company_address"]
        subject_request.save(update_fields=fields)
        RequestFile.objects.filter(request=subject_request, kind__in=IDENTITY_DOCUMENTS).delete()
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.close",
            obj=subject_request,
            new={
                "outcome": subject_request.outcome,
                "identity_hashed": bool(subject_request.identity_hash),
                **({"links_erased": links_erased} if links_erased else {}),
            },
        )
    return subject_request
