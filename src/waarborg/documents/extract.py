"""Text from the files and messages a document source holds: PDF (pypdf), DOCX (python-docx),
XLSX (openpyxl), CSV and TXT, EML and MBOX (the standard library) and Outlook MSG (extract-msg),
with the text of attachments. An MBOX file is read one message at a time (`mbox_messages`): each
message is an item of the index of its own.

Each function returns plain text; a file that cannot be read raises ExtractionError, which the
index records for the file so it is not read again until it changes.
"""

import contextvars
import csv
import email
import email.policy
import io
import mailbox
from contextlib import contextmanager
from email.utils import getaddresses
from pathlib import PurePath

MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = {".pdf", ".docx", ".xlsx", ".csv", ".txt", ".eml", ".mbox", ".msg"}
MAX_DEPTH = 3  # messages attached to messages attached to ...: read this deep, no deeper


class ExtractionError(Exception):
    pass


def decode(data):
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def pdf_text(data):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def docx_text(data):
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def xlsx_text(data):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells = [str(value) for value in row if value is not None]
            if cells:
                parts.append("\t".join(cells))
    book.close()
    return "\n".join(parts)


def csv_text(data):
    text = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return text
    return "\n".join("\t".join(row) for row in csv.reader(io.StringIO(text), dialect))


def message_fields(message):
    """Headers of a message that identify it and its people (for the hit list and matching)."""
    addresses = getaddresses(
        [str(message.get(name, "")) for name in ("From", "To", "Cc", "Bcc", "Reply-To")]
    )
    return {
        "subject": str(message.get("Subject", "")),
        "from": str(message.get("From", "")),
        "to": str(message.get("To", "")),
        "date": str(message.get("Date", "")),
        "message_id": str(message.get("Message-ID", "")).strip(),
        "addresses": sorted({address.lower() for _, address in addresses if "@" in address}),
    }


_unread = contextvars.ContextVar("unread_attachments", default=None)


@contextmanager
def noting_unread():
    """The names of the attachments whose content could not be read while the text of a
    message is made in this block: no reviewer saw them, so an access package never sends
    them unseen (requests.package)."""
    names = []
    token = _unread.set(names)
    try:
        yield names
    finally:
        _unread.reset(token)


def _unread_part(name):
    names = _unread.get()
    if names is not None:
        names.append(name or "?")
    return f"[{name}]"


def message_text(message, depth=0):
    """Headers, body and the text of attachments of one email.message.EmailMessage."""
    fields = message_fields(message)
    parts = [
        f"From: {fields['from']}",
        f"To: {fields['to']}",
        f"Cc: {message.get('Cc', '')}",
        f"Subject: {fields['subject']}",
    ]
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        payload = part.get_payload(decode=True) or b""
        if filename:
            try:
                parts.append(f"[{filename}]\n" + file_text(filename, payload, depth + 1))
            except ExtractionError:
                parts.append(_unread_part(filename))
        elif part.get_content_type() == "text/plain":
            parts.append(decode(payload))
        elif part.get_content_type() == "text/html":
            parts.append(_html_text(decode(payload)))
        else:  # an inline image and the like: not read, so no reviewer saw it
            _unread_part(part.get_content_type())
    return "\n".join(parts)


def _html_text(html):
    import lxml.html

    try:
        return lxml.html.fromstring(html).text_content()
    except Exception:  # noqa: BLE001 - an unreadable part is not a reason to skip the message
        return html


def parse_message(data):
    return email.message_from_bytes(data, policy=email.policy.default)


def eml_text(data, depth=0):
    return message_text(parse_message(data), depth)


