"""An IMAP mailbox as a source, over TLS only (port 993, implicit TLS; certificates checked).

Read-only unless the source allows writing: folders are opened with EXAMINE and messages
fetched with BODY.PEEK, so not even the \\Seen flag changes. A message is known by its folder,
the folder's UIDVALIDITY and its UID; IMAP messages never change, so a ref once indexed is not
read again, and a ref no longer listed was deleted or moved.

A mailbox signs in with its user name and password (LOGIN), or with an OAuth2 access token
(SASL XOAUTH2; the token from documents.oauth, Microsoft 365's client-credentials flow).
"""

import contextlib
import imaplib
import logging
import ssl

from django.conf import settings
from django.utils.translation import gettext as _

from waarborg.documents import extract, oauth
from waarborg.documents.index import Item

log = logging.getLogger("waarborg.documents")
TIMEOUT = 30


class MailboxError(Exception):
    pass


def failed(error):
    log.warning("IMAP connection failed: %s", str(error)[:300])
    # one message for every reason, as for databases: no probing of servers or passwords
    from waarborg.documents.actions import DocumentSourceError

    return DocumentSourceError(
        _("Cannot connect to the mailbox, or it refused the user name or password.")
    )


def _context():
    cafile = getattr(settings, "IMAP_CAFILE", "") or None
    return ssl.create_default_context(cafile=cafile)


def token_refused(error):
    log.warning("IMAP refused the access token: %s", str(error)[:300])
    from waarborg.documents.actions import DocumentSourceError

    return DocumentSourceError(
        _(
            "The mailbox refused the access token: check that the app may read this mailbox "
            "(IMAP.AccessAsApp, and access to the mailbox given in Exchange) and that the user "
            "name is the mailbox's address."
        )
    )


def _authenticator(username, token):
    answers = iter([oauth.xoauth2(username, token)])

    # after a refusal the server sends an error as a challenge: answer it with an empty line
    return lambda challenge: next(answers, b"")


def open_mailbox(host, port, username, password="", *, token=None):
    """A signed-in IMAP client: with the password, or with the OAuth2 `token` (XOAUTH2)."""
    from waarborg.sources.guard import host_allowed

    try:
        host_allowed(host)
    except Exception as error:  # noqa: BLE001 - refused hosts get the one message
        raise failed(error) from None
    try:
        client = imaplib.IMAP4_SSL(host, int(port), ssl_context=_context(), timeout=TIMEOUT)
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as error:
        raise failed(error) from None
    try:
        if token is None:
            client.login(username, password)
        else:
            client.authenticate("XOAUTH2", _authenticator(username, token))
    except imaplib.IMAP4.error as error:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.shutdown()
        if token is None:
            raise failed(error) from None
        oauth.forget(token)
        raise token_refused(error) from None
    except (OSError, ssl.SSLError) as error:
        raise failed(error) from None
    return client


def test_login(host, port, username, password="", *, token=None):
    client = open_mailbox(host, port, username, password, token=token)
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        client.logout()


def test_source_login(source):
    """Sign in and open each mail folder of the source (read-only), or DocumentSourceError:
    a folder that is not there is named when the source is connected or changed, not at the
    first indexing run."""
    from waarborg.documents.actions import DocumentSourceError

    no_mail_folder = _(
        "The mailbox has no mail folder %(folder)s, or Waarborg may not open it: check the "
        "name of the mail folder."
    )
    no_trash_folder = _(
        "The mailbox has no trash folder %(folder)s, or Waarborg may not open it: give the "
        'name of its trash folder (in Microsoft 365 often "Deleted Items").'
    )
    to_open = [(folder, "mail_folders", no_mail_folder) for folder in _folders(source)]
    if source.write_access:  # deleted messages are moved there first
        to_open.append((source.trash_folder or "Trash", "trash_folder", no_trash_folder))
    client = _source_client(source)
    try:
        for folder, field, message in to_open:
            try:
                _select(client, folder)
            except (MailboxError, imaplib.IMAP4.error):
                raise DocumentSourceError(message % {"folder": folder}, field=field) from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def _quote(folder):
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _select(client, folder, readonly=True):
    status, data = client.select(_quote(folder), readonly=readonly)
    if status != "OK":
        raise MailboxError(
            _("The mail folder %(folder)s of this mailbox cannot be opened.") % {"folder": folder}
        )
    _name, validity = client.response("UIDVALIDITY")
    return int(validity[0]) if validity and validity[0] else 0


