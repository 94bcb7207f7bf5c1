"""The full-text index of mail and document sources: one SQLite FTS5 file in the data directory
(0600), beside Waarborg's own database.

FTS5 was chosen over Tantivy: it ships with Python's sqlite3 (no native dependency, one file)
and on bench/mail_index.py's 100,000 mails the term index is not where the time goes. A bare
insert of their text takes 1.4-1.5 s in FTS5 and 1.7-1.8 s in Tantivy; Waarborg's own work
per item (BSN removal, phone numbers and addresses as keyed hashes, sealing, the items table)
takes 10-10.5 s in one process with FTS5 and about as long with Tantivy (6.2-6.3 s with FTS5
and a writing process), and reading the mail through documents.extract fourteen times as long;
a look-up's candidate query takes 0.6-0.7 ms in FTS5 and 0.2 ms in Tantivy, of 15-16 ms
(median) for the whole look-up. The FTS table is contentless: it holds the terms a search
needs and nothing else. What is needed to show a hit (the text with BSNs removed, the title,
the folder, the message id) is stored beside it, sealed with AES-256-GCM in one token with the
item's key terms (core.crypto.seal_bytes; an older index's tokens, one for each and some
Fernet, still open). E-mail addresses and phone numbers found in an item (and the addresses of
a message's headers) are indexed as keyed hashes (core.crypto.keyed_hash) beside the text's
words, so that a look-up finds them in any notation; an IBAN is found by its words
(iban_query). The words are plain: what is written in an item can be read back from its terms,
which is why the file is 0600 and has a retention of its own.

Indexing is incremental: a source lists (ref, signature) pairs; only refs that are new or whose
signature changed are read again, and refs no longer listed are removed. A listed ref may hold
several items (an MBOX file, one item per message, each with the file as its `container`):
they are read, replaced and removed together, by the file's signature. Each batch is committed
with its progress, so an interrupted run resumes where it stopped and reads nothing twice. A
large run has the index file written by a process of its own (writer) while this process
reads the source and prepares the items (prepare), on a machine with many cores with a pool of
preparing processes (indexing).

The steps: store (the file, its rows and look-ups), keyterms (addresses and phone numbers),
prepare (what an item becomes), writer (who writes the file during a run) and indexing (the
run).

The index has its own retention (documents.actions.apply_index_retention, nightly): its terms
are plain, so what it no longer needs goes.
"""

from waarborg.documents.index.indexing import Run, update
from waarborg.documents.index.keyterms import (
    KEY_PURPOSE,
    email_key,
    emails_in,
    forget_lines,
    key_token,
    keys_of,
    min_digits,
    normal_phone,
    phone_key,
    phones_in,
    token_with,
)
from waarborg.documents.index.prepare import Item, Preparer
from waarborg.documents.index.store import (
    AUTOMERGE,
    PURPOSE,
    SCHEMA,
    candidates,
    configure,
    connect,
    drop_source,
    forget,
    iban_query,
    item_text,
    listed_items,
    load_items,
    path,
    phrase,
    refs_of,
    signatures,
    source_ids,
    status,
)

__all__ = [
    "AUTOMERGE", "KEY_PURPOSE", "PURPOSE", "SCHEMA", "Item", "Preparer", "Run", "candidates",
    "configure", "connect", "drop_source", "email_key", "emails_in", "forget", "forget_lines",
    "iban_query", "item_text", "key_token", "keys_of", "listed_items", "load_items", "min_digits",
    "normal_phone", "path", "phone_key", "phones_in", "phrase", "refs_of", "signatures",
    "source_ids", "status", "token_with", "update",
]  # fmt: skip
