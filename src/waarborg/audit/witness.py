"""The external witness: the head of every chain (audit trail and consent ledger of each
organisation), written daily to a file or mailed to an address outside the installation.

What someone with the database and the key could still do, rewrite a whole chain or drop its
newest entries, shows against the heads witnessed before: `waarborg audit verify --witness
FILE` checks that each witnessed entry still exists with the same hash (or was removed by the
retention period behind a keyed anchor) and that no chain is shorter than witnessed.
"""

import json
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.models import AuditEntry, ChainAnchor
from waarborg.core.models import Organisation

TARGET_VARIABLE = "WAARBORG_AUDIT_WITNESS"


def configured_target(environ=os.environ):
    """The witness of this installation (an absolute file path or an e-mail address), or ''."""
    raw = environ.get(TARGET_VARIABLE, "").strip()
    if raw and not is_address(raw) and not Path(raw).is_absolute():
        raise ImproperlyConfigured(
            f"{TARGET_VARIABLE}={raw!r} is not valid: give an absolute file path or an "
            "e-mail address"
        )
    return raw


def is_address(target):
    if "/" in target:
        return False
    try:
        validate_email(target)
    except ValidationError:
        return False
    return True


def heads(now=None):
    """One record per chain that has entries: {at, organisation, chain, seq, hash}."""
    from waarborg.consent.actions import seal
    from waarborg.consent.models import ChainHead

    at = (now or timezone.now()).isoformat(timespec="seconds")
    records = []
    for organisation in Organisation.objects.order_by("slug"):
        newest = (
            AuditEntry.objects.filter(organisation=organisation)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        if newest:
            records.append(_record(at, organisation, "audit", *newest))
        seal(organisation.pk)
        head = ChainHead.objects.filter(organisation=organisation, seq__gt=0).first()
        if head:
            records.append(_record(at, organisation, "consent", head.seq, head.hash))
    return records


def _record(at, organisation, chain, seq, hash_):
    return {"at": at, "organisation": organisation.slug, "chain": chain, "seq": seq, "hash": hash_}


def write_witness(target, now=None):
    """Append today's heads to the file `target`, or mail them to the address `target`;
    returns the records."""
    records = heads(now)
    lines = "".join(json.dumps(record, sort_keys=True) + "\n" for record in records)
    if is_address(target):
        _mail(target, lines, now)
    else:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a") as file:
            file.write(lines)
    return records


def _mail(address, lines, now):
    from django.conf import settings

    from waarborg.core.emails import send_templated

    send_templated(
        "audit/emails/witness",
        to=address,
        language=settings.LANGUAGE_CODE,
        context={"day": timezone.localdate(now), "lines": lines, "base_url": settings.BASE_URL},
    )


def check_witness(text, only=None):
    """Problems (one line each) of the chains against witnessed heads (JSON lines, as written
    or as pasted from the mails: other lines are skipped); `only`: one organisation's slug."""
    from waarborg.consent.models import ConsentEvent

    problems = []
    organisations = {o.slug: o for o in Organisation.objects.all()}
    rows = {"audit": AuditEntry, "consent": ConsentEvent}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
            slug, chain = record["organisation"], record["chain"]
            seq, hash_, at = int(record["seq"]), str(record["hash"]), record.get("at", "")
            model = rows[chain]
        except (ValueError, KeyError, TypeError):
            problems.append(_("witness line %s: not a witnessed head") % number)
            continue
        if only and slug != only:
            continue
        where = _("%(org)s: %(chain)s #%(seq)s (witnessed %(at)s)") % {
            "org": slug,
            "chain": chain,
            "seq": seq,
            "at": at,
        }
        organisation = organisations.get(slug)
        if organisation is None:
            problems.append(_("%s: the organisation is gone") % where)
            continue
        found = (
            model.objects.filter(organisation=organisation, seq=seq)
            .values_list("hash", flat=True)
            .first()
        )
        if found == hash_:
            continue
        if found is not None:
            problems.append(_("%s: the entry was rewritten") % where)
            continue
        pruned = ChainAnchor.objects.filter(
            organisation=organisation, chain=chain, kind="prune", seq__gte=seq
        ).exists()
        if not pruned:
            problems.append(_("%s: the entry is missing") % where)
    return problems
