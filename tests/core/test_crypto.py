"""Sealing with AES-GCM (core.crypto.seal_bytes): what it seals opens only with this
installation's keys and the same purpose, older Fernet tokens still open, and a rotated secret
key still opens what the old one sealed."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waarborg.core import crypto


@given(st.binary(max_size=2000))
def test_sealed_bytes_open_again_and_never_show_the_value(data):
    token = crypto.seal_bytes(data, "document-index")
    assert crypto.open_bytes(token, "document-index") == data
    if len(data) >= 8:
        assert data not in token


def test_fernet_tokens_of_an_older_index_still_open():
    token = crypto.encrypt_bytes(b"Jan de Vries", "document-index")
    assert crypto.open_bytes(token, "document-index") == b"Jan de Vries"


def test_another_purpose_or_a_changed_byte_does_not_open():
    token = crypto.seal_bytes(b"Jan de Vries", "document-index")
    with pytest.raises(crypto.DecryptionError):
        crypto.open_bytes(token, "access-package")
    for position in (1, 13, len(token) - 1):
        changed = bytearray(token)
        changed[position] ^= 1
        with pytest.raises(crypto.DecryptionError):
            crypto.open_bytes(bytes(changed), "document-index")


def test_a_rotated_secret_key_still_opens_what_the_old_one_sealed(settings):
    token = crypto.seal_bytes(b"Jan de Vries", "document-index")
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 60, [old]
    assert crypto.open_bytes(token, "document-index") == b"Jan de Vries"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(crypto.DecryptionError):
        crypto.open_bytes(token, "document-index")
