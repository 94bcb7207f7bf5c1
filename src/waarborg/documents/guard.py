"""Which folders a document source may read: only below a folder of WAARBORG_DOCUMENT_DIRS
(none by default), after symlinks, and never Waarborg's own data directory. One message for
every reason a folder is refused; the reason goes to the log."""

import logging
import os

from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger("waarborg.documents")


class FolderRefused(Exception):
    pass


def refused():
    return FolderRefused(
        _(
            "Waarborg may not read this folder. A document folder must be in a folder the "
            "operator allows (WAARBORG_DOCUMENT_DIRS)."
        )
    )


def _inside(base, real):
    return os.path.commonpath([base, real]) == base


def _allowed_bases():
    for folder in getattr(settings, "DOCUMENT_DIRS", []):
        try:
            yield os.path.realpath(folder, strict=True)
        except OSError:
            continue


def _missing_inside(written):
    """Whether a path that is not there would be inside an allowed folder: its nearest parent
    that is there lies inside one after symlinks (a link out of it says nothing of outside)."""
    parent = written
    while not os.path.exists(parent) and os.path.dirname(parent) != parent:
        parent = os.path.dirname(parent)
    real = os.path.realpath(parent)
    return any(_inside(base, real) for base in _allowed_bases())


def allowed_folder(path):
    """The real path of a folder a source may read, or FolderRefused. A path that is not
    absolute, and one below an allowed folder that is not there, are told apart from the
    rest: that says nothing of folders Waarborg may not read."""
    given = os.path.expanduser(str(path).strip())
    if not os.path.isabs(given):
        raise FolderRefused(_("Give the folder's full path, beginning with /."))
    try:
        real = os.path.realpath(given, strict=True)
    except (OSError, ValueError) as error:
        log.info("document folder %r refused: %s", path, error)
        if _missing_inside(os.path.normpath(given)):
            # one text for every such folder: it is kept as the reason an indexing run failed
            raise FolderRefused(_("This folder does not exist: check the path.")) from None
        raise refused() from None
    if not os.path.isdir(real):
        log.info("document folder %r refused: not a folder", path)
        raise refused()
    own = os.path.realpath(settings.DATA_DIR)
    if _inside(real, own) or _inside(own, real):
        log.warning("document folder %r refused: Waarborg's data directory", path)
        raise refused()
    for base in _allowed_bases():
        if _inside(base, real):
            return real
    log.info("document folder %r refused: not in WAARBORG_DOCUMENT_DIRS", path)
    raise refused()


def allowed_file(root, real_file):
    """A file found below root is read only when its real path is still below root (a
    symlink inside the folder must not lead out of it)."""
    real = os.path.realpath(real_file)
    return _inside(root, real) and os.path.isfile(real)
