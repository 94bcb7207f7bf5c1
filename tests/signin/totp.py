"""Codes of an authenticator app, computed here from the secret as the app does (RFC 6238:
HMAC-SHA1 over the 30-second step, six digits), never by asking Waarborg."""

import base64
import hashlib
import hmac
import struct
import time


def totp_code(secret, at=None, step=30, digits=6):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)