def ref(folder, validity, uid):
    return f"{validity}:{uid}:{folder}"


def parse_ref(value):
    validity, uid, folder = value.split(":", 2)
    return folder, int(validity), int(uid)


def _folders(source):
    return source.mail_folders or ["INBOX"]


def _source_client(source):
    from waarborg.documents.models import Auth

    if source.auth == Auth.OAUTH2:
        token = oauth.source_token(source)
        return open_mailbox(source.host, source.port, source.username, token=token)
    return open_mailbox(source.host, source.port, source.username, source.password)


def listing(source):
    client = _source_client(source)
    try:
        for folder in _folders(source):
            validity = _select(client, folder)
            _, data = client.uid("SEARCH", "ALL")
            for uid in (data[0] or b"").split():
                yield ref(folder, validity, int(uid)), "1"
    finally:
        client.logout()


def _fetch(client, uid):
    status, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    for part in data or ():
        if isinstance(part, tuple):
            return part[1]
    return None


def loader(source):
    def load(refs):
        client = _source_client(source)
        try:
            current = None
            for value in refs:
                folder, validity, uid = parse_ref(value)
                if folder != current:
                    now = _select(client, folder)
                    current = folder
                meta = {"kind": "mail", "folder": folder, "uid": uid, "uidvalidity": validity}
                raw = _fetch(client, uid) if now == validity else None
                if raw is None:
                    yield Item(value, "1", meta, None, error="message not found")
                    continue
                message = extract.parse_message(raw)
                fields = extract.message_fields(message)
                meta.update(
                    fields,
                    title=fields["subject"] or _("(no subject)"),
                    size=len(raw),
                    sha256=extract.digest(raw),
                )
                with extract.noting_unread() as unread:
                    text = extract.message_text(message)
                if unread:
                    meta["unread"] = unread[:50]
                yield Item(value, "1", meta, text, addresses=fields["addresses"])
        finally:
            client.logout()

    return load


def fetch_raw(source, value):
    """The bytes of one indexed message (for an access package), read-only."""
    folder, validity, uid = parse_ref(value)
    client = _source_client(source)
    try:
        if _select(client, folder) != validity:
            return None
        return _fetch(client, uid)
    finally:
        client.logout()


def _capabilities(client):
    """The server's capabilities after signing in (the greeting's may be fewer)."""
    status, data = client.capability()
    if status != "OK" or not data:
        return set(client.capabilities)
    return set(data[-1].decode(errors="replace").upper().split())


def _refuse(message):
    """A refusal before anything in the mailbox changed, in the reader's language."""
    raise MailboxError(message)


