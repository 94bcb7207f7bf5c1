"""A folder of documents as a source: its files, recursively, filtered by include and exclude
patterns (fnmatch on the path below the folder: `*.pdf`, `archief/*`), listed with a signature
(modification time and size) so the index reads only new and changed files."""

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
                text = extract.path_text(full)
            except (OSError, extract.ExtractionError) as error:
                # kept as failed with its signature: read again only once the file changes
                yield Item(relative, signature, meta, None, error=str(error)[:300])
                continue
            yield Item(relative, signature, meta, text)

    return load
