"""A small Outlook .msg file written from scratch for the tests: a Compound File Binary (version
3, 512-byte sectors, a mini stream for the small streams) holding the MAPI properties of
MS-OXMSG (subject, sender, recipients, body, attachments). No Outlook is needed to make one,
and Waarborg reads it through the real extractor (extract-msg).
"""

import struct

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FAT_SECTOR, NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF

PT_LONG, PT_SYSTIME, PT_UNICODE, PT_BINARY = 0x0003, 0x0040, 0x001F, 0x0102


def _unicode(tag_id, text):
    return (tag_id, PT_UNICODE, text.encode("utf-16-le"))


def _binary(tag_id, data):
    return (tag_id, PT_BINARY, data)


def _properties(header, variable, fixed):
    """The __properties_version1.0 stream plus the __substg1.0_ streams of `variable`."""
    entries = [header]
    streams = {}
    for tag_id, kind, data in variable:
        streams[f"__substg1.0_{tag_id:04X}{kind:04X}"] = data
        size = len(data) + (2 if kind == PT_UNICODE else 0)
        entries.append(struct.pack("<HHIII", kind, tag_id, 0x6, size, 0))
    for tag_id, kind, value in fixed:
        entries.append(struct.pack("<HHIQ", kind, tag_id, 0x6, value))
    streams["__properties_version1.0"] = b"".join(entries)
    return streams


def _filetime(moment):
    import datetime

    epoch = datetime.datetime(1601, 1, 1, tzinfo=datetime.UTC)
    return int((moment - epoch).total_seconds() * 10_000_000)


