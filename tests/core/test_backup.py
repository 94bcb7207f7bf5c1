"""`waarborg backup` and `waarborg restore`, run as an operator runs them: a backup of a live
installation restored on a fresh data directory with only the archive and the passphrase."""

import sqlite3
import subprocess
import sys

import pytest

from waarborg import backup

WAARBORG = [sys.executable, "-m", "waarborg.cli"]
PASSPHRASE = "correct horse battery staple"


def run(args, data_dir, passphrase=PASSPHRASE):
    env = {"WAARBORG_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"}
    if passphrase is not None:
        env["WAARBORG_BACKUP_PASSPHRASE"] = passphrase
    return subprocess.run(
        [*WAARBORG, *args], env=env, capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A data directory with an owner, an organisation, an uploaded file and an audit trail."""
    data = tmp_path_factory.mktemp("live")
    result = run(
        ["init", "--no-input", "--email", "eigenaar@firma.example", "--password",
         "lang-genoeg-1", "--org-name", "Firma Proef B.V."],
        data,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (data / "files").mkdir(exist_ok=True)
    (data / "files" / "upload.txt").write_text("een bestand")
    archive = tmp_path_factory.mktemp("out") / "waarborg.backup"
    result = run(["backup", "-o", str(archive)], data)
    assert result.returncode == 0, result.stderr
    return data, archive


def test_a_restore_on_a_fresh_directory_gives_a_working_installation(installation, tmp_path):
    data, archive = installation
    assert archive.stat().st_mode & 0o777 == 0o600
    assert b"eigenaar@firma.example" not in archive.read_bytes()  # encrypted
    fresh = tmp_path / "fresh"
    result = run(["restore", str(archive)], fresh)
    assert result.returncode == 0, result.stderr
    assert (fresh / "secret_key").read_text() == (data / "secret_key").read_text()
    assert (fresh / "files" / "upload.txt").read_text() == "een bestand"
    with sqlite3.connect(fresh / "waarborg.sqlite3") as db:
        assert db.execute("SELECT email FROM core_user").fetchall() == [("eigenaar@firma.example",)]
    verified = run(["audit", "verify"], fresh)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    consent = run(["consent", "verify"], fresh)
    assert consent.returncode == 0, consent.stdout + consent.stderr


def test_a_wrong_passphrase_or_a_changed_archive_restores_nothing(installation, tmp_path):
    _data, archive = installation
    wrong = run(["restore", str(archive)], tmp_path / "a", passphrase="not the passphrase")
    assert wrong.returncode == 2 and "wrong passphrase" in wrong.stderr
    assert not (tmp_path / "a").exists()
    changed = tmp_path / "changed.backup"
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 1
    changed.write_bytes(bytes(raw))
    result = run(["restore", str(changed)], tmp_path / "b")
    assert result.returncode == 2 and not (tmp_path / "b").exists()
    cut = tmp_path / "cut.backup"
    cut.write_bytes(archive.read_bytes()[:-100])
    assert run(["restore", str(cut)], tmp_path / "c").returncode == 2


def test_a_restore_never_overwrites_an_installation(installation):
    data, archive = installation
    result = run(["restore", str(archive)], data)
    assert result.returncode == 2 and "new directory" in result.stderr


def test_without_a_passphrase_nothing_is_written(installation, tmp_path):
    data, _archive = installation
    result = run(["backup", "-o", str(tmp_path / "x.backup")], data, passphrase=None)
    assert result.returncode == 2 and not (tmp_path / "x.backup").exists()
    short = run(["backup", "-o", str(tmp_path / "y.backup")], data, passphrase="short")
    assert short.returncode == 2 and not (tmp_path / "y.backup").exists()


def test_chunks_cannot_be_dropped_or_reordered(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(b"a" * (backup.CHUNK * 2 + 10))
    sealed = tmp_path / "sealed"
    backup.encrypt_file(plain, sealed, PASSPHRASE)
    backup.decrypt_file(sealed, tmp_path / "back", PASSPHRASE)
    assert (tmp_path / "back").read_bytes() == plain.read_bytes()
    raw = sealed.read_bytes()
    head = len(backup.MAGIC) + 20
    size = int.from_bytes(raw[head : head + 4], "big") + 4
    first, second = raw[head : head + size], raw[head + size : head + 2 * size]
    for variant in (raw[:head] + second + first + raw[head + 2 * size :], raw[: head + 2 * size]):
        changed = tmp_path / "changed"
        changed.write_bytes(variant)
        with pytest.raises(backup.BackupError):
            backup.decrypt_file(changed, tmp_path / "out", PASSPHRASE)
