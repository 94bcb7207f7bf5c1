"""The originals of indexed items, read at package time: a message's RFC 822 bytes from the
mailbox (EXAMINE and BODY.PEEK: read-only, not even \\Seen changes), a file's bytes from the
folder (below the source's allowed folder only), one message of an MBOX file as written.

`Originals` keeps one signed-in mailbox per source while a package is built. What it returns
is checked by the caller against the hash kept when the item was indexed and reviewed: a
changed or vanished original is never what goes out.
"""

import contextlib
import imaplib
import os
import ssl
from pathlib import PurePosixPath

from waarborg.documents import extract, guard, imap
from waarborg.documents.models import Kind


class Unreachable(Exception):
    """A mailbox could not be read (connection, sign-in, a folder): nothing is to be packed."""

    def __init__(self, source):
        super().__init__(source.name)
        self.source = source


def suffix_of(source, ref, meta):
    """The file kind of an item's original: ".eml" for a message (of a mailbox or an MBOX),
    else the file's own."""
    if source.kind == Kind.IMAP or meta.get("message"):
        return ".eml"
    return PurePosixPath(meta.get("path") or ref).suffix.lower()


class Originals:
    def __init__(self):
        self._clients = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        for client in self._clients.values():
            with contextlib.suppress(OSError, imaplib.IMAP4.error, ssl.SSLError):
                client.logout()
        self._clients.clear()

    def fetch(self, source, ref, meta):
        """The bytes of the item's original, or None when it is gone. Raises Unreachable when
        a mailbox cannot be read."""
        if source.kind == Kind.IMAP:
            return self._message(source, ref)
        return _file(source, ref, meta)

    def _message(self, source, ref):
        folder, validity, uid = imap.parse_ref(ref)
        try:
            client = self._clients.get(source.pk)
            if client is None:
                client = self._clients[source.pk] = imap._source_client(source)
            try:
                if imap._select(client, folder) != validity:  # the folder was renumbered
                    return None
            except imap.MailboxError:  # the folder is gone, and the message with it
                return None
            return imap._fetch(client, uid)
        except Exception as error:
            from waarborg.documents.actions import DocumentSourceError

            if isinstance(error, DocumentSourceError | OSError | imaplib.IMAP4.error):
                self._clients.pop(source.pk, None)
                raise Unreachable(source) from None
            raise


def _file(source, ref, meta):
    try:
        root = guard.allowed_folder(source.path)
    except guard.FolderRefused:
        return None
    relative = meta.get("path") or ref
    full = os.path.join(root, relative)
    # the same path rule as the listing: a symlink may not lead out of the folder
    if PurePosixPath(relative).is_absolute() or not guard.allowed_file(root, full):
        return None
    try:
        if meta.get("message"):
            number = int(meta["message"])
            return next((raw for n, raw in extract.mbox_raw(full) if n == number), None)
        with open(full, "rb") as handle:
            data = handle.read(extract.MAX_BYTES + 1)
    except Exception:  # noqa: BLE001 - an original that cannot be read is gone
        return None
    return data if len(data) <= extract.MAX_BYTES else None