def msg_bytes(subject, sender, recipients, body, *, attachments=(), sent=None):
    """The bytes of a .msg file. `sender` and each recipient are (name, address);
    `attachments` are (file name, bytes)."""
    name, address = sender
    variable = [
        _unicode(0x001A, "IPM.Note"),
        _unicode(0x0037, subject),
        _unicode(0x0E1D, subject),
        _unicode(0x0C1A, name),
        _unicode(0x0C1F, address),
        _unicode(0x0C1E, "SMTP"),
        _unicode(0x5D01, address),
        _unicode(0x0042, name),
        _unicode(0x0065, address),
        _unicode(0x1000, body),
        _unicode(0x0E04, "; ".join(n for n, _ in recipients)),
    ]
    fixed = [(0x0E07, PT_LONG, 0x1)]
    if sent is not None:
        fixed.append((0x0039, PT_SYSTIME, _filetime(sent)))
    header = struct.pack("<8sIIII8s", b"", len(recipients), len(attachments), len(recipients),
                         len(attachments), b"")  # fmt: skip
    tree = _properties(header, variable, fixed)
    for number, (who, where) in enumerate(recipients):
        tree[f"__recip_version1.0_#{number:08X}"] = _properties(
            b"\0" * 8,
            [
                _unicode(0x3001, who),
                _unicode(0x3003, where),
                _unicode(0x39FE, where),
                _unicode(0x3002, "SMTP"),
            ],  # fmt: skip
            [(0x0C15, PT_LONG, 1), (0x3000, PT_LONG, number)],
        )
    for number, (filename, data) in enumerate(attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = _properties(
            b"\0" * 8,
            [
                _unicode(0x3707, filename),
                _unicode(0x3704, filename[:12]),
                _binary(0x3701, data),
            ],  # fmt: skip
            [(0x3705, PT_LONG, 1), (0x0E21, PT_LONG, number)],
        )
    tree["__nameid_version1.0"] = {
        "__substg1.0_00020102": b"",
        "__substg1.0_00030102": b"",
        "__substg1.0_00040102": b"",
    }
    return compound_file(tree)


# The compound file ----------------------------------------------------------------------


def _order(name):
    # siblings are kept in a tree ordered by length first, then by upper-cased name
    return (len(name), name.upper())


class _Entry:
    def __init__(self, name, kind, data=b"", children=None):
        self.name, self.kind, self.data = name, kind, data
        self.children = children or []
        self.left = self.right = self.child = NONE
        self.start, self.size = END, len(data)


def _flatten(tree):
    entries = [_Entry("Root Entry", 5)]

    def add(parent, items):
        children = []
        for name, value in sorted(items.items(), key=lambda kv: _order(kv[0])):
            entry = _Entry(name, 1) if isinstance(value, dict) else _Entry(name, 2, value)
            entries.append(entry)
            children.append(len(entries) - 1)
            if isinstance(value, dict):
                add(entry, value)
        # a chain to the right, in order: a valid (if unbalanced) binary search tree
        if children:
            parent.child = children[0]
            for this, following in zip(children, children[1:], strict=False):
                entries[this].right = following

    add(entries[0], tree)
    return entries


def _chain(fat, first, count):
    for offset in range(count):
        fat[first + offset] = first + offset + 1 if offset < count - 1 else END


def compound_file(tree):
    entries = _flatten(tree)
    small = [e for e in entries if e.kind == 2 and 0 < e.size < CUTOFF]
    large = [e for e in entries if e.kind == 2 and e.size >= CUTOFF]
    mini_stream, mini_fat = b"", []
    for entry in small:
        count = -(-entry.size // MINI)
        entry.start = len(mini_fat)
        _chain_list(mini_fat, entry.start, count)
        mini_stream += entry.data.ljust(count * MINI, b"\0")
    sectors = lambda size: -(-size // SECTOR)  # noqa: E731
    directory_count = sectors(len(entries) * 128)
    mini_fat_count = sectors(len(mini_fat) * 4)
    mini_stream_count = sectors(len(mini_stream))
    large_counts = [sectors(e.size) for e in large]
    body = directory_count + mini_fat_count + mini_stream_count + sum(large_counts)
    fat_count = 1
    while fat_count * 128 < body + fat_count:
        fat_count += 1
    if fat_count > 109:
        raise ValueError("too large for a test file")
    fat = [FREE] * (fat_count * 128)
    for number in range(fat_count):
        fat[number] = FAT_SECTOR
    position = fat_count
    directory_start = position
    _chain(fat, position, directory_count)
    position += directory_count
    mini_fat_start = position if mini_fat_count else END
    _chain(fat, position, mini_fat_count)
    position += mini_fat_count
    root = entries[0]
    root.start = position if mini_stream_count else END
    root.size = len(mini_stream)
    _chain(fat, position, mini_stream_count)
    position += mini_stream_count
    for entry, count in zip(large, large_counts, strict=True):
        entry.start = position
        _chain(fat, position, count)
        position += count

    difat = list(range(fat_count)) + [FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"", 0x3E, 3, 0xFFFE, 9, 6, b"",
        0, fat_count, directory_start, 0, CUTOFF, mini_fat_start, mini_fat_count, END, 0,
    ) + struct.pack("<109I", *difat)  # fmt: skip
    out = [header]
    out.append(struct.pack(f"<{len(fat)}I", *fat))
    directory = b"".join(_directory_entry(e) for e in entries)
    out.append(directory.ljust(directory_count * SECTOR, b"\0"))
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat)
    out.append(mini_fat_bytes.ljust(mini_fat_count * SECTOR, b"\xff"))
    out.append(mini_stream.ljust(mini_stream_count * SECTOR, b"\0"))
    for entry, count in zip(large, large_counts, strict=True):
        out.append(entry.data.ljust(count * SECTOR, b"\0"))
    return b"".join(out)


def _chain_list(fat, first, count):
    for offset in range(count):
        fat.append(first + offset + 1 if offset < count - 1 else END)


def _directory_entry(entry):
    name = entry.name.encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name, len(name) + 2, entry.kind, 1, entry.left, entry.right, entry.child,
        b"", 0, 0, 0, entry.start, entry.size,
    )  # fmt: skip
