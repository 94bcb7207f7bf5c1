"""Encryption at rest and keyed hashes, with keys derived from the installation's secret key.

Credentials of systems, uploaded files and access packages are stored as Fernet tokens
(AES-128-CBC with HMAC-SHA256). Each use gets its own key, derived from SECRET_KEY with HKDF and
a purpose label, so a key of one kind never opens data of another. Keys from
SECRET_KEY_FALLBACKS still decrypt, which lets an operator rotate the secret key.

Where many small values are sealed in a row (the document index: several per mail), seal_bytes
uses AES-256-GCM instead, with a key derived the same way: a tenth of Fernet's time per value,
as authenticated. Its tokens begin with a version byte that no Fernet token begins with, so
open_bytes reads both.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class DecryptionError(Exception):
    """The data was not encrypted with any of this installation's keys, or was changed."""


@lru_cache(maxsize=64)
def _derive(secret, purpose):
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode())
    return kdf.derive(secret.encode())


@lru_cache(maxsize=32)
def _fernet(purpose, secret, fallbacks):
    keys = [secret, *fallbacks]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_derive(key, purpose))) for key in keys])


def _cipher(purpose):
    return _fernet(purpose, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS))


def encrypt_bytes(data, purpose):
    return _cipher(purpose).encrypt(data)


def decrypt_bytes(token, purpose):
    try:
        return _cipher(purpose).decrypt(bytes(token))
    except InvalidToken as error:
        raise DecryptionError(purpose) from error


_GCM = b"\x01"  # a Fernet token begins with 0x80, or "g" in its base64 form


@lru_cache(maxsize=32)
def _gcm(purpose, secret, fallbacks):
    return [_aes_gcm(_derive(key, "gcm:" + purpose)) for key in (secret, *fallbacks)]


@lru_cache(maxsize=32)
def _aes_gcm(key):
    return AESGCM(key)


def gcm_key(purpose):
    """The key seal_bytes seals with now, for seal_with in a process without settings."""
    return _derive(settings.SECRET_KEY, "gcm:" + purpose)


def seal_with(key, data, purpose):
    """seal_bytes with a key from gcm_key."""
    nonce = os.urandom(12)
    return _GCM + nonce + _aes_gcm(key).encrypt(nonce, data, purpose.encode())


def seal_bytes(data, purpose):
    """AES-256-GCM with a random 96-bit nonce; the purpose is bound in as associated data."""
    return seal_with(gcm_key(purpose), data, purpose)


def open_bytes(token, purpose):
    """What seal_bytes (or encrypt_bytes, for older data) sealed."""
    token = bytes(token)
    if token[:1] != _GCM:
        return decrypt_bytes(token, purpose)
    for cipher in _gcm(purpose, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS)):
        try:
            return cipher.decrypt(token[1:13], token[13:], purpose.encode())
        except InvalidTag:
            continue
    raise DecryptionError(purpose)


def encrypt_text(text, purpose):
    return encrypt_bytes(text.encode(), purpose).decode("ascii")


def decrypt_text(token, purpose):
    return decrypt_bytes(token.encode("ascii"), purpose).decode()


@lru_cache(maxsize=32)
def _keyed(secret, purpose):
    # keyed once: each hash copies this state instead of deriving and keying again
    return hmac.new(_derive(secret, "hash:" + purpose), digestmod=hashlib.sha256)


def hash_key(purpose):
    """The key of keyed_hash, for a process without settings (the same HMAC with it)."""
    return _derive(settings.SECRET_KEY, "hash:" + purpose)


def keyed_hash(value, purpose):
    """A stable HMAC-SHA256 of `value` (hex): the same input gives the same output here only."""
    mac = _keyed(settings.SECRET_KEY, purpose).copy()
    mac.update(str(value).encode())
    return mac.hexdigest()
