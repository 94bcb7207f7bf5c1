"""The demo's mail server and shared folder: a real dovecot with the demo mailbox over TLS
(its certificate in the data directory), or one line saying dovecot is missing."""

import imaplib
import os
import ssl
import tempfile

import pytest

from waarborg import cli
from waarborg.documents import demo_files, dovecot


def test_the_demo_mail_server_holds_the_demo_mailbox_over_tls(tmp_path):
    data = tmp_path / "demo"
    server = demo_files.start_mail_server(data)
    try:
        assert server.cafile == data / "mailserver-tls" / "cert.pem"
        assert len(server.uids(demo_files.MAILBOX_USER)) == 5
        # self-signed: trusted only with its own certificate
        with pytest.raises(ssl.SSLCertVerificationError):
            imaplib.IMAP4_SSL(server.host, server.port, ssl_context=ssl.create_default_context())
    finally:
        server.stop()
    assert server.process.poll() is not None
    if os.getuid() == 0:
        assert not server.root.exists()  # its temporary folder went with it


def test_the_shared_folder_is_beside_the_data_directory(tmp_path):
    folder = demo_files.write_folder(demo_files.shared_folder(tmp_path / "demo"))
    assert folder == tmp_path / "demo-gedeelde-schijf"
    names = {p.name for p in folder.rglob("*") if p.is_file()}
    assert {"offerte-2026-014.pdf", "contract-bakker.docx", "planning.xlsx"} <= names
    assert (folder / "offertes" / "offerte-2026-014.pdf").read_bytes().startswith(b"%PDF")


def test_without_dovecot_the_demo_says_so_in_one_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(dovecot, "DOVECOT", str(tmp_path / "geen-dovecot"))
    monkeypatch.setenv("WAARBORG_DOCUMENT_DIRS", tempfile.gettempdir())
    monkeypatch.delenv("WAARBORG_IMAP_CAFILE", raising=False)
    assert cli._demo_mail(tmp_path / "demo") is None
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "not installed" in out[0] and "folder only" in out[0]
    assert "WAARBORG_IMAP_CAFILE" not in os.environ
    dirs = os.environ["WAARBORG_DOCUMENT_DIRS"].split(",")
    assert dirs == [tempfile.gettempdir(), str(tmp_path / "demo-gedeelde-schijf")]
