"""Verified and claimed identifiers (Art. 12(6), 15(4) GDPR).

The identifier the person proved (the address the verification link went to, a number staff
called back) is *verified*; every other identifier on the request is *claimed*. Automatic
look-ups start from the verified identifiers only. A claimed identifier joins them only when the
rows it finds also carry a verified identifier of the same person, or when staff confirm the
match with a reason. Rows found by a claimed identifier that hold another address are a
mismatch: nothing is found, changed or sent until staff decide.
"""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.requests.actions.common import RequestError, lasting_result
from waarborg.requests.models import IDENTIFIERS, ClaimedDecision, TaskKind, Verification

# What a claimed identifier's rows showed: none found, all carry a verified identifier, some
# hold another value of a verified kind (another address), some carry no verified identifier.
PENDING = ("mismatch", "unconfirmed")


def identifier_values(subject_request):
    """{identity name: value} of the identifiers the request carries."""
    values = {}
    for name, field in IDENTIFIERS.items():
        value = (getattr(subject_request, field) or "").strip()
        if value:
            values[name] = value
    return values


def verified_identities(subject_request):
    chosen = set(subject_request.verified_identifiers or [])
    return {n: v for n, v in identifier_values(subject_request).items() if n in chosen}


def claimed_identities(subject_request):
    chosen = set(subject_request.verified_identifiers or [])
    return {n: v for n, v in identifier_values(subject_request).items() if n not in chosen}


def verified_for(subject_request, method, identifiers=None):
    """The identifiers a verification proves: a link or an ID-upload link proves the address it
    went to; staff name what they checked (a number called back, a known customer number)."""
    values = identifier_values(subject_request)
    if method in (Verification.EMAIL_LINK, Verification.ID_DOCUMENT):
        return ["email"] if "email" in values else []
    return sorted(name for name in (identifiers or []) if name in values)


def _norm(name, value):
    text = str(value).strip().casefold()
    if name == "phone_number":
        text = re.sub(r"[\s\-().]", "", text)
        if text.startswith("00"):
            text = "+" + text[2:]
        if text.startswith("06"):
            text = "+316" + text[2:]
    return text


def mask(value):
    """'jan.dejong@example.nl' -> 'j***@example.nl', '+31612340002' -> '+316******02'."""
    text = str(value).strip()
    if "@" in text:
        local, _at, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(text) <= 4:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 6) + text[-2:]


def check_claimed(source, verified, claimed, *, actor, reason):
    """What the rows a claimed identifier finds say about whose they are.

    Returns {"status", "rows": {confirmed, mismatch, unconfirmed}, "found": [masked values of
    another person], "identifiers": [names]}; the rows themselves are never kept."""
    from waarborg.sources import actions as source_actions

    found = source_actions.find_person(
        source, claimed, actor=actor, reason=f"{reason}: claimed identifiers checked"
    )
    dataset = source.dataset()
    wanted = {n: {_norm(n, v)} for n, v in claimed.items()}
    known = {n: {_norm(n, v)} for n, v in verified.items()}
    counts = {"confirmed": 0, "mismatch": 0, "unconfirmed": 0}
    other = set()
    for table, item in found.items():
        spec = dataset.collections.get(table)
        if spec is None:
            continue
        fields = item["fields"]
        identities = {c: n for c, n in spec.identities.items() if c in fields}
        seeds = [(fields.index(c), n) for c, n in identities.items() if n in wanted]
        checks = [(fields.index(c), n) for c, n in identities.items() if n in known]
        if not seeds:
            continue  # reached through a reference from a seed row, judged there
        for row in item["rows"]:
            if not any(row[i] is not None and _norm(n, row[i]) in wanted[n] for i, n in seeds):
                continue
            values = [(n, row[i]) for i, n in checks if row[i] not in (None, "")]
            if any(_norm(n, v) in known[n] for n, v in values):
                counts["confirmed"] += 1
            elif values:
                counts["mismatch"] += 1
                other.update(mask(v) for _n, v in values)
            else:
                counts["unconfirmed"] += 1
    if counts["mismatch"]:
        status = "mismatch"
    elif counts["unconfirmed"]:
        status = "unconfirmed"
    else:
        status = "confirmed" if counts["confirmed"] else "none"
    return {
        "status": status,
        "rows": counts,
        "found": sorted(other),
        "identifiers": sorted(claimed),
    }