def mbox_raw(path):
    """(number, bytes) of each message of an MBOX file, counted from 1 in file order: the
    message as written (RFC 822, without the mbox "From " line), as an .eml holds it."""
    box = mailbox.mbox(path, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            yield number, box.get_bytes(key)
    finally:
        box.close()


def mbox_messages(path):
    """(number, message) of each message of an MBOX file, counted from 1 in file order."""
    for number, raw in mbox_raw(path):
        yield number, parse_message(raw)


def digest(data):
    """The hash of an original as read when indexed, to know at package time that the file or
    message is still the one whose text was reviewed."""
    import hashlib

    return hashlib.sha256(data).hexdigest()


def mbox_text(path):
    return "\n\n".join(message_text(message) for _, message in mbox_messages(path))


def _address(name, address):
    name, address = (name or "").strip(), (address or "").strip()
    return f"{name} <{address}>" if name and address and name != address else name or address


def msg_message(data, depth=0):
    """(fields, text) of an Outlook .msg file: subject, sender, recipients, body and the text
    of its attachments (messages attached to it too), as for an e-mail."""
    import extract_msg

    message = extract_msg.openMsg(data, delayAttachments=False)
    try:
        return _msg_fields(message), _msg_text(message, depth)
    finally:
        message.close()


def _msg_fields(message):
    recipients = {"to": [], "cc": [], "bcc": []}
    addresses = set()
    for recipient in message.recipients:
        kind = {1: "to", 2: "cc", 3: "bcc"}.get(int(recipient.type or 1), "to")
        recipients[kind].append(_address(recipient.name, recipient.email))
        if recipient.email and "@" in recipient.email:
            addresses.add(recipient.email.strip().lower())
    sender = str(message.sender or "")
    addresses |= {address.lower() for _, address in getaddresses([sender]) if "@" in address}
    return {
        "subject": str(message.subject or ""),
        "from": sender,
        "to": "; ".join(recipients["to"]),
        "cc": "; ".join(recipients["cc"]),
        "date": message.date.isoformat() if message.date else "",
        "message_id": str(message.messageId or "").strip(),
        "addresses": sorted(addresses),
    }


def _msg_text(message, depth):
    fields = _msg_fields(message)
    parts = [
        f"From: {fields['from']}",
        f"To: {fields['to']}",
        f"Cc: {fields['cc']}",
        f"Subject: {fields['subject']}",
        str(message.body or "") or _html_text(decode(message.htmlBody or b"")),
    ]
    for attachment in message.attachments:
        name = str(getattr(attachment, "longFilename", "") or getattr(attachment, "name", ""))
        try:
            data = attachment.data
        except Exception:  # noqa: BLE001 - an unreadable attachment leaves the message readable
            parts.append(_unread_part(name))
            continue
        if isinstance(data, bytes) and name:
            try:
                parts.append(f"[{name}]\n" + file_text(name, data, depth + 1))
            except ExtractionError:
                parts.append(_unread_part(name))
        elif data is not None and hasattr(data, "attachments") and depth < MAX_DEPTH:
            # a message attached as a message (not as a file)
            parts.append(f"[{name or data.subject or ''}]\n" + _msg_text(data, depth + 1))
    return "\n".join(parts)


def msg_text(data, depth=0):
    return msg_message(data, depth)[1]


READERS = {
    ".pdf": pdf_text,
    ".docx": docx_text,
    ".xlsx": xlsx_text,
    ".csv": csv_text,
    ".txt": decode,
    ".eml": eml_text,
    ".msg": msg_text,
}


def file_text(name, data, depth=0):
    """The text of a file given its name (for the kind) and its bytes."""
    suffix = PurePath(name).suffix.lower()
    if depth > MAX_DEPTH:
        raise ExtractionError("attached too deep")
    reader = READERS.get(suffix)
    if reader is None:
        raise ExtractionError(f"unsupported file type {suffix or name}")
    if len(data) > MAX_BYTES:
        raise ExtractionError("file too large")
    try:
        return reader(data, depth) if reader in (msg_text, eml_text) else reader(data)
    except ExtractionError:
        raise
    except Exception as error:  # noqa: BLE001 - any parser failure means "cannot read"
        raise ExtractionError(f"{type(error).__name__}: {error}") from error


def path_text(path):
    path = PurePath(path)
    if path.suffix.lower() == ".mbox":
        try:
            return mbox_text(str(path))
        except Exception as error:  # noqa: BLE001
            raise ExtractionError(f"{type(error).__name__}: {error}") from error
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    return file_text(path.name, data)
