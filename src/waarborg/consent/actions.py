"""State changes of the consent ledger. Every event goes through `record_event`.

Consent must be provable (Art. 7(1) GDPR: who, when, which wording, how) and its withdrawal as
easy as giving it (Art. 7(3)). An objection to direct marketing is absolute and immediate
(Art. 21(2)-(3)). E-mail marketing needs prior consent except the soft opt-in for own customers
(Telecommunicatiewet art. 11.7); telemarketing to people is opt-in since 1 July 2021.
"""

import hashlib
import ipaddress
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import actor_label, record_entry
from waarborg.audit.chains import key_for_append, verify_rows
from waarborg.consent.models import (
    Action,
    ChainHead,
    ConsentEvent,
    ConsentPurpose,
    ConsentState,
    KeyKind,
    Mechanism,
    PurposeVersion,
    Source,
    Suppression,
)
from waarborg.core.crypto import keyed_hash
from waarborg.core.fields import normalise

PHONE_REGION = "NL"


class ConsentError(Exception):
    """Bad input for the ledger; the message says what, in the active language."""


# People's keys ------------------------------------------------------------------------------


def person_key(value, kind=None):
    """(normalised key, kind): an e-mail address in lower case, a phone number in E.164, or a
    cookie consent id. `kind` may be given; otherwise it is recognised from the value."""
    value = (value or "").strip()
    if not value:
        raise ConsentError(_("An e-mail address, phone number or consent id is needed."))
    if kind == KeyKind.COOKIE or (kind is None and value.startswith("c-")):
        if not (8 <= len(value) <= 64) or not value.replace("-", "").isalnum():
            raise ConsentError(_("This is not a consent id: %s") % value)
        return value, KeyKind.COOKIE
    if kind == KeyKind.EMAIL or (kind is None and "@" in value):
        try:
            validate_email(value)
        except ValidationError as error:
            raise ConsentError(_("This is not an e-mail address: %s") % value) from error
        return value.lower(), KeyKind.EMAIL
    try:
        number = phonenumbers.parse(value, PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ConsentError(_("This is not a phone number: %s") % value) from error
    if not phonenumbers.is_valid_number(number):
        raise ConsentError(_("This is not a phone number: %s") % value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), KeyKind.PHONE


def suppression_hash(key):
    return keyed_hash(key, "consent-suppression")


def truncate_ip(value):
    """An IP address cut to its network: /24 for IPv4, /48 for IPv6 (proof without tracking)."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


# Purposes -----------------------------------------------------------------------------------

PURPOSE_FIELDS = [
    "key",
    "name",
    "activity",
    "channel",
    "mechanism",
    "direct_marketing",
    "cookie_category",
    "consumers",
    "asks_name",
    "asks_address",
    "active",
]


def save_purpose(organisation, *, actor, wording, instance=None, **fields):
    """Create or change a purpose; changed wording becomes a new, hashed version."""
    wording = normalise(wording)
    if not wording:
        raise ConsentError(_("A purpose needs its wording (what people agree to)."))
    with transaction.atomic():
        purpose = instance or ConsentPurpose(organisation=organisation)
        old = {name: _plain(getattr(purpose, name, None)) for name in PURPOSE_FIELDS}
        for name, value in fields.items():
            setattr(purpose, name, value)
        try:
            with transaction.atomic():
                purpose.save()
        except IntegrityError as error:
            raise ConsentError(_("A purpose with this key exists already.")) from error
        current = purpose.current_version()
        if current is None or current.wording != wording:
            PurposeVersion.objects.create(
                purpose=purpose,
                number=(current.number + 1) if current else 1,
                wording=wording,
                hash=PurposeVersion.compute_hash(wording),
            )
        new = {name: _plain(getattr(purpose, name)) for name in PURPOSE_FIELDS}
        new["version"] = purpose.current_version().number
        record_entry(
            organisation,
            actor=actor,
            action="consent.purpose_change" if instance else "consent.purpose_add",
            obj=purpose,
            old=old if instance else None,
            new=new,
        )
    return purpose


def _plain(value):
    return value.pk if hasattr(value, "pk") else value


# Events -------------------------------------------------------------------------------------

STATE_OF = {
    Action.GRANTED: ConsentState.Status.GRANTED,
    Action.CONFIRMED: ConsentState.Status.GRANTED,
    Action.WITHDRAWN: ConsentState.Status.WITHDRAWN,
    Action.OBJECTED: ConsentState.Status.OBJECTED,
}


@dataclass
class Evidence:
    ip: str = ""
    user_agent: str = ""
    page: str = ""

    @classmethod
    def from_request(cls, request, page=""):
        from waarborg.core.clients import client_ip

        return cls(
            ip=truncate_ip(client_ip(request)),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            page=(page or request.META.get("HTTP_REFERER", ""))[:500],
        )


def record_event(
    purpose,
    key,
    action,
    *,
    source,
    actor=None,
    evidence=None,
    details=None,
    pending=False,
    occurred_at=None,
    kind=None,
    version=None,
):
    """Append one event to the ledger and update the person's state, in one transaction.

    `pending` marks a grant that waits for the double opt-in confirmation.
    """
    return record_events(
        [(purpose, action, version)],
        key,
        source=source,
        actor=actor,
        evidence=evidence,
        details=details,
        pending=pending,
        occurred_at=occurred_at,
        kind=kind,
    )[0]


def record_events(
    items,
    key,
    *,
    source,
    actor=None,
    evidence=None,
    details=None,
    pending=False,
    occurred_at=None,
    kind=None,
):
    """Several events of one person at once (a banner choice covers every category): items are
    (purpose, action, version or None). One transaction, one statement for the states and one
    for the events (on PostgreSQL one statement for both); they are sealed into the chain
    after the commit."""
    key, kind = person_key(key, kind)
    evidence = evidence or Evidence()
    now = timezone.now()
    details = {**(details or {}), **({"pending": True} if pending else {})}
    events, states, suppressions = [], [], []
    for purpose, action, version in items:
        if action in (Action.GRANTED, Action.CONFIRMED):
            version = version or purpose.current_version()
        else:
            version = None
        organisation_id = purpose.organisation_id
        events.append(
            ConsentEvent(
                organisation_id=organisation_id,
                purpose=purpose,
                version=version,
                person_key=key,
                key_kind=kind,
                action=action,
                source=source,
                occurred_at=occurred_at or now,
                ip=evidence.ip,
                user_agent=evidence.user_agent,
                page=evidence.page,
                actor=actor,
                actor_label=actor_label(actor) if actor else "",
                details=details,
            )
        )
        states.append(
            ConsentState(
                organisation_id=organisation_id,
                purpose=purpose,
                person_key=key,
                key_kind=kind,
                status=ConsentState.Status.PENDING if pending else STATE_OF[action],
                since=now,
                version=version,
            )
        )
        # people who withdrew or objected stay suppressed after their data is erased; a
        # cookie consent id is no one to contact
        if action in (Action.WITHDRAWN, Action.OBJECTED) and kind != KeyKind.COOKIE:
            scope_all = action == Action.OBJECTED and purpose.direct_marketing
            suppressions.append(
                Suppression(
                    organisation_id=organisation_id,
                    key_hash=suppression_hash(key),
                    purpose=None if scope_all else purpose,
                    reason=action,
                    created_at=now,
                )
            )
    connection = transaction.get_connection()
    if connection.vendor == "postgresql" and not suppressions:
        _write_in_one_statement(connection, states, events)
    else:
        with transaction.atomic():
            ConsentState.objects.bulk_create(
                states,
                update_conflicts=True,
                unique_fields=["purpose", "person_key"],
                update_fields=STATE_UPDATES,
            )
            if suppressions:
                Suppression.objects.bulk_create(suppressions)
            ConsentEvent.objects.bulk_create(events)
    for organisation_id in {event.organisation_id for event in events}:
        _seal_after_commit(organisation_id)  # at once, or after the caller's transaction
    return events


STATE_UPDATES = ["status", "since", "version", "key_kind"]


def _write_in_one_statement(connection, states, events):
    """PostgreSQL: the states' upsert and the events' insert as one statement, which is atomic
    on its own (no BEGIN and COMMIT around it): the banner endpoint takes many choices a
    second, and this is its only write. The rows travel as one JSON document per table, which
    the server turns into rows of the table's type (json_populate_recordset), so the driver
    has two parameters to send whatever the number of rows and columns."""
    import psycopg

    sql = _statements.get("record")
    if sql is None:
        sql = _statements["record"] = _record_statement(connection)
    params = [_json_rows(ConsentState, states), _json_rows(ConsentEvent, events)]
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        ids = cursor.fetchall()
    for event, (pk,) in zip(events, ids, strict=True):
        event.pk = pk
        event._state.adding = False
        event._state.db = connection.alias


_statements = {}  # SQL written once per process


def _record_statement(connection):
    quote = connection.ops.quote_name

    def columns(model):
        return ", ".join(quote(f.column) for f in _columns(model))

    def rows(model):
        table = quote(model._meta.db_table)
        # names of our own tables and columns, not input
        return f"SELECT {columns(model)} FROM json_populate_recordset(NULL::{table}, %s::json)"  # noqa: S608

    def column(name):
        return quote(ConsentState._meta.get_field(name).column)

    updates = ", ".join(f"{column(name)} = EXCLUDED.{column(name)}" for name in STATE_UPDATES)
    return (
        f"WITH states AS (INSERT INTO {quote(ConsentState._meta.db_table)} "
        f"({columns(ConsentState)}) {rows(ConsentState)} "
        f"ON CONFLICT ({column('purpose')}, {column('person_key')}) DO UPDATE SET {updates}) "
        f"INSERT INTO {quote(ConsentEvent._meta.db_table)} ({columns(ConsentEvent)}) "
        f"{rows(ConsentEvent)} RETURNING {quote(ConsentEvent._meta.pk.column)}"
    )


def _columns(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _json_rows(model, objects):
    """The instances as a JSON list of {column: value}; times keep their microseconds (the
    chain hashes them so), JSON fields nest as they are."""
    fields = [(f.column, f.attname) for f in _columns(model)]
    rows = []
    for obj in objects:
        row = {}
        for name, attname in fields:
            value = getattr(obj, attname)
            row[name] = value.isoformat() if isinstance(value, datetime) else value
        rows.append(row)
    return json.dumps(rows, cls=DjangoJSONEncoder)


SEAL_BATCH = 2000


def seal(organisation_id, wait=True):
    """Link the organisation's unsealed events into its hash chain, oldest first; return how
    many. With wait=False a writer that finds another sealer at work leaves it to that one
    (which takes every event committed so far), so writers never queue for the chain."""
    connection = transaction.get_connection()
    skip = not wait and connection.features.has_select_for_update_skip_locked
    sealed = 0
    while True:
        with transaction.atomic():
            ChainHead.objects.get_or_create(organisation_id=organisation_id)
            head = (
                ChainHead.objects.select_for_update(skip_locked=skip)
                .filter(organisation_id=organisation_id)
                .first()
            )
            if head is None:  # another writer is sealing
                return sealed
            rows = ConsentEvent.objects.filter(
                organisation_id=organisation_id, seq__isnull=True
            ).order_by("id")[:SEAL_BATCH]
            rows = list(rows.values_list("pk", *(a for _n, a in ConsentEvent.BODY)))
            key = key_for_append(organisation_id, "consent", head.seq, head.hash) if rows else None
            seals = []  # (id, seq, previous hash, hash)
            for pk, *body in rows:
                text = ConsentEvent.canonical_of(body)
                body_hash = hashlib.sha256(text.encode()).hexdigest()
                seq, previous = head.seq + 1, head.hash
                head.seq, head.hash = seq, ConsentEvent.link(seq, previous, body_hash, key)
                seals.append((pk, seq, previous, head.hash))
            if seals:
                _write_seals(seals)
                head.save(update_fields=["seq", "hash"])
        sealed += len(seals)
        if len(seals) < SEAL_BATCH:
            return sealed


SEAL_EVERY = 1.0  # seconds: under load one writer per process seals a batch this often
_last_seal = {}


def _write_seals(seals):
    """Write (id, seq, previous hash, hash) per event: on PostgreSQL one UPDATE from four
    arrays; elsewhere one UPDATE ... FROM a VALUES list per 500 events (SQLite 3.33+)."""
    table = ConsentEvent._meta.db_table
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "  # noqa: S608
                "FROM UNNEST(%s::bigint[], %s::bigint[], %s::varchar[], %s::varchar[]) "
                f"AS v(id, seq, prev_hash, hash) WHERE {table}.id = v.id",
                [list(column) for column in zip(*seals, strict=True)],
            )
            return
        for start in range(0, len(seals), 500):
            part = seals[start : start + 500]
            rows = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS BIGINT), %s, %s)"] * len(part))
            cursor.execute(
                f"WITH v(id, seq, prev_hash, hash) AS (VALUES {rows}) "  # noqa: S608
                f"UPDATE {table} SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash "
                f"FROM v WHERE {table}.id = v.id",
                [value for seal in part for value in seal],
            )


def _seal_after_commit(organisation_id):
    """Seal after the commit. Under load a process seals at most once a second (a batch each
    time); the worker seals the rest every few minutes, and every proof view and
    `consent verify` seals first."""

    def after_commit():
        now = time.monotonic()
        if now - _last_seal.get(organisation_id, -SEAL_EVERY) >= SEAL_EVERY:
            _last_seal[organisation_id] = now
            seal(organisation_id, wait=False)

    transaction.on_commit(after_commit)


def object_to_direct_marketing(organisation, key, *, source, actor=None, evidence=None):
    """Art. 21(2)-(3) GDPR: one objection stops every direct-marketing purpose, at once."""
    purposes = ConsentPurpose.objects.filter(organisation=organisation, direct_marketing=True)
    return [
        record_event(p, key, Action.OBJECTED, source=source, actor=actor, evidence=evidence)
        for p in purposes.order_by("key")
    ]


# Checks -------------------------------------------------------------------------------------


@dataclass
class Answer:
    entry: str
    key: str
    may_contact: bool
    reason: str


def check_contacts(purpose, entries):
    """May each entry (e-mail address or phone number) be contacted for `purpose`? With the
    reason: consent, legitimate_interest, notice, no_consent, pending_confirmation, withdrawn,
    objected, suppressed, invalid. Two queries for the whole batch."""
    keys = {}
    answers = []
    for entry in entries:
        try:
            key, _kind = person_key(str(entry))
        except ConsentError:
            answers.append(Answer(str(entry), "", False, "invalid"))
            continue
        keys[key] = entry
        answers.append(Answer(str(entry), key, False, ""))
    states = {
        state.person_key: state.status
        for state in ConsentState.objects.filter(purpose=purpose, person_key__in=list(keys))
    }
    hashes = {suppression_hash(key): key for key in keys}
    suppressed = set()
    rows = Suppression.objects.filter(
        organisation_id=purpose.organisation_id, key_hash__in=list(hashes)
    )
    for key_hash, purpose_id in rows.values_list("key_hash", "purpose_id"):
        if purpose_id == purpose.pk or (purpose_id is None and purpose.direct_marketing):
            suppressed.add(hashes[key_hash])
    for answer in answers:
        if not answer.key:
            continue
        state = states.get(answer.key)
        answer.may_contact, answer.reason = _decide(purpose, state, answer.key in suppressed)
    return answers


def _decide(purpose, state, suppressed):
    Status = ConsentState.Status  # noqa: N806
    if state in (Status.OBJECTED, Status.WITHDRAWN):
        return False, state
    if suppressed:
        return False, "suppressed"
    if purpose.mechanism == Mechanism.NOTICE:
        return True, "notice"
    if purpose.mechanism == Mechanism.OPT_OUT:
        return True, "legitimate_interest"
    if state == Status.GRANTED:
        return True, "consent"
    if state == Status.PENDING:
        return False, "pending_confirmation"
    return False, "no_consent"


# Proof --------------------------------------------------------------------------------------


def history(organisation, key):
    """Every event of one person (by any of their keys), oldest first, with the wording."""
    key, _kind = person_key(key)
    seal(organisation.pk)  # the proof shown is complete and chained
    return (
        ConsentEvent.objects.filter(organisation=organisation, person_key=key)
        .select_related("purpose", "version", "actor")
        .order_by("seq")
    )


def verify_ledger(organisation):
    """Seal what is waiting, then recompute the chain: a list of (seq, reason) for edited or
    missing events."""
    seal(organisation.pk)
    events = ConsentEvent.objects.filter(organisation=organisation, seq__isnull=False)
    found = verify_rows(organisation.pk, "consent", events, noun=_("event"), nouns=_("events"))
    problems = [(problem.seq, problem.reason) for problem in found]
    expected = (events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    head = ChainHead.objects.filter(organisation=organisation).first()
    if head and head.seq != expected - 1:
        problems.append((head.seq, "the newest events are missing"))
    return problems


def import_subscribers(purpose, rows, *, actor):
    """Import an existing list (dicts with email or phone, and the proof fields it has: date,
    source, ip, page). All or nothing; an import never overrides a later withdrawal or an
    objection, nor a suppression entry. Long lists go through `jobs.imports`, which checks
    them with `prepare_subscribers` first and then writes them in batches."""
    prepared = prepare_subscribers(rows)
    with transaction.atomic():
        imported, skipped = import_prepared(purpose, prepared, actor=actor)
        record_entry(
            purpose.organisation,
            actor=actor,
            action="consent.import",
            obj=purpose,
            new={"imported": imported, "skipped": skipped},
        )
    return imported, skipped


def prepare_subscribers(rows):
    """Check every row of a list to import; [(key, kind, occurred, row)], or ConsentError
    naming every wrong row. Writes nothing."""
    problems, prepared = [], []
    for number, row in enumerate(rows, start=2):
        try:
            key, kind = person_key(row.get("email") or row.get("phone") or "")
        except ConsentError as error:
            problems.append(_("row %(row)s: %(error)s") % {"row": number, "error": error})
            continue
        given = (row.get("date") or row.get("consent_date") or "").strip()
        occurred = None
        if given:
            from waarborg.core.inputs import InputError, parse_day_or_moment

            try:
                occurred = parse_day_or_moment(given, _("row %(row)s") % {"row": number})
            except InputError as error:
                problems.append(str(error))
                continue
            if occurred > timezone.now() + timedelta(days=1):
                problems.append(
                    _("row %(row)s: the date lies in the future: %(value)s")
                    % {"row": number, "value": given}
                )
                continue
        prepared.append((key, kind, occurred, row))
    if problems:
        raise ConsentError("\n".join(problems))
    return prepared


def import_prepared(purpose, prepared, *, actor):
    """Record the grants of checked rows, inside the caller's transaction (the caller writes
    the audit entry); (imported, skipped)."""
    skipped = imported = 0
    answers = {a.key: a for a in check_contacts(purpose, [key for key, *_rest in prepared])}
    for key, kind, occurred, row in prepared:
        if answers[key].reason in ("withdrawn", "objected", "suppressed"):
            skipped += 1
            continue
        record_event(
            purpose,
            key,
            Action.GRANTED,
            source=Source.IMPORT,
            actor=actor,
            kind=kind,
            evidence=Evidence(ip=truncate_ip(row.get("ip", "")), page=row.get("page", "")),
            details={"imported_proof": {k: v for k, v in row.items() if v}},
            occurred_at=occurred,
        )
        imported += 1
    return imported, skipped


# The public side: sign-up with double opt-in, confirmation, unsubscribe, preferences --------

AGE_ADULT, AGE_CHILD = "16_or_over", "under_16"


def subscribe(
    purpose, email, *, language, evidence, age=None, parental_consent=False, contact=None
):
    """Sign up for an e-mail purpose: a grant that waits for the double opt-in link.

    The name and postal address, where the purpose asks for them, are kept with the grant
    (its proof says what the person gave); `consent.mailing.clean_contact` checks them.

    For purposes aimed at consumers the age is asked: under 16 needs a parent's consent
    (Art. 8 GDPR; UAVG art. 5), which is recorded with the event, or the sign-up is refused.
    The same message goes out whether the address is new or known (nothing is revealed).
    """
    from waarborg.consent import emails
    from waarborg.consent.mailing import clean_contact

    key, kind = person_key(email, KeyKind.EMAIL)
    details = {"language": language}
    if not purpose.active or purpose.channel != "email":
        raise ConsentError(_("This purpose takes no sign-ups by e-mail."))
    given = clean_contact(purpose, contact or {})
    if given:
        details["contact"] = given
    if purpose.consumers:
        if age not in (AGE_ADULT, AGE_CHILD):
            raise ConsentError(_("Please say whether you are 16 or older."))
        details["age"] = age
        if age == AGE_CHILD:
            if not parental_consent:
                raise ConsentError(
                    _("Under 16, a parent or guardian must agree. Ask them to sign up with you.")
                )
            details["parental_consent"] = True
    with transaction.atomic():
        state = ConsentState.objects.filter(purpose=purpose, person_key=key).first()
        if state is None or state.status != ConsentState.Status.GRANTED:
            record_event(
                purpose,
                key,
                Action.GRANTED,
                source=Source.FORM,
                evidence=evidence,
                details=details,
                pending=True,
                kind=kind,
            )
        transaction.on_commit(lambda: emails.send_confirmation(purpose, key, language))


def confirm(purpose, key, *, evidence, language="nl"):
    """The person used the double opt-in link: the consent now counts. A welcome message
    follows, with an unsubscribe link and one-click unsubscribe headers (RFC 8058)."""
    from waarborg.consent import emails

    with transaction.atomic():
        event = record_event(
            purpose, key, Action.CONFIRMED, source=Source.DOUBLE_OPT_IN, evidence=evidence
        )
        if purpose.channel == "email":
            transaction.on_commit(lambda: emails.send_welcome(purpose, event.person_key, language))
    return event


def unsubscribe(purpose, key, *, evidence, one_click=False):
    """Withdraw through a link (as easy as giving consent, Art. 7(3))."""
    return record_event(
        purpose,
        key,
        Action.WITHDRAWN,
        source=Source.EMAIL_LINK,
        evidence=evidence,
        details={"one_click": True} if one_click else None,
    )


def request_preferences(organisation, email, *, language):
    """Send a link to the preferences page, whether or not the address is known."""
    from waarborg.consent import emails

    key, _kind = person_key(email, KeyKind.EMAIL)
    transaction.on_commit(lambda: emails.send_preferences_link(organisation, key, language))


def preferences(organisation, key):
    """Every active purpose of the organisation with this person's state (or None)."""
    states = {
        s.purpose_id: s.status
        for s in ConsentState.objects.filter(organisation=organisation, person_key=key)
    }
    purposes = ConsentPurpose.objects.filter(organisation=organisation, active=True)
    return [(purpose, states.get(purpose.pk)) for purpose in purposes.order_by("key")]