def delete_messages(source, refs):
    """Move the messages to the trash folder and expunge them there. Returns evidence: per
    message its folder and Message-ID, the refs deleted, and the count actually deleted.
    Messages whose folder was renumbered (UIDVALIDITY), or that could not be copied to the
    trash, are left alone and listed as not found.

    Before anything changes, the trash folder must open, and on a server without UIDPLUS no
    folder may hold other messages marked for deletion: a plain EXPUNGE would remove those too.
    """
    if not source.write_access:
        _refuse(_("This mailbox is connected read-only; nothing was deleted."))
    client = _source_client(source)
    evidence = {"deleted": [], "deleted_refs": [], "not_found": []}
    try:
        by_folder = {}
        for value in refs:
            folder, validity, uid = parse_ref(value)
            by_folder.setdefault((folder, validity), []).append((uid, value))
        uidplus = "UIDPLUS" in _capabilities(client)
        try:
            _select(client, source.trash_folder, readonly=True)
        except MailboxError:
            _refuse(
                _(
                    "The trash folder %(folder)s of this mailbox cannot be opened: nothing was "
                    "deleted. Check the trash folder in the mailbox's settings."
                )
                % {"folder": source.trash_folder}
            )
        if not uidplus:
            for folder, _validity in by_folder:
                _select(client, folder, readonly=True)
                _status, data = client.uid("SEARCH", "DELETED")
                if (data and data[0] or b"").split():
                    _refuse(
                        _(
                            "The folder %(folder)s holds other messages marked for deletion, "
                            "and this server cannot remove only the person's: nothing was "
                            "deleted."
                        )
                        % {"folder": folder}
                    )
        ids = []
        for (folder, validity), items in by_folder.items():
            if _select(client, folder, readonly=False) != validity:
                evidence["not_found"] += [value for _uid, value in items]
                continue
            flagged = []
            for uid, value in items:
                status, data = client.uid(
                    "FETCH", str(uid), "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
                )
                header = next((p[1] for p in data or () if isinstance(p, tuple)), None)
                if header is None:
                    evidence["not_found"].append(value)
                    continue
                message_id = header.decode(errors="replace").partition(":")[2].strip()
                status, _data = client.uid("COPY", str(uid), _quote(source.trash_folder))
                if status != "OK":  # never deleted without its copy in the trash
                    evidence["not_found"].append(value)
                    continue
                client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
                flagged.append(uid)
                ids.append(message_id)
                evidence["deleted"].append({"folder": folder, "message_id": message_id})
                evidence["deleted_refs"].append(value)
            if not flagged:
                continue
            if uidplus:
                client.uid("EXPUNGE", ",".join(str(uid) for uid in flagged))
            else:
                client.expunge()  # checked above: only these are marked for deletion
        _empty_trash(client, source, ids)  # and gone from the trash as well
    except (OSError, imaplib.IMAP4.error) as error:
        raise failed(error) from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    evidence["count"] = len(evidence["deleted"])
    return evidence


def _empty_trash(client, source, message_ids):
    """Expunge the copies of these messages (by Message-ID) from the trash folder."""
    _select(client, source.trash_folder, readonly=False)
    for message_id in message_ids:
        if not message_id:
            continue
        _status, data = client.uid("SEARCH", "HEADER", "Message-ID", _quote(message_id))
        for uid in (data and data[0] or b"").split():
            client.uid("STORE", uid.decode(), "+FLAGS.SILENT", r"(\Deleted)")
    client.expunge()


def present_refs(source, refs):
    """Which of these messages are still in their folders (read-only: EXAMINE and UID SEARCH;
    a folder renumbered since, UIDVALIDITY, holds none of them)."""
    by_folder = {}
    for value in refs:
        folder, validity, uid = parse_ref(value)
        by_folder.setdefault((folder, validity), []).append((uid, value))
    client = _source_client(source)
    present = set()
    try:
        for (folder, validity), items in by_folder.items():
            try:
                if _select(client, folder) != validity:
                    continue
            except MailboxError:
                continue  # the folder is gone, and its messages with it
            uids = ",".join(str(uid) for uid, _value in items)
            _status, data = client.uid("SEARCH", "UID", uids)
            found = {int(uid) for uid in (data and data[0] or b"").split()}
            present |= {value for uid, value in items if uid in found}
    except (OSError, imaplib.IMAP4.error) as error:
        raise failed(error) from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return present


def finish_in_trash(source, message_ids):
    """After a deletion that was cut off: expunge what it left in the trash folder."""
    if not source.write_access or not message_ids:
        return
    client = _source_client(source)
    try:
        _empty_trash(client, source, message_ids)
    except MailboxError:
        return  # no trash folder to empty: the messages' copies are not there either
    except (OSError, imaplib.IMAP4.error) as error:
        raise failed(error) from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
