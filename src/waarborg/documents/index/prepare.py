"""What an item becomes in the index, worked out apart from the index file: the text with its
BSNs removed, its key terms, and the sealed token of its row."""

import json
from dataclasses import dataclass, field

from waarborg.core import crypto
from waarborg.documents import recognise
from waarborg.documents.index.keyterms import KEY_PURPOSE, keys_of, token_with
from waarborg.documents.index.store import PURPOSE


@dataclass
class Item:
    """What a source hands the index for one file or message."""

    ref: str
    signature: str
    meta: dict
    text: str | None = None
    error: str = ""
    addresses: list = field(default_factory=list)
    # the listed ref this item was read from when that holds several (an MBOX file)
    container: str = ""


class Preparer:
    """What an item becomes in the index, worked out apart from the index file: the text with
    its BSNs removed (UAVG art. 46), its key terms, and the sealed meta, text and keys. It holds
    the keys it needs rather than reading settings, so that a pool of processes can prepare
    the items of a large run while one writer puts them in the file."""

    def __init__(self, seal_key, hash_key):
        self.seal_key, self.hash_key = seal_key, hash_key
        self.tokens = {}  # an address or number comes back in many items: hashed once

    @classmethod
    def of_installation(cls):
        return cls(crypto.gcm_key(PURPOSE), crypto.hash_key(KEY_PURPOSE))

    def seal(self, value):
        return crypto.seal_with(
            self.seal_key, json.dumps(value, ensure_ascii=False).encode(), PURPOSE
        )

    def token(self, kind, value):
        found = self.tokens.get((kind, value))
        if found is None:
            if len(self.tokens) > 65536:
                self.tokens.clear()
            found = token_with(self.hash_key, kind, value)
            self.tokens[kind, value] = found
        return found

    def __call__(self, item):
        """(ref, signature, container, meta, body, text, key terms) for the items table and
        the terms. A read item is one sealed token (its meta, text and key terms) in body and
        an empty meta; one that could not be read has its meta sealed, and body, text and key
        terms None."""
        meta = dict(item.meta)
        container = item.container or None
        if item.text is None:
            meta["error"] = item.error
            return (item.ref, item.signature, container, self.seal(meta), None, None, None)
        text, bsn_count = recognise.mask_bsn(item.text)
        meta["bsn_masked"] = bsn_count
        keys = keys_of(text, item.addresses, self.token)
        return (item.ref, item.signature, container, b"", self.seal([meta, text, keys]), text, keys)