def identities_for_task(task, source, *, actor):
    """The identities an automatic task may use, and the check of the claimed ones (or None).

    Raises RequestError when no identifier is verified, and, after keeping the check on the
    task, when the claimed identifiers find rows that are not shown to be the person's."""
    subject_request = task.request
    subject_request.refresh_from_db()  # the decision on claimed identifiers may be new
    verified = verified_identities(subject_request)
    if not verified:
        raise RequestError(
            _(
                "No identifier of this request is verified, so nothing is looked up "
                "automatically: search by hand, or establish the identity with the identifiers "
                "checked."
            )
        )
    claimed = claimed_identities(subject_request)
    decision = subject_request.claimed_decision
    if not claimed or decision == ClaimedDecision.IGNORED:
        return verified, None
    if decision == ClaimedDecision.CONFIRMED:
        return {**verified, **claimed}, None
    check = check_claimed(source, verified, claimed, actor=actor, reason=subject_request.reference)
    if check["status"] == "none":
        return verified, check
    if check["status"] == "confirmed":
        return {**verified, **claimed}, check
    with transaction.atomic():
        task.result = {"claimed": check, **lasting_result(task)}
        task.save(update_fields=["result"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.claimed_unconfirmed",
            obj=subject_request,
            new={"task": task.pk, **{k: check[k] for k in ("status", "rows", "identifiers")}},
        )
    if check["status"] == "mismatch":
        raise RequestError(
            _(
                "The claimed identifiers find data that holds another address than the verified "
                "one. Nothing is looked up or changed until staff decide."
            )
        )
    raise RequestError(
        _(
            "The claimed identifiers find data that carries no verified identifier of the "
            "person. Nothing is looked up or changed until staff decide."
        )
    )


def check_claimed_at_verification(subject_request, tasks, *, actor):
    """Right after the identity is established, look at what the claimed identifiers find in
    each connected system (the rows themselves are not kept), so that a mismatch shows on the
    request page before anyone looks anything up; nothing is found, changed or sent by it. A
    database that cannot be read now is checked again when the task runs."""
    from waarborg.requests.actions.tasks import _source_of
    from waarborg.sources.annotation import AnnotationError
    from waarborg.sources.engine import SourceError

    if not claimed_identities(subject_request) or subject_request.claimed_decision:
        return
    if not verified_identities(subject_request):
        return
    for task in tasks:
        if task.kind != TaskKind.SYSTEM or not task.automatic or task.system is None:
            continue
        source = _source_of(task.system)
        if source is None:
            continue
        try:
            identities_for_task(task, source, actor=actor)
        except (RequestError, SourceError, AnnotationError):
            continue  # kept on the task (a mismatch) or checked again when the task runs


def pending_decision(subject_request):
    """Tasks whose claimed identifiers wait for a staff decision."""
    if subject_request.claimed_decision:
        return []
    return [
        task
        for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM)
        if (task.result.get("claimed") or {}).get("status") in PENDING
    ]


def decide_claimed(subject_request, *, actor, decision, reason):
    """Staff decide on the claimed identifiers, with a reason (audited): confirm that they are
    the person's (they are then used), or leave them out."""
    if decision not in ClaimedDecision.values:
        raise RequestError(_("Choose whether the claimed identifiers are used."))
    reason = (reason or "").strip()
    if not reason:
        raise RequestError(_("Give the reason of the decision; it is kept in the audit trail."))
    if not subject_request.is_open:
        raise RequestError(_("This request is no longer open."))
    with transaction.atomic():
        old = {"decision": subject_request.claimed_decision or None}
        subject_request.claimed_decision = decision
        subject_request.claimed_reason = reason
        subject_request.save(update_fields=["claimed_decision", "claimed_reason"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.claimed_decision",
            obj=subject_request,
            old=old,
            new={
                "decision": decision,
                "reason": reason,
                "identifiers": sorted(claimed_identities(subject_request)),
            },
        )
    return subject_request


def record_identity_check(subject_request, *, actor, note):
    """Staff checked the identity another way (an ID shown, a call back): with the setting
    "copies only to a known address", a package may then go to an address not on file."""
    note = (note or "").strip()
    if not note:
        raise RequestError(_("Say how the identity was checked."))
    with transaction.atomic():
        subject_request.identity_checked_at = timezone.now()
        subject_request.identity_check_note = note[:500]
        subject_request.save(update_fields=["identity_checked_at", "identity_check_note"])
        record_entry(
            subject_request.organisation,
            actor=actor,
            action="request.identity_checked",
            obj=subject_request,
            new={"note": subject_request.identity_check_note},
        )
    return subject_request


def known_address(subject_request):
    """Whether the verified address counts as known: found on file by an automatic look-up,
    or the identity checked by staff or an ID document."""
    if subject_request.verification in (Verification.STAFF, Verification.ID_DOCUMENT):
        return True
    if subject_request.identity_checked_at or (
        subject_request.claimed_decision == ClaimedDecision.CONFIRMED
    ):
        return True
    return any(
        task.result.get("found")
        for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM, automatic=True)
    )
