"""A local dovecot IMAP server for the demo and the mailbox tests: its own configuration in a
folder of its own, TLS on a free port of 127.0.0.1 with a self-signed certificate made here,
users in a passwd-file, mail in maildirs. Never a mail server for real mail.

With `introspection_url`, it also signs users in with SASL XOAUTH2 and OAUTHBEARER through its
oauth2 passdb, which asks that (local) endpoint whether a bearer token is valid and whose it is.

It is started in the foreground; its log goes to a pipe, and the server is ready when it logs
that it is starting up (its listeners are bound before that line), so nobody waits blindly.
"""

import datetime
import getpass
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def available():
    return os.access(DOVECOT, os.X_OK)


CONFIG = """
instance_name = waarborg-test-{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = /dev/stderr
info_log_path = /dev/stderr
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{certs}/cert.pem
ssl_key = <{certs}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login{mechanisms}
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Trash {{
    special_use = \\Trash
    auto = create
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
{oauth2}userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


OAUTH2_PASSDB = """passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""

# "auth" mode: dovecot sends the token as "Authorization: Bearer" to the endpoint, as it
# would to Microsoft Graph's /me, and takes the user from its "mail" field
OAUTH2_ARGS = """introspection_mode = auth
introspection_url = {url}
username_attribute = mail
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_certificate(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (folder / "key.pem").chmod(0o600)
    return folder / "cert.pem"


@dataclass
class Dovecot:
    host: str
    port: int
    cafile: Path
    users: dict
    process: subprocess.Popen
    root: Path
    remove_root: bool = False

    def context(self):
        return ssl.create_default_context(cafile=str(self.cafile))

    def login(self, user):
        client = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=self.context())
        client.login(user, self.users[user])
        return client

    def append(self, user, folder, message):
        client = self.login(user)
        try:
            if folder != "INBOX":
                client.create(folder)
            client.append(folder, None, None, message.as_bytes())
        finally:
            client.logout()

    def uids(self, user, folder="INBOX"):
        client = self.login(user)
        try:
            client.select(folder, readonly=True)
            _, data = client.uid("SEARCH", "ALL")
            return [int(u) for u in data[0].split()]
        finally:
            client.logout()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        if self.remove_root:
            shutil.rmtree(self.root, ignore_errors=True)


def start(
    root,
    users,
    *,
    certificate_dir=None,
    remove_root=False,
    introspection_url=None,
    capabilities=None,
):
    """Start dovecot with its files in `root` (readable for dovecot's own users when run as
    root) and the certificate made in `certificate_dir` (default: root). `remove_root`: the
    folder is removed when the server stops. `capabilities`: what it says it can do after a
    sign-in, instead of its own list (a test of a server without UIDPLUS, say)."""
    root = Path(root)
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    if os.getuid() == 0:
        account = pwd.getpwnam("dovecot")
        internal, login = "dovecot", "dovenull"
        uid, gid = account.pw_uid, account.pw_gid
        for sub in ("mail", "home"):
            os.chown(root / sub, uid, gid)
        os.chmod(root, 0o755)  # noqa: S103 - dovecot's own users read its config
    else:
        internal = login = getpass.getuser()
        uid, gid = os.getuid(), os.getgid()
    group = __import__("grp").getgrgid(gid).gr_name
    cafile = make_certificate(Path(certificate_dir or root))
    (root / "passwd").write_text(
        "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in users.items())
    )
    port = free_port()
    config = root / "dovecot.conf"
    oauth2 = ""
    if introspection_url:
        (root / "oauth2.conf.ext").write_text(OAUTH2_ARGS.format(url=introspection_url))
        oauth2 = OAUTH2_PASSDB.format(root=root)
    config.write_text(
        CONFIG.format(
            root=root,
            certs=cafile.parent,
            port=port,
            internal=internal,
            login=login,
            uid=uid,
            gid=gid,
            group=group,
            mechanisms=" xoauth2 oauthbearer" if introspection_url else "",
            oauth2=oauth2,
        )
        + (f"imap_capability = {' '.join(capabilities)}\n" if capabilities else "")
    )
    process = subprocess.Popen(  # noqa: S603 - our own binary and config
        [DOVECOT, "-F", "-c", str(config)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines = []
    for line in process.stderr:
        lines.append(line)
        if "starting up" in line:
            break
    else:
        raise RuntimeError("dovecot did not start:\n" + "".join(lines))
    # keep reading the log so dovecot never blocks on a full pipe
    import threading

    threading.Thread(target=lambda: [None for _ in process.stderr], daemon=True).start()
    return Dovecot("127.0.0.1", port, cafile, dict(users), process, root, remove_root)
