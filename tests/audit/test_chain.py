"""The audit chain: append-only in code, and hand edits in the database are detected."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from waarborg.audit.actions import record_entry, verify_chain
from waarborg.audit.models import AppendOnlyError, AuditEntry


def _entries(organisation):
    return list(AuditEntry.objects.filter(organisation=organisation).order_by("seq"))


def test_entries_chain_per_organisation(organisation, other_organisation):
    first, second = _entries(organisation)[:2]
    assert first.seq == 1 and second.seq == 2
    assert second.prev_hash == first.hash
    assert _entries(other_organisation)[0].seq == 1
    assert verify_chain(organisation) == []


def test_entries_cannot_be_changed_or_deleted_through_the_model(organisation):
    entry = _entries(organisation)[0]
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.django_db(transaction=True)
def test_record_entry_needs_the_actions_transaction(organisation, owner):
    with pytest.raises(RuntimeError):
        record_entry(organisation, actor=owner, action="x.y")
    with transaction.atomic():
        entry = record_entry(organisation, actor=None, action="x.y", new={"n": 1})
    assert entry.actor_label == "system"


def _raw_update(entry, column, value):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_auditentry SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, entry.pk],
        )


def test_a_hand_edited_entry_is_found_and_named(organisation, owner):
    entry = _entries(organisation)[0]
    _raw_update(entry, "object_repr", "Someone else")
    problems = verify_chain(organisation)
    assert [(p.seq, p.entry_id) for p in problems] == [(1, entry.pk)]
    assert "bewerkt" in str(problems[0])


def test_an_edited_json_value_is_found(organisation):
    entry = _entries(organisation)[0]
    _raw_update(entry, "new", '{"slug": "forged"}')
    assert [p.seq for p in verify_chain(organisation)] == [1]


def test_a_deleted_entry_is_found(organisation, owner, handler):
    doomed = _entries(organisation)[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [doomed.pk])
    problems = verify_chain(organisation)
    assert problems and problems[0].seq == 2
    assert "verwijderd" in problems[0].reason


def test_verify_command_exit_codes(organisation, capsys):
    call_command("audit_verify")
    assert "ok firma-een-bv" in capsys.readouterr().out
    entry = _entries(organisation)[0]
    _raw_update(entry, "action", "core.nothing")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit_verify")
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert f"regel #1 (id {entry.pk})" in captured.err
    assert "MISLUKT firma-een-bv" in captured.out


def test_audit_list_filters(client_for, owner, organisation, handler):
    client = client_for(owner)
    page = client.get(reverse("audit:list"), {"action": "core.membership"}).content.decode()
    assert "core.membership.created" in page
    assert "core.organisation.created" not in page
    page = client.get(reverse("audit:list"), {"actor": "nobody-like-this"}).content.decode()
    assert "core.membership.created" not in page
    detail = client.get(reverse("audit:detail", args=[1]))
    assert detail.status_code == 200
    assert _entries(organisation)[0].hash in detail.content.decode()


def test_audit_list_query_count_does_not_grow(
    client_for, owner, organisation, django_assert_max_num_queries
):
    from waarborg.core import actions

    for number in range(60):
        actions.update_organisation(organisation, actor=owner, phone=str(number))
    client = client_for(owner)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("audit:list")).status_code == 200


def test_cli_verify_fails_on_tampering(tmp_path):
    """`waarborg audit verify` on a real file database: 0 when intact, 1 naming the entry."""
    env = {"WAARBORG_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    waarborg = [sys.executable, "-m", "waarborg.cli"]
    init = subprocess.run(
        [
            *waarborg,
            "init",
            "--no-input",
            "--email",
            "a@b.example",
            "--password",
            "pw-long-enough",
            "--org-name",
            "Proef B.V.",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    ok = subprocess.run([*waarborg, "audit", "verify"], env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    import sqlite3

    with sqlite3.connect(tmp_path / "waarborg.sqlite3") as db:
        db.execute("UPDATE audit_auditentry SET actor_label = 'intruder' WHERE seq = 2")
    bad = subprocess.run([*waarborg, "audit", "verify"], env=env, capture_output=True, text=True)
    assert bad.returncode == 1
    assert "proef-bv: regel #2" in bad.stderr


def test_the_trail_reads_in_words_and_exports_for_excel(client_for, owner, organisation, viewer):
    from waarborg.core.spreadsheets import read_csv

    client = client_for(viewer)
    page = client.get(reverse("audit:list")).content.decode()
    assert "Lid toegevoegd" in page and "core.membership.created</td>" not in page
    detail = client.get(reverse("audit:detail", args=[1])).content.decode()
    assert "Organisatie aangemaakt" in detail
    response = client.get(reverse("audit:export"), {"action": "core.membership"})
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response.content.decode())
    assert rows and all(row["handeling"] == "Lid toegevoegd" for row in rows)
    assert all(row["handelingscode"] == "core.membership.created" for row in rows)
    other = client_for(viewer).get(reverse("audit:export")).content.decode()
    assert "Ander B.V." not in other  # only this organisation's entries


def test_an_entrys_values_read_in_words_and_are_kept_as_recorded(
    client_for, owner, organisation, viewer
):
    entry = record_entry(
        organisation,
        actor=owner,
        action="register.item.saved",
        new={"duration": "P7Y", "due_on": "2027-01-04", "stages": ["P5M"], "key": "PX"},
    )
    client = client_for(viewer)
    client.cookies["waarborg_language"] = "nl"
    page = client.get(reverse("audit:detail", args=[entry.seq])).content.decode()
    shown = page.split("Nieuwe waarden", 1)[1].split("Zoals vastgelegd", 1)[0]
    assert "7 jaar" in shown and "4 januari 2027" in shown and "5 maanden" in shown
    assert "P7Y" not in shown and "2027-01-04" not in shown and "PX" in shown
    assert "P7Y" in page.split("Zoals vastgelegd", 1)[1]  # the evidence as it is
    client.cookies["waarborg_language"] = "en"
    page = client.get(reverse("audit:detail", args=[entry.seq])).content.decode()
    assert "7 years" in page and "4 January 2027" in page


def test_an_object_is_named_in_the_readers_language_and_kept_as_recorded(
    client_for, owner, organisation, other_organisation, viewer
):
    from waarborg.register.models import System

    system = System.objects.create(
        organisation=organisation,
        key="ketels",
        name={"nl": "Servicecontracten cv-ketels", "en": "Boiler service contracts"},
    )
    with translation.override("nl"):
        entry = record_entry(organisation, actor=owner, action="register.item.saved", obj=system)
    # another organisation's object with an id an entry could name: never shown here
    stranger = System.objects.create(
        organisation=other_organisation, key="geheim", name={"nl": "Geheim", "en": "Secret"}
    )
    forged = record_entry(organisation, actor=owner, action="register.item.saved")
    AuditEntry.objects.filter(pk=forged.pk).update(
        object_type="register.system", object_id=str(stranger.pk), object_repr="weg"
    )
    client = client_for(viewer)
    client.cookies["waarborg_language"] = "en"
    listing = client.get(reverse("audit:list")).content.decode()
    assert "Boiler service contracts" in listing and "Secret" not in listing
    detail = client.get(reverse("audit:detail", args=[entry.seq])).content.decode()
    assert "Boiler service contracts" in detail and "Servicecontracten cv-ketels" in detail
    assert "Secret" not in client.get(reverse("audit:detail", args=[forged.seq])).content.decode()
    client.cookies["waarborg_language"] = "nl"
    listing = client.get(reverse("audit:list")).content.decode()
    assert "Servicecontracten cv-ketels" in listing and "Boiler service" not in listing


def test_what_waarborg_did_itself_is_named_in_the_pages_language(client_for, owner, organisation):
    with transaction.atomic():
        record_entry(organisation, actor=None, action="retention.item")
    client = client_for(owner)
    for language, name in (("nl", "Waarborg (automatisch)"), ("en", "Waarborg (automatically)")):
        client.cookies["waarborg_language"] = language
        page = client.get(reverse("audit:list")).content.decode()
        assert f"<td>{name}</td>" in page
        assert "<td>system</td>" not in page
        found = client.get(reverse("audit:list"), {"actor": name.split()[1].strip("()")})
        assert f"<td>{name}</td>" in found.content.decode()
