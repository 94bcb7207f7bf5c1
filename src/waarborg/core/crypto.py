"""Encryption at rest and keyed hashes, with keys derived from the installation's secret key.

Credentials of systems, uploaded files and access packages are stored as Fernet tokens
(AES-128-CBC with HMAC-SHA256). Each use gets its own key, derived from SECRET_KEY with HKDF and
a purpose label, so a key of one kind never opens data of another. Keys from
SECRET_KEY_FALLBACKS still decrypt, which lets an operator rotate the secret key.
"""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
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


def encrypt_text(text, purpose):
    return encrypt_bytes(text.encode(), purpose).decode("ascii")


def decrypt_text(token, purpose):
    return decrypt_bytes(token.encode("ascii"), purpose).decode()


def keyed_hash(value, purpose):
    """A stable HMAC-SHA256 of `value` (hex): the same input gives the same output here only."""
    key = _derive(settings.SECRET_KEY, "hash:" + purpose)
    return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
