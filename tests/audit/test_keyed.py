"""Keyed chains, tried as the probe did: an entry rewritten and the rest re-hashed, entries
deleted behind a forged anchor, anchors edited or dropped, a whole chain rewritten with the
key; the upgrade from plain SHA-256 chains, key rotation and the external witness."""

import hashlib
import importlib
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from waarborg.audit import keys
from waarborg.audit.actions import record_entry, verify_chain
from waarborg.audit.models import GENESIS_HASH, AuditAnchor, AuditEntry, ChainAnchor
from waarborg.audit.witness import check_witness, write_witness
from waarborg.consent import actions as consent
from waarborg.consent.models import Action, ConsentEvent, Mechanism, Source
from waarborg.core import actions as core_actions

upgrade = importlib.import_module("waarborg.audit.migrations.0005_key_the_chains")


@pytest.fixture(autouse=True)
def english():
    """Problems are asserted in English here; the Dutch wording is covered by the catalogue
    (and by tests/core/test_languages.py)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _entries(organisation):
    return list(AuditEntry.objects.filter(organisation=organisation).order_by("seq"))


def _grow(organisation, owner, count):
    """Add `count` entries (each update changes the phone number)."""
    for _number in range(count):
        seq = AuditEntry.objects.filter(organisation=organisation).count()
        core_actions.update_organisation(organisation, actor=owner, phone=f"010-{seq:04d}")


def _set(table, pk, **values):
    columns = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {columns} WHERE id = %s",  # noqa: S608 (names from the test)
            [*values.values(), pk],
        )


def _rehash_from(organisation, first_seq, key=None, change=None):
    """What an intruder with database access does: edit entry `first_seq`, then recompute
    every hash from there on so that each entry follows the one before (SHA-256 unless a
    key is given)."""
    entries = _entries(organisation)
    prev = next((e.hash for e in entries if e.seq == first_seq - 1), GENESIS_HASH)
    for entry in entries:
        if entry.seq < first_seq:
            continue
        if entry.seq == first_seq and change:
            for field, value in change.items():
                setattr(entry, field, value)
        entry.prev_hash = prev
        entry.hash = entry.compute_hash(key)
        _set(
            "audit_auditentry",
            entry.pk,
            object_repr=entry.object_repr,
            prev_hash=entry.prev_hash,
            hash=entry.hash,
        )
        prev = entry.hash


def test_new_chains_start_keyed_and_verify(organisation, owner):
    _grow(organisation, owner, 3)
    anchors = list(ChainAnchor.objects.filter(organisation=organisation, chain="audit"))
    assert [(a.kind, a.seq, a.key_id) for a in anchors] == [("genesis", 0, keys.current_key().id)]
    first = _entries(organisation)[0]
    assert first.hash == keys.current_key().mac(first.canonical())
    assert first.hash != hashlib.sha256(first.canonical().encode()).hexdigest()
    assert verify_chain(organisation) == []


def test_an_entry_rewritten_and_the_rest_rehashed_fails(organisation, owner):
    _grow(organisation, owner, 5)
    _rehash_from(organisation, 3, change={"object_repr": "Iemand anders"})
    problems = verify_chain(organisation)
    assert problems and problems[0].seq == 3
    assert {p.reason for p in problems} == {"edited after it was written"}


def test_rehashing_with_another_key_fails_too(organisation, owner):
    _grow(organisation, owner, 3)
    guessed = keys.ChainKey("0" * 16, b"a guess at the key, 32 bytes long")
    _rehash_from(organisation, 2, key=guessed, change={"object_repr": "x"})
    assert [p.seq for p in verify_chain(organisation)][:1] == [2]


def test_entries_deleted_behind_a_forged_anchor_fail(organisation, owner):
    _grow(organisation, owner, 6)
    entries = _entries(organisation)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditentry WHERE organisation_id = %s AND seq <= 4",
            [organisation.pk],
        )
    head = AuditEntry.objects.filter(organisation=organisation).order_by("-seq").first()
    assert head.hash == entries[-1].hash  # the head is unchanged
    # The old way: an AuditAnchor row, written by hand, says the chain starts after #4.
    AuditAnchor.objects.bulk_create(
        [
            AuditAnchor(
                organisation=organisation, seq=4, hash=entries[3].hash, pruned_at=timezone.now()
            )
        ]
    )
    problems = verify_chain(organisation)
    assert any("entries 1 to 4 were deleted" in p.reason for p in problems)
    # A keyed-looking anchor without the key: its MAC does not hold.
    last = ChainAnchor.objects.filter(organisation=organisation).order_by("-number").first()
    forged = ChainAnchor(
        organisation=organisation,
        chain="audit",
        number=last.number + 1,
        kind="prune",
        seq=4,
        head_hash=entries[3].hash,
        key_id=last.key_id,
        created_at=timezone.now(),
        prev_mac=last.mac,
    )
    forged.mac = hashlib.sha256(forged.canonical().encode()).hexdigest()
    forged.save()
    reasons = [p.reason for p in verify_chain(organisation)]
    assert f"anchor {forged.number} was forged or edited" in reasons


def test_anchors_edited_or_removed_fail(organisation, owner):
    _grow(organisation, owner, 2)
    genesis = ChainAnchor.objects.get(organisation=organisation, chain="audit")
    _set("audit_chainanchor", genesis.pk, seq=1)
    assert "anchor 1 was forged or edited" in [p.reason for p in verify_chain(organisation)]
    _set("audit_chainanchor", genesis.pk, seq=0)
    assert verify_chain(organisation) == []
    ChainAnchor.objects.filter(organisation=organisation).delete()
    reasons = [p.reason for p in verify_chain(organisation)]
    assert "the chain has no keyed start: its anchors were removed" in reasons
    # Nor does the next entry quietly start the chain again over what is there.
    core_actions.update_organisation(organisation, actor=owner, phone="1")
    assert not ChainAnchor.objects.filter(organisation=organisation).exists()
    assert verify_chain(organisation)


def _make_legacy(organisation):
    """The state before the upgrade: no anchors, every hash plain SHA-256."""
    ChainAnchor.objects.filter(organisation=organisation, chain="audit").delete()
    _rehash_from(organisation, 1)


def test_the_upgrade_keeps_old_chains_verifying_and_unforgeable(organisation, owner):
    _grow(organisation, owner, 4)
    _make_legacy(organisation)
    legacy_head = _entries(organisation)[-1]
    upgrade.key_the_chains(apps, None)
    anchor = ChainAnchor.objects.get(organisation=organisation, chain="audit")
    assert (anchor.kind, anchor.seq, anchor.head_hash) == (
        "upgrade",
        legacy_head.seq,
        legacy_head.hash,
    )
    assert verify_chain(organisation) == []
    _grow(organisation, owner, 2)  # written keyed, after the old head
    newest = _entries(organisation)[-1]
    assert newest.hash == keys.current_key().mac(newest.canonical())
    assert verify_chain(organisation) == []
    # An old, plain entry rewritten and the old part re-hashed: the anchor still holds.
    entries = _entries(organisation)
    prev = GENESIS_HASH
    for entry in entries[: legacy_head.seq]:
        if entry.seq == 2:
            entry.object_repr = "vervalst"
        entry.prev_hash = prev
        entry.hash = entry.compute_hash(None)
        _set(
            "audit_auditentry",
            entry.pk,
            object_repr=entry.object_repr,
            hash=entry.hash,
            prev_hash=prev,
        )
        prev = entry.hash
    reasons = {p.reason for p in verify_chain(organisation)}
    assert "does not match anchor 1" in reasons


def test_an_upgrade_after_pruning_anchors_the_pruned_start(organisation, owner):
    _grow(organisation, owner, 5)
    _make_legacy(organisation)
    entries = _entries(organisation)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditentry WHERE organisation_id = %s AND seq <= 2",
            [organisation.pk],
        )
    AuditAnchor.objects.bulk_create(
        [
            AuditAnchor(
                organisation=organisation, seq=2, hash=entries[1].hash, pruned_at=timezone.now()
            )
        ]
    )
    upgrade.key_the_chains(apps, None)
    kinds = list(
        ChainAnchor.objects.filter(organisation=organisation)
        .order_by("number")
        .values_list("kind", flat=True)
    )
    assert kinds == ["prune", "upgrade"]
    assert verify_chain(organisation) == []


def test_key_rotation_anchors_the_head_with_the_new_key(organisation, owner, settings):
    _grow(organisation, owner, 2)
    old = keys.current_key()
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "n" * 50
    new = keys.current_key()
    assert new.id != old.id
    head = _entries(organisation)[-1]
    _grow(organisation, owner, 2)
    rotation = ChainAnchor.objects.filter(organisation=organisation).order_by("-number").first()
    assert (rotation.kind, rotation.seq, rotation.head_hash, rotation.key_id) == (
        "rotation",
        head.seq,
        head.hash,
        new.id,
    )
    assert _entries(organisation)[-1].hash == new.mac(_entries(organisation)[-1].canonical())
    assert verify_chain(organisation) == []
    # Without the old key the entries before the rotation cannot be checked: said so.
    settings.SECRET_KEY_FALLBACKS = []
    reasons = [p.reason for p in verify_chain(organisation)]
    assert "cannot be checked: its key is not available" in reasons
    assert f"anchor 1: its key {old.id} is not available" in reasons


def test_a_key_file_holds_the_key_outside_the_database(organisation, owner, tmp_path, monkeypatch):
    _grow(organisation, owner, 1)
    key_file = tmp_path / "chain.key"
    key_file.write_text("# current key first\n" + "f" * 48 + "\n")
    monkeypatch.setenv(keys.KEY_FILE_VARIABLE, str(key_file))
    _grow(organisation, owner, 1)
    assert (
        ChainAnchor.objects.filter(organisation=organisation).order_by("-number")[0].kind
        == "rotation"
    )
    assert verify_chain(organisation) == []
    key_file.write_text("too short\n")
    with pytest.raises(Exception, match="at least 32 characters"):
        keys.keyring()


def test_pruning_keeps_verifying_and_its_anchor_is_keyed(organisation, owner):
    from waarborg.retention.actions import prune_audit

    _grow(organisation, owner, 4)
    future = timezone.localtime() + timezone.timedelta(days=1)
    removed = prune_audit(organisation, future.replace(tzinfo=None), actor=owner)
    assert removed >= 5
    prune = ChainAnchor.objects.filter(organisation=organisation, kind="prune").get()
    assert prune.seq == removed
    remaining = _entries(organisation)
    assert [e.action for e in remaining] == ["audit.prune"] and remaining[0].seq == removed + 1
    assert verify_chain(organisation) == []


def test_a_chain_rewritten_with_the_key_fails_against_the_witness(organisation, owner, tmp_path):
    _grow(organisation, owner, 3)
    witness = tmp_path / "witness.jsonl"
    records = write_witness(str(witness))
    assert {(r["organisation"], r["chain"]) for r in records} == {("firma-een-bv", "audit")}
    assert check_witness(witness.read_text()) == []
    assert oct(witness.stat().st_mode & 0o777) == "0o600"
    # Someone holding the database and the key rewrites entry 2 and re-keys the rest: the
    # chain itself holds, the witness does not.
    _rehash_from(organisation, 2, key=keys.current_key(), change={"object_repr": "x"})
    assert verify_chain(organisation) == []
    problems = check_witness(witness.read_text())
    assert len(problems) == 1 and "the entry was rewritten" in problems[0]


def test_dropping_the_newest_entries_fails_against_the_witness(organisation, owner, tmp_path):
    _grow(organisation, owner, 3)
    witness = tmp_path / "witness.jsonl"
    write_witness(str(witness))
    newest = _entries(organisation)[-1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [newest.pk])
    assert verify_chain(organisation) == []  # nothing in the database shows it
    problems = check_witness(witness.read_text())
    assert problems == [
        f"firma-een-bv: audit #{newest.seq} (witnessed {json.loads(witness.read_text())['at']}): "
        "the entry is missing"
    ]


def test_verify_command_with_a_witness(organisation, owner, tmp_path, capsys):
    witness = tmp_path / "heads.jsonl"
    call_command("audit_witness", "--to", str(witness))
    assert "1 chain head(s) written" in capsys.readouterr().out
    call_command("audit_verify", "--witness", str(witness))
    assert "ok witness" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE organisation_id = %s", [organisation.pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify", "--witness", str(witness))
    assert exit_info.value.code == 1
    assert "the entry is missing" in capsys.readouterr().err
    with pytest.raises(Exception, match="cannot be read"):
        call_command("audit_verify", "--witness", str(tmp_path / "nothing-here"))


def test_the_witness_can_be_mailed(organisation, owner, mailoutbox):
    write_witness("auditor@buiten.example")
    (message,) = mailoutbox
    assert message.to == ["auditor@buiten.example"]
    assert message.subject.startswith("Waarborg: koppen van de auditketens op ")
    assert '"chain": "audit"' in message.body
    assert check_witness(message.body) == []


@pytest.fixture
def newsletter(organisation, owner):
    return consent.save_purpose(
        organisation,
        actor=owner,
        key="nieuwsbrief",
        name={"nl": "Nieuwsbrief"},
        channel="email",
        mechanism=Mechanism.OPT_IN,
        wording={"nl": "Ja, stuur mij de nieuwsbrief."},
    )


def test_the_consent_chain_is_keyed_and_a_rehashed_event_fails(organisation, newsletter):
    for address in ("a@x.nl", "b@x.nl", "c@x.nl"):
        consent.record_event(newsletter, address, Action.GRANTED, source=Source.FORM)
    assert consent.verify_ledger(organisation) == []
    anchor = ChainAnchor.objects.get(organisation=organisation, chain="consent")
    assert anchor.kind == "genesis"
    events = list(ConsentEvent.objects.filter(organisation=organisation).order_by("seq"))
    # The probe's way: change the second event and re-hash the rest with SHA-256.
    prev = events[0].hash
    for event in events[1:]:
        if event.seq == 2:
            event.person_key = "intruder@x.nl"
        event.prev_hash = prev
        event.hash = ConsentEvent.link(event.seq, prev, event.body_hash(), None)
        _set(
            "consent_consentevent",
            event.pk,
            person_key=event.person_key,
            prev_hash=event.prev_hash,
            hash=event.hash,
        )
        prev = event.hash
    problems = consent.verify_ledger(organisation)
    assert [seq for seq, _reason in problems] == [2, 3]


def test_a_legacy_consent_chain_keeps_verifying_after_the_upgrade(organisation, newsletter):
    for address in ("a@x.nl", "b@x.nl"):
        consent.record_event(newsletter, address, Action.GRANTED, source=Source.FORM)
    consent.seal(organisation.pk)
    ChainAnchor.objects.filter(organisation=organisation, chain="consent").delete()
    prev = GENESIS_HASH
    for event in ConsentEvent.objects.filter(organisation=organisation).order_by("seq"):
        event.prev_hash, event.hash = (
            prev,
            ConsentEvent.link(event.seq, prev, event.body_hash(), None),
        )
        _set("consent_consentevent", event.pk, prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
    with transaction.atomic():
        from waarborg.consent.models import ChainHead

        ChainHead.objects.filter(organisation=organisation).update(hash=prev)
    assert consent.verify_ledger(organisation)  # no keyed start yet
    upgrade.key_the_chains(apps, None)
    assert consent.verify_ledger(organisation) == []
    consent.record_event(newsletter, "c@x.nl", Action.GRANTED, source=Source.FORM)
    consent.seal(organisation.pk)
    assert consent.verify_ledger(organisation) == []
    newest = ConsentEvent.objects.filter(organisation=organisation).order_by("-seq").first()
    assert newest.hash == ConsentEvent.link(
        newest.seq, newest.prev_hash, newest.body_hash(), keys.current_key()
    )


@pytest.mark.django_db(transaction=True)
def test_record_entry_after_everything_was_pruned_continues_the_chain(organisation, owner):
    entries = _entries(organisation)
    with transaction.atomic():
        AuditAnchor.objects.create(
            organisation=organisation,
            seq=entries[-1].seq,
            hash=entries[-1].hash,
            pruned_at=timezone.now(),
        )
        AuditEntry.objects.filter(organisation=organisation).delete()
        entry = record_entry(organisation, actor=None, action="audit.prune")
    assert entry.seq == entries[-1].seq + 1 and entry.prev_hash == entries[-1].hash
    assert verify_chain(organisation) == []
