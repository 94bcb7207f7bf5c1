"""A folder of documents as a source: its files, recursively, filtered by include and exclude
patterns (fnmatch on the path below the folder: `*.pdf`, `archief/*`), listed with a signature
(modification time and size) so the index reads only new and changed files.

An MBOX file is listed once but indexed per message (ref "<path>#<n>", n counted from 1), so a
hit points at one message with its own subject, sender and date; an MSG file is one message.
"""

import fnmatch
import os
from datetime import UTC, datetime
from pathlib import PurePosixPath

from waarborg.documents import extract, guard
from waarborg.documents.index import Item


def _matches(relative, patterns):
    name = PurePosixPath(relative).name
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)


def wanted(relative, include, exclude):
    if PurePosixPath(relative).suffix.lower() not in extract.SUFFIXES:
        return False
    if include and not _matches(relative, include):
        return False
    return not _matches(relative, exclude)


def listing(source):
    """(relative path, signature) of every file the source covers."""
    root = guard.allowed_folder(source.path)
    include, exclude = source.patterns("include"), source.patterns("exclude")
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(folder, name)
            relative = PurePosixPath(os.path.relpath(full, root)).as_posix()
            if not wanted(relative, include, exclude) or not guard.allowed_file(root, full):
                continue
            info = os.stat(full)
            yield relative, f"{info.st_mtime_ns}:{info.st_size}"


def message_ref(relative, number):
    return f"{relative}#{number}"


def _message_meta(meta, fields):
    meta = dict(meta, **{k: v for k, v in fields.items() if k != "addresses"})
    meta["title"] = fields["subject"] or meta["title"]
    return meta


def _mbox_items(full, relative, signature, meta):
    for number, raw in extract.mbox_raw(full):
        message = extract.parse_message(raw)
        fields = extract.message_fields(message)
        item_meta = _message_meta(meta, fields)
        item_meta["message"] = number
        item_meta["sha256"] = extract.digest(raw)
        with extract.noting_unread() as unread:
            text = extract.message_text(message)
        if unread:
            item_meta["unread"] = unread[:50]
        yield Item(
            message_ref(relative, number),
            signature,
            item_meta,
            text,
            addresses=fields["addresses"],
            container=relative,
        )


def _read(full, relative, signature, meta):
    suffix = PurePosixPath(relative).suffix.lower()
    if suffix == ".mbox":
        try:
            # listed whole first: a file that breaks half-way is one unreadable item
            items = list(_mbox_items(full, relative, signature, meta))
        except Exception as error:  # noqa: BLE001 - any parser failure means "cannot read"
            raise extract.ExtractionError(f"{type(error).__name__}: {error}") from error
        # an empty file is kept as an empty item, so it is not read again until it changes
        return items or [Item(relative, signature, meta, "")]
    with open(full, "rb") as handle:
        data = handle.read(extract.MAX_BYTES + 1)
    if len(data) > extract.MAX_BYTES:
        raise extract.ExtractionError("file too large")
    # the text is read from these very bytes: their hash says at package time whether the
    # file is still the one reviewed
    meta = dict(meta, sha256=extract.digest(data))
    with extract.noting_unread() as unread:  # attachments of an EML or MSG file
        if suffix == ".msg":
            try:
                fields, text = extract.msg_message(data)
            except Exception as error:  # noqa: BLE001
                raise extract.ExtractionError(f"{type(error).__name__}: {error}") from error
            meta = _message_meta(meta, fields)
            addresses = fields["addresses"]
        else:
            text, addresses = extract.file_text(relative, data), []
    if unread:
        meta["unread"] = unread[:50]
    return [Item(relative, signature, meta, text, addresses=addresses)]


def loader(source):
    root = guard.allowed_folder(source.path)

    def load(refs):
        for relative in refs:
            full = os.path.join(root, relative)
            meta = {"kind": "file", "path": relative, "title": PurePosixPath(relative).name}
            signature = ""
            try:
                info = os.stat(full)
                signature = f"{info.st_mtime_ns}:{info.st_size}"
                meta["size"] = info.st_size
                # the file's date: a statutory minimum of an erasure request counts from it
                meta["modified"] = datetime.fromtimestamp(info.st_mtime, UTC).isoformat()
                items = _read(full, relative, signature, meta)
            except (OSError, extract.ExtractionError) as error:
                # kept as failed with its signature: read again only once the file changes
                yield Item(relative, signature, meta, None, error=str(error)[:300])
                continue
            yield from items

    return load
