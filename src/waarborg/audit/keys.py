"""The keys of the tamper-evident chains (audit trail, consent ledger): never in the database.

The current key is the first line of the file `WAARBORG_AUDIT_KEY_FILE` when it is set, else
one derived from SECRET_KEY. Earlier keys stay usable for checking: the file's further lines,
the key derived from SECRET_KEY (when a file is used) and those derived from
SECRET_KEY_FALLBACKS. To rotate: put the new key first (or change SECRET_KEY and move the old
one to the fallbacks); each chain's next entry starts with a keyed anchor for the new key.
"""

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE_VARIABLE = "WAARBORG_AUDIT_KEY_FILE"
MIN_KEY_LENGTH = 32


@dataclass(frozen=True)
class ChainKey:
    id: str  # names the key in anchors; reveals nothing about it
    secret: bytes

    def mac(self, text):
        return hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()


def _derive(material):
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"waarborg:chain-key")
    return kdf.derive(material.encode())


def _key(material):
    secret = _derive(material)
    return ChainKey(hmac.new(secret, b"key id", hashlib.sha256).hexdigest()[:16], secret)


def _file_lines(path):
    """The keys in the file, read again only when it changed (every entry asks)."""
    try:
        stat = os.stat(path)
    except OSError as error:
        raise ImproperlyConfigured(
            f"{KEY_FILE_VARIABLE}={path!r} cannot be read: {error.strerror}"
        ) from error
    stamp = (path, stat.st_mtime_ns, stat.st_size)
    if _file_cache.get("stamp") != stamp:
        _file_cache["lines"] = _read_lines(path)
        _file_cache["stamp"] = stamp
    return _file_cache["lines"]


_file_cache = {}


def _read_lines(path):
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise ImproperlyConfigured(
            f"{KEY_FILE_VARIABLE}={path!r} cannot be read: {error.strerror}"
        ) from error
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines or any(len(line) < MIN_KEY_LENGTH for line in lines):
        raise ImproperlyConfigured(
            f"{KEY_FILE_VARIABLE}={path!r}: one key per line, each at least "
            f"{MIN_KEY_LENGTH} characters, the current one first"
        )
    return lines


_cache = {}


def keyring(environ=os.environ):
    """All known keys, the current one first."""
    path = environ.get(KEY_FILE_VARIABLE, "")
    materials = [*(_file_lines(path) if path else []), settings.SECRET_KEY]
    materials += list(settings.SECRET_KEY_FALLBACKS)
    cache_key = tuple(materials)
    if cache_key not in _cache:
        keys, seen = [], set()
        for material in materials:
            key = _key(material)
            if key.id not in seen:
                seen.add(key.id)
                keys.append(key)
        _cache.clear()
        _cache[cache_key] = keys
    return _cache[cache_key]


def current_key():
    return keyring()[0]


def key_by_id(key_id):
    """The key with this id, or None when this installation no longer has it."""
    for key in keyring():
        if key.id == key_id:
            return key
    return None
