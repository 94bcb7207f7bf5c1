"""Backups: one encrypted archive of the database, the data directory's files and the secret key,
and the restore of it into a fresh data directory.

The database is copied consistently while Waarborg runs: SQLite through its backup API,
PostgreSQL with `pg_dump` (custom format; `pg_restore` puts it back into an empty database).
The archive is a tar file encrypted with a passphrase (scrypt, then AES-256-GCM in chunks of
1 MiB, each chunk bound to its number and the last one marked, so nothing can be cut off,
reordered or changed unnoticed). The key is never stored in the archive: without the passphrase
it cannot be read.
"""

import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"WAARBORG-BACKUP-1\n"
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SKIP = {"static", "demo", "backups"}  # rebuilt, or not part of this installation's data
DB_FILES = ("waarborg.sqlite3", "waarborg.sqlite3-wal", "waarborg.sqlite3-shm")


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why."""


def _key(passphrase, salt):
    if len(passphrase) < 12:
        raise BackupError("the passphrase must be at least 12 characters")
    kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return kdf.derive(passphrase.encode("utf-8"))


def _nonce(prefix, number, last):
    return prefix + struct.pack(">IB", number, 1 if last else 0) + b"\0" * 3


def encrypt_file(source, target, passphrase):
    """Encrypt the file `source` into `target` (see the module's docstring for the format)."""
    salt, prefix = os.urandom(16), os.urandom(4)
    cipher = AESGCM(_key(passphrase, salt))
    with open(source, "rb") as plain, open(target, "wb") as out:
        out.write(MAGIC + salt + prefix)
        number, chunk = 0, plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)
            last = not following
            sealed = cipher.encrypt(_nonce(prefix, number, last), chunk, MAGIC)
            out.write(struct.pack(">I", len(sealed)) + sealed)
            if last:
                return
            number, chunk = number + 1, following


def decrypt_file(source, target, passphrase):
    """Decrypt an archive made by `encrypt_file`; BackupError if the passphrase is wrong or
    the file was changed or cut short."""
    with open(source, "rb") as sealed_file, open(target, "wb") as out:
        head = sealed_file.read(len(MAGIC))
        if head != MAGIC:
            raise BackupError("this is not a Waarborg backup")
        salt, prefix = sealed_file.read(16), sealed_file.read(4)
        cipher = AESGCM(_key(passphrase, salt))
        number = 0
        while True:
            size = sealed_file.read(4)
            if len(size) < 4:
                raise BackupError("the backup is cut short")
            sealed = sealed_file.read(struct.unpack(">I", size)[0])
            for last in (False, True):
                try:
                    out.write(cipher.decrypt(_nonce(prefix, number, last), sealed, MAGIC))
                except InvalidTag:
                    continue
                break
            else:
                raise BackupError("wrong passphrase, or the backup was changed")
            if last:
                if sealed_file.read(1):
                    raise BackupError("the backup has data after its end")
                return
            number += 1


def _copy_sqlite(path, target):
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _pg_env(database):
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def _pg_args(database):
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    return args


def _tool(name):
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return found


def create_backup(output, passphrase, *, data_dir, database, secret_key_file=None):
    """Write the encrypted archive `output`; returns the names archived."""
    data_dir = Path(data_dir)
    output = Path(output).resolve()
    names = []
    with tempfile.TemporaryDirectory(prefix="waarborg-backup-") as work:
        work = Path(work)
        archive = work / "backup.tar"
        with tarfile.open(archive, "w") as tar:
            if database["ENGINE"].endswith("sqlite3"):
                copy = work / "database.sqlite3"
                _copy_sqlite(database["NAME"], copy)
                tar.add(copy, arcname="database.sqlite3")
                names.append("database.sqlite3")
            else:
                dump = work / "database.pgdump"
                subprocess.run(  # noqa: S603 (pg_dump from PATH, arguments from settings)
                    [_tool("pg_dump"), "-Fc", "-f", str(dump), *_pg_args(database),
                     database["NAME"]],
                    env=_pg_env(database), check=True, capture_output=True,
                )  # fmt: skip
                tar.add(dump, arcname="database.pgdump")
                names.append("database.pgdump")
            for item in sorted(data_dir.iterdir()) if data_dir.exists() else []:
                if item.name in SKIP or item.name in DB_FILES or item.resolve() == output:
                    continue
                tar.add(item, arcname=f"data/{item.name}")
                names.append(f"data/{item.name}")
            if secret_key_file and Path(secret_key_file).exists():
                tar.add(secret_key_file, arcname="secret_key")
                names.append("secret_key")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        encrypt_file(archive, partial, passphrase)
        os.chmod(partial, 0o600)
        partial.replace(output)  # a backup that stopped half-way never looks complete
    return names


def restore_backup(archive, passphrase, *, data_dir, database):
    """Restore an archive into `data_dir` (which must hold no database yet) and `database`."""
    data_dir = Path(data_dir)
    if (data_dir / "waarborg.sqlite3").exists():
        raise BackupError(f"{data_dir} already holds a database; restore into a new directory")
    with tempfile.TemporaryDirectory(prefix="waarborg-restore-") as work:
        work = Path(work)
        plain = work / "backup.tar"
        decrypt_file(archive, plain, passphrase)
        with tarfile.open(plain) as tar:
            tar.extractall(work / "out", filter="data")
        out = work / "out"
        data_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(data_dir, 0o700)
        if (out / "data").exists():
            for item in (out / "data").iterdir():
                target = data_dir / item.name
                if target.exists():
                    raise BackupError(f"{target} exists already; restore into a new directory")
                shutil.move(str(item), target)
        if (out / "secret_key").exists() and not (data_dir / "secret_key").exists():
            shutil.move(str(out / "secret_key"), data_dir / "secret_key")
        if (out / "database.sqlite3").exists():
            if not database["ENGINE"].endswith("sqlite3"):
                raise BackupError("this backup holds a SQLite database; restore it on SQLite")
            target = Path(database["NAME"])
            if target.exists():
                raise BackupError(f"{target} exists already; restore into a new directory")
            shutil.move(str(out / "database.sqlite3"), target)
            os.chmod(target, 0o600)
        elif (out / "database.pgdump").exists():
            if database["ENGINE"].endswith("sqlite3"):
                raise BackupError("this backup holds a PostgreSQL database; set the database URL")
            subprocess.run(  # noqa: S603 (pg_restore from PATH, arguments from settings)
                [_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", database["NAME"],
                 *_pg_args(database), str(out / "database.pgdump")],
                env=_pg_env(database), check=True, capture_output=True,
            )  # fmt: skip
        else:
            raise BackupError("the backup holds no database")
