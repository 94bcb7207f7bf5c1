"""A Microsoft 365 mailbox signed in to with OAuth2 client credentials: the token request against
a local stand-in of the token endpoint (HTTPS, which checks the form fields), and SASL XOAUTH2
against a real dovecot whose oauth2 passdb asks a local introspection endpoint about the token.
Microsoft cannot be reached from here; everything else is the real thing."""

import json
import shutil
import ssl
import tempfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.documents import dovecot
from tests.documents.conftest import make_message
from waarborg.audit.models import AuditEntry
from waarborg.documents import actions, oauth
from waarborg.documents.actions import DocumentSourceError
from waarborg.documents.models import OFFICE365_SCOPE, Auth, DocumentSource

USER = "info@firma.example"
OTHER = "ander@firma.example"
TENANT = "firma.onmicrosoft.com"
CLIENT = "6f1c0d2e-0000-4000-8000-00000000c11e"
SECRET = "een~lang~app~geheim~van~microsoft"  # noqa: S105 - a test secret


class Authority:
    """The token endpoint and the token introspection, sharing the tokens issued."""

    def __init__(self):
        self.requests = []  # the forms posted to the token endpoint
        self.valid = {}  # token -> the mailbox it is for
        self.lifetime = 3599
        self.issued = 0


def _handler(authority, role):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):  # the token endpoint
            if role != "token" or self.path != f"/{TENANT}/oauth2/v2.0/token":
                return self._answer(404, {"error": "not_found"})
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            authority.requests.append(form)
            if self.headers.get("Content-Type") != "application/x-www-form-urlencoded":
                return self._answer(400, {"error": "invalid_request"})
            if form.get("grant_type") != "client_credentials":
                return self._answer(400, {"error": "unsupported_grant_type"})
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT, SECRET):
                return self._answer(
                    401,
                    {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid"},
                )
            if form.get("scope") != OFFICE365_SCOPE:
                return self._answer(400, {"error": "invalid_scope"})
            authority.issued += 1
            token = f"eyJ0eXAi.token-{authority.issued}"
            authority.valid[token] = USER
            return self._answer(
                200,
                {"token_type": "Bearer", "expires_in": authority.lifetime, "access_token": token},
            )

        def do_GET(self):  # the introspection dovecot calls, like Microsoft Graph's /me
            header = self.headers.get("Authorization", "")
            token = header.removeprefix("Bearer ")
            if role != "introspection" or token not in authority.valid:
                return self._answer(401, {"error": "invalid_token"})
            return self._answer(200, {"mail": authority.valid[token]})

    return Handler


def _serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture
def authority():
    return Authority()


@pytest.fixture
def server(settings, authority):
    introspection = _serve(
        ThreadingHTTPServer(("127.0.0.1", 0), _handler(authority, "introspection"))
    )
    url = f"http://127.0.0.1:{introspection.server_address[1]}/v1.0/me"
    running = dovecot.start(
        tempfile.mkdtemp(prefix="waarborg-dovecot-"),
        {USER: "x" * 20, OTHER: "y" * 20},
        introspection_url=url,
    )
    settings.IMAP_CAFILE = str(running.cafile)
    running.append(
        USER, "INBOX", make_message("Jan de Vries <jan@devries.example>", USER, "Vraag", "Hallo")
    )
    # the token endpoint over TLS, with the same test certificate (trusted through the CA file)
    token = ThreadingHTTPServer(("127.0.0.1", 0), _handler(authority, "token"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(running.root / "cert.pem", running.root / "key.pem")
    token.socket = context.wrap_socket(token.socket, server_side=True)
    _serve(token)
    running.token_url = f"https://127.0.0.1:{token.server_address[1]}/{TENANT}/oauth2/v2.0/token"
    oauth._cache.clear()
    yield running
    oauth._cache.clear()
    token.shutdown()
    introspection.shutdown()
    running.stop()
    shutil.rmtree(running.root, ignore_errors=True)


def connect(server, organisation, owner, system, **changes):
    options = {
        "actor": owner,
        "name": "Microsoft 365",
        "host": server.host,
        "port": server.port,
        "username": USER,
        "auth": Auth.OAUTH2,
        "tenant": TENANT,
        "client_id": CLIENT,
        "client_secret": SECRET,
        "token_url": server.token_url,
    }
    options.update(changes)
    return actions.connect_mailbox(organisation, system, **options)


def test_default_token_endpoint_is_microsofts_for_the_tenant():
    assert oauth.token_url(TENANT) == (
        "https://login.microsoftonline.com/firma.onmicrosoft.com/oauth2/v2.0/token"
    )
    with pytest.raises(DocumentSourceError):
        oauth.token_url("firma/../common")
    with pytest.raises(DocumentSourceError):
        oauth.token_url(TENANT, "http://127.0.0.1:1/token")  # never a secret over plain http


def test_connect_index_and_find_with_xoauth2(server, authority, organisation, owner, system):
    source = connect(server, organisation, owner, system)
    assert authority.requests == [
        {
            "grant_type": "client_credentials",
            "client_id": CLIENT,
            "client_secret": SECRET,
            "scope": "https://outlook.office365.com/.default",
        }
    ]
    stored = DocumentSource.objects.get(pk=source.pk)
    assert SECRET not in stored.oauth_secret_encrypted and stored.client_secret == SECRET
    assert stored.password_encrypted == "" and stored.auth == Auth.OAUTH2
    entry = AuditEntry.objects.get(action="documents.connect")
    assert entry.new["sign_in"] == "oauth2" and SECRET not in json.dumps(entry.new)
    run = actions.index_source(stored, actor=owner)
    assert (run.listed, run.read, run.failed) == (1, 1, 0)
    hits = actions.find_person(organisation, {"email": "jan@devries.example"}, actor=owner)
    assert [hit.meta["subject"] for hit in hits] == ["Vraag"]
    assert actions.test_source(stored) is None
    assert len(authority.requests) == 1  # the token was kept for the sign-ins after the first


def test_a_token_is_asked_again_shortly_before_it_expires(
    server, authority, organisation, owner, system
):
    import time

    import time_machine

    source = connect(server, organisation, owner, system)
    now = time.time()
    with time_machine.travel(now + 3599 - oauth.MARGIN - 60, tick=False):
        assert actions.test_source(source) is None
    assert len(authority.requests) == 1
    with time_machine.travel(now + 3599 - oauth.MARGIN + 1, tick=False):
        assert actions.test_source(source) is None
    assert len(authority.requests) == 2


def test_a_wrong_secret_connects_nothing(server, authority, organisation, owner, system):
    with pytest.raises(DocumentSourceError, match="weigerde de client-id of het geheim"):
        connect(server, organisation, owner, system, client_secret="geraden")
    assert authority.requests[0]["client_secret"] == "geraden"
    assert not DocumentSource.objects.exists()
    assert not AuditEntry.objects.filter(action="documents.connect").exists()


def test_missing_credentials_are_refused_before_any_request(
    server, authority, organisation, owner, system
):
    with pytest.raises(DocumentSourceError, match="client-id en het clientgeheim"):
        connect(server, organisation, owner, system, client_secret="")
    with pytest.raises(DocumentSourceError, match="https://"):
        connect(server, organisation, owner, system, token_url="http://127.0.0.1:9/token")
    assert authority.requests == [] and not DocumentSource.objects.exists()


def test_a_refused_token_is_a_clear_error_and_is_not_used_again(
    server, authority, organisation, owner, system
):
    source = connect(server, organisation, owner, system)
    authority.valid.clear()  # revoked: the introspection no longer knows it
    with pytest.raises(DocumentSourceError, match="weigerde het toegangstoken"):
        actions.index_source(source, actor=owner)
    source.refresh_from_db()
    # kept as written in the source, read in each reader's language
    assert "access token" in source.last_error and "toegangstoken" in source.last_error_text
    # the refused token was forgotten: the next sign-in asks for a new one, which works
    assert actions.index_source(source, actor=owner).read == 1
    assert len(authority.requests) == 2


def test_a_token_for_one_mailbox_does_not_open_another(
    server, authority, organisation, owner, system
):
    with pytest.raises(DocumentSourceError, match="weigerde het toegangstoken"):
        connect(server, organisation, owner, system, username=OTHER)
    assert not DocumentSource.objects.exists()


def test_the_connect_page_signs_in_with_a_microsoft_365_app(
    server, authority, system, privacy_officer, client_for, settings
):
    from django.urls import reverse

    settings.LANGUAGE_CODE = "nl"
    client = client_for(privacy_officer)
    url = reverse("documents:connect_mailbox", args=[system.key])
    form = {
        "name": "Microsoft 365",
        "host": server.host,
        "port": server.port,
        "username": USER,
        "auth": "oauth2",
        "tenant": TENANT,
        "client_id": CLIENT,
        "client_secret": SECRET,
        "token_url": server.token_url,
        "mail_folders": "INBOX",
        "trash_folder": "Trash",
    }
    page = client.get(url).content.decode()
    assert 'value="oauth2"' in page and "Tenant" in page
    # a missing client id: the form again, the reason beside its field, nothing asked or saved
    response = client.post(url, {**form, "client_id": ""})
    assert response.status_code == 200 and not DocumentSource.objects.exists()
    assert "Nodig om in te loggen met een Microsoft 365-app" in response.content.decode()
    assert authority.requests == []
    # a wrong secret: the one reason, the secret not echoed
    response = client.post(url, {**form, "client_secret": "geraden-geheim"})
    page = response.content.decode()
    assert response.status_code == 200 and "weigerde de client-id of het geheim" in page
    assert "geraden-geheim" not in page and not DocumentSource.objects.exists()
    # the right one: connected, the secret stored encrypted and never shown
    response = client.post(url, form)
    assert response.status_code == 302
    source = DocumentSource.objects.get()
    assert source.auth == Auth.OAUTH2 and source.client_secret == SECRET
    assert source.password_encrypted == ""
    detail = client.get(response["Location"]).content.decode()
    assert SECRET not in detail and USER in detail
