"""Keyed chains: the anchors that start, re-key and shorten a chain, and the one check that
walks a chain (audit trail or consent ledger) against them.

An entry's hash is an HMAC with the chain key (`audit.keys`), over its content and the hash
of the entry before it. Without the key nobody can rewrite an entry and re-hash the rest, nor
write an anchor that lets entries disappear. Anchors are described on `ChainAnchor`.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.keys import current_key, key_by_id
from waarborg.audit.models import GENESIS_HASH, ChainAnchor

STARTS = ("genesis", "upgrade")


def add_anchor(organisation_id, chain, kind, seq, head_hash, key=None):
    """Append a keyed anchor to the organisation's anchors of `chain`. Runs inside the
    caller's transaction, which holds that chain's lock."""
    key = key or current_key()
    last = (
        ChainAnchor.objects.filter(organisation_id=organisation_id, chain=chain)
        .order_by("-number")
        .first()
    )
    anchor = ChainAnchor(
        organisation_id=organisation_id,
        chain=chain,
        number=last.number + 1 if last else 1,
        kind=kind,
        seq=seq,
        head_hash=head_hash,
        key_id=key.id,
        created_at=timezone.now(),
        prev_mac=last.mac if last else GENESIS_HASH,
    )
    anchor.mac = key.mac(anchor.canonical())
    anchor.save()
    return anchor


def key_for_append(organisation_id, chain, seq, head_hash):
    """The key to hash the entry after `seq` (hash `head_hash`) with. A new, empty chain gets
    its genesis anchor; a chain whose key changed gets a rotation anchor over its head."""
    key = current_key()
    last = (
        ChainAnchor.objects.filter(organisation_id=organisation_id, chain=chain)
        .exclude(kind="prune")
        .order_by("-number")
        .first()
    )
    if last is None:
        # Only an empty chain may start here: one with entries but no anchor was never
        # upgraded or lost its anchors, and `verify` says so (no anchor is written over it).
        if seq == 0:
            add_anchor(organisation_id, chain, "genesis", 0, GENESIS_HASH, key)
    elif last.key_id != key.id:
        add_anchor(organisation_id, chain, "rotation", seq, head_hash, key)
    return key


def head_of(organisation_id, chain):
    """(seq, hash) of the newest anchor that stands on an entry, for chains with no entries."""
    return (
        ChainAnchor.objects.filter(organisation_id=organisation_id, chain=chain)
        .order_by("-number")
        .values_list("seq", "head_hash")
        .first()
    )


@dataclass
class Problem:
    seq: int
    row_id: int | None
    reason: str


def check_anchors(anchors):
    """Problems of the anchors themselves: forged, edited, dropped or out of order."""
    problems = []
    expected, prev_mac, prev_seq, starts = 1, GENESIS_HASH, 0, 0
    for anchor in anchors:
        number = {"number": anchor.number}
        if anchor.number != expected:
            problems.append(
                Problem(
                    anchor.seq,
                    None,
                    _("anchors %(first)s to %(last)s are missing")
                    % {"first": expected, "last": anchor.number - 1},
                )
            )
        elif anchor.prev_mac != prev_mac:
            problems.append(
                Problem(
                    anchor.seq, None, _("anchor %(number)s does not follow the one before") % number
                )
            )
        key = key_by_id(anchor.key_id)
        if key is None:
            problems.append(
                Problem(
                    anchor.seq,
                    None,
                    _("anchor %(number)s: its key %(key)s is not available")
                    % {**number, "key": anchor.key_id},
                )
            )
        elif key.mac(anchor.canonical()) != anchor.mac:
            problems.append(
                Problem(anchor.seq, None, _("anchor %(number)s was forged or edited") % number)
            )
        if anchor.kind not in ChainAnchor.KINDS or anchor.seq < prev_seq:
            problems.append(
                Problem(anchor.seq, None, _("anchor %(number)s is out of place") % number)
            )
        if anchor.kind in STARTS:
            starts += 1
        elif anchor.kind == "rotation" and not starts:
            problems.append(
                Problem(
                    anchor.seq, None, _("anchor %(number)s re-keys a chain never started") % number
                )
            )
        expected, prev_mac, prev_seq = anchor.number + 1, anchor.mac, anchor.seq
    if starts > 1:
        problems.append(Problem(0, None, _("the chain was started more than once")))
    return problems


class Keys:
    """Which key hashed entry `seq`: that of the last anchor (genesis, upgrade, rotation)
    before it; none (plain SHA-256) for entries older than the upgrade anchor."""

    MISSING = object()

    def __init__(self, anchors):
        self.anchors = sorted(
            (a for a in anchors if a.kind != "prune"), key=lambda a: (a.seq, a.number)
        )
        self.index = -1

    def at(self, seq):
        while self.index + 1 < len(self.anchors) and self.anchors[self.index + 1].seq < seq:
            self.index += 1
        if self.index < 0:
            return None
        return key_by_id(self.anchors[self.index].key_id) or self.MISSING


def verify_rows(organisation_id, chain, rows, *, noun=None, nouns=None):
    """Walk `rows` (a queryset of one organisation's chain, with seq, prev_hash, hash and
    compute_hash(key)) against its anchors; return the problems (in the active language),
    empty when intact. `noun` and `nouns` name a row: "entry" and "entries" unless given."""
    noun, nouns = noun or _("entry"), nouns or _("entries")
    anchors = list(
        ChainAnchor.objects.filter(organisation_id=organisation_id, chain=chain).order_by("number")
    )
    problems = check_anchors(anchors)
    expected, prev_hash = 1, GENESIS_HASH
    prunes = [a for a in anchors if a.kind == "prune"]
    if prunes:  # older entries were removed by the retention period
        last_prune = max(prunes, key=lambda a: a.seq)
        expected, prev_hash = last_prune.seq + 1, last_prune.head_hash
    start = expected
    heads = {a.seq: a for a in anchors if a.kind in ("upgrade", "rotation")}
    keys = Keys(anchors)
    if not any(a.kind in STARTS for a in anchors) and rows.exists():
        problems.append(
            Problem(0, None, _("the chain has no keyed start: its anchors were removed"))
        )
    missing_key_reported, last_seq = False, start - 1
    for row in rows.filter(seq__gte=start).order_by("seq").iterator(chunk_size=2000):
        if row.seq != expected:
            problems.append(
                Problem(
                    expected,
                    None,
                    _("missing: %(nouns)s %(first)s to %(last)s were deleted")
                    % {"nouns": nouns, "first": expected, "last": row.seq - 1},
                )
            )
        elif row.prev_hash != prev_hash:
            problems.append(
                Problem(
                    row.seq, row.pk, _("does not follow the previous %(noun)s") % {"noun": noun}
                )
            )
        key = keys.at(row.seq)
        if key is Keys.MISSING:
            if not missing_key_reported:
                problems.append(
                    Problem(row.seq, row.pk, _("cannot be checked: its key is not available"))
                )
                missing_key_reported = True
        elif row.compute_hash(key) != row.hash:
            problems.append(Problem(row.seq, row.pk, _("edited after it was written")))
        anchor = heads.get(row.seq)
        if anchor is not None and anchor.head_hash != row.hash:
            problems.append(
                Problem(
                    row.seq,
                    row.pk,
                    _("does not match anchor %(number)s") % {"number": anchor.number},
                )
            )
        expected, prev_hash, last_seq = row.seq + 1, row.hash, row.seq
    for anchor in heads.values():
        if anchor.seq > last_seq:
            problems.append(
                Problem(
                    last_seq + 1,
                    None,
                    _(
                        "missing: %(nouns)s %(first)s to %(last)s were deleted (anchor "
                        "%(number)s stands on %(noun)s %(last)s)"
                    )
                    % {
                        "nouns": nouns,
                        "first": last_seq + 1,
                        "last": anchor.seq,
                        "number": anchor.number,
                        "noun": noun,
                    },
                )
            )
    return problems
