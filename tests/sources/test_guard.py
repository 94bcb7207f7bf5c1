"""Sources cannot reach Waarborg itself: an owner of another organisation tries every way around
the rule (sources/guard.py), and no way gives a row of Waarborg's own database, a word about
which files exist or which ports are open."""

import ipaddress
import json
import os
import sqlite3
import subprocess
import sys

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from tests.sources.databases import PG_ADMIN, backends
from waarborg.audit.models import AuditEntry
from waarborg.core.crypto import encrypt_text
from waarborg.register.models import System
from waarborg.sources import actions, demo_shop, engine, guard, introspect
from waarborg.sources.engine import SourceError
from waarborg.sources.models import URL_PURPOSE, SqlSource

REFUSED = "may not use this SQLite file"
NEEDS_POSTGRES = pytest.mark.skipif(
    "postgresql" not in backends(), reason="needs the local PostgreSQL server"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_engines():
    engine.dispose_engines()
    yield
    engine.dispose_engines()


@pytest.fixture
def allowed(tmp_path, settings):
    """A folder the operator allows for SQLite sources; nothing else is allowed."""
    folder = tmp_path / "sources"
    folder.mkdir()
    settings.SOURCE_SQLITE_DIRS = [folder]
    settings.SOURCE_SAME_CLUSTER = False
    return folder


@pytest.fixture
def own_file(tmp_path, organisation, monkeypatch):
    """Waarborg's own database as a file: the suite's database copied to disk, with the users
    and their password hashes, and made the file Waarborg says it runs on."""
    if connection.vendor != "sqlite":
        pytest.skip("Waarborg runs on PostgreSQL here; see the cluster tests")
    path = tmp_path / "data" / "waarborg.sqlite3"
    path.parent.mkdir()
    connection.ensure_connection()
    dump = [line for line in connection.connection.iterdump() if "core_user" in line]
    with sqlite3.connect(path) as target:
        target.executescript("\n".join(dump))
    with sqlite3.connect(path) as target:
        assert target.execute("SELECT count(*) FROM core_user").fetchone()[0]
    monkeypatch.setitem(connection.settings_dict, "NAME", str(path))
    return path


def refusal(url):
    """The message of the refusal of `url`, or fail when it was read."""
    with pytest.raises(SourceError) as caught:
        introspect.annotate(url)
    return str(caught.value)


def test_own_sqlite_file_is_refused_however_it_is_written(own_file, allowed, tmp_path):
    (allowed / "link.db").symlink_to(own_file)
    os.link(own_file, allowed / "hard.db")
    (allowed / "sub").mkdir()
    (allowed / "sub" / "up").symlink_to(own_file.parent)
    relative = os.path.relpath(own_file)
    variants = [
        f"sqlite:///{own_file}",
        f"sqlite:////{str(own_file).lstrip('/')}",
        f"sqlite:///{relative}",
        f"sqlite:///{own_file.parent}/./waarborg.sqlite3",
        f"sqlite:///{own_file.parent}//waarborg.sqlite3",
        f"sqlite:///{allowed}/../data/waarborg.sqlite3",
        f"sqlite+pysqlite:///{own_file}",
        f"sqlite:///{own_file}-wal",
        f"sqlite:///{allowed}/link.db",  # a symlink in an allowed folder
        f"sqlite:///{allowed}/hard.db",  # a hard link: the same inode in an allowed folder
        f"sqlite:///{allowed}/sub/up/waarborg.sqlite3",  # a symlinked folder
        f"sqlite:///file:{own_file}?mode=ro&uri=true",
        f"sqlite:///file:{allowed}/link.db?mode=ro&uri=true",
        f"sqlite:///{own_file}?mode=ro",
        f"sqlite:///{own_file}?uri=true",
        f"sqlite:///{allowed}/link.db?immutable=1",
        f"  sqlite:///{own_file}  ",
        "sqlite://",
        "sqlite:///:memory:",
    ]
    for url in variants:
        message = refusal(url)
        assert "core_user" not in message and "password" not in message, url


def test_the_refusal_does_not_say_whether_a_file_exists(own_file, allowed, tmp_path):
    outside = tmp_path / "outside.db"
    demo_shop.build(outside)
    (allowed / "a-folder").mkdir()
    (allowed / "not-sqlite.db").write_text("plain text")
    messages = {
        refusal(f"sqlite:///{own_file}"),  # Waarborg's own database
        refusal(f"sqlite:///{outside}"),  # a real database outside the allowed folders
        refusal(f"sqlite:///{tmp_path}/missing.db"),  # no file at all
        refusal(f"sqlite:///{allowed}/missing.db"),  # no file in an allowed folder
        refusal(f"sqlite:///{allowed}/a-folder"),  # a folder
        refusal(f"sqlite:///{allowed}"),  # the allowed folder itself
        refusal("sqlite:////etc/passwd"),
        refusal(f"sqlite:///{allowed}/x\x00.db"),
    }
    assert len(messages) == 1 and REFUSED in messages.pop()
    assert not (tmp_path / "missing.db").exists() and not (allowed / "missing.db").exists()


def test_a_file_in_an_allowed_folder_is_read(allowed):
    url = f"sqlite:///{demo_shop.build(allowed / 'shop.db')}"
    assert "klant" in introspect.annotate(url)
    link = allowed / "shop-link.db"
    link.symlink_to(allowed / "shop.db")
    assert "klant" in introspect.annotate(f"sqlite:///{link}")


def test_no_folder_allowed_means_no_sqlite_source(settings, tmp_path):
    settings.SOURCE_SQLITE_DIRS = []
    url = f"sqlite:///{demo_shop.build(tmp_path / 'shop.db')}"
    assert REFUSED in refusal(url)


def test_a_file_swapped_for_a_link_to_waarborg_after_connecting_is_refused(own_file, allowed):
    shop = demo_shop.build(allowed / "shop.db")
    url = f"sqlite:///{shop}"
    dataset = actions.parse(demo_shop.ANNOTATION.read_text())
    engine.access(url, dataset, {"email": ["nobody@example.nl"]})
    shop.unlink()
    shop.symlink_to(own_file)
    with pytest.raises(SourceError, match=REFUSED):
        engine.access(url, dataset, {"email": ["owner@firma.example"]})


@pytest.fixture
def attacker_system(other_organisation):
    return System.objects.create(
        organisation=other_organisation, key="crm", name={"nl": "CRM", "en": "CRM"}
    )


ANNOTATION_OF_WAARBORG = """
dataset:
  - fides_key: waarborg
    collections:
      - name: core_user
        fields:
          - name: id
            data_categories: [system.operations]
            fides_meta: {primary_key: true}
          - name: email
            data_categories: [user.contact.email]
            fides_meta: {identity: email}
          - name: password
            data_categories: [user.authorization.credentials]
"""


def test_an_owner_of_another_organisation_cannot_connect_or_draft_waarborg_itself(
    own_file, allowed, client_for, other_owner, attacker_system
):
    client = client_for(other_owner)
    (allowed / "link.db").symlink_to(own_file)
    for url in (f"sqlite:///{own_file}", f"sqlite:///{allowed}/link.db"):
        response = client.post(
            reverse("sources:connect", args=[attacker_system.key]),
            {"url": url, "annotation": ANNOTATION_OF_WAARBORG},
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "pbkdf2" not in page and "md5$" not in page and "owner@firma.example" not in page
        response = client.post(reverse("sources:draft", args=[attacker_system.key]), {"url": url})
        page = response.content.decode()
        assert "core_user" not in page and "organisation" not in page.split("<textarea")[-1][:200]
    assert not SqlSource.objects.exists()
    assert not AuditEntry.objects.filter(action="source.connect").exists()


def test_a_source_stored_before_the_rule_cannot_read_or_change_waarborg(
    own_file, allowed, client_for, other_owner, other_organisation, attacker_system
):
    source = SqlSource.objects.create(
        organisation=other_organisation,
        system=attacker_system,
        url_encrypted=encrypt_text(f"sqlite:///{own_file}", URL_PURPOSE),
        url_display="sqlite:///…",
        annotation=ANNOTATION_OF_WAARBORG,
    )
    client = client_for(other_owner)
    response = client.post(
        reverse("sources:find", args=[attacker_system.key]), {"email": "owner@firma.example"}
    )
    page = response.content.decode()
    assert "WAARBORG_SOURCE_SQLITE_DIRS" in page and "md5$" not in page and "pbkdf2" not in page
    before = own_file.read_bytes()
    with pytest.raises(SourceError, match="WAARBORG_SOURCE_SQLITE_DIRS"):
        actions.rectify_person(
            source,
            {"email": "owner@firma.example"},
            {"core_user.password": "md5$$x"},
            actor=other_owner,
        )
    with pytest.raises(SourceError, match="WAARBORG_SOURCE_SQLITE_DIRS"):
        actions.erase_person(source, {"email": "owner@firma.example"}, actor=other_owner)
    assert own_file.read_bytes() == before


def test_the_real_data_directory_is_refused(tmp_path):
    """Waarborg on its own SQLite file, with the data directory itself allowed (an operator's
    mistake): still no way in."""
    code = """
import json
from waarborg.sources import introspect, engine
from waarborg.sources.engine import SourceError
from django.conf import settings
data = settings.DATA_DIR
answers = []
for url in [f"sqlite:///{data}/waarborg.sqlite3", f"sqlite:///{data}/./waarborg.sqlite3",
            f"sqlite:///{data}/waarborg.sqlite3-wal", f"sqlite:///{data}/secret_key"]:
    try:
        introspect.annotate(url)
        answers.append("READ")
    except SourceError as error:
        answers.append(str(error))
print(json.dumps(answers))
"""
    env = {
        "PATH": "/usr/bin:/bin",
        "WAARBORG_DATA_DIR": str(tmp_path),
        "WAARBORG_SOURCE_SQLITE_DIRS": str(tmp_path),
        "LANGUAGE": "en",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    waarborg = [sys.executable, "-m", "waarborg.cli"]
    subprocess.run([*waarborg, "init", "--no-input"], env=env, check=True, capture_output=True)
    out = subprocess.run(
        [*waarborg, "manage", "shell", "-c", code], env=env, check=True, capture_output=True
    )
    answers = json.loads(out.stdout.decode().strip().splitlines()[-1])
    assert "READ" not in answers[:3]
    assert all("core_user" not in answer for answer in answers)


# Network sources ----------------------------------------------------------------------------


def test_urls_that_would_read_files_or_use_this_servers_credentials_are_refused(settings):
    settings.SOURCE_HOSTS = []
    for url in [
        "postgresql://u:p@db.example.nl/x?passfile=/root/.pgpass",
        "postgresql://u@db.example.nl/x?service=waarborg",
        "postgresql://u@db.example.nl/x?host=/var/run/postgresql",
        "postgresql://u@db.example.nl/x?hostaddr=127.0.0.1",
        "postgresql://u@db.example.nl/x?sslkey=/etc/shadow",
        "postgresql://u@db.example.nl/x?password=secret",
        "mysql://u@db.example.nl/x?local_infile=1",
        "mysql://u@db.example.nl/x?read_default_file=/etc/mysql/debian.cnf",
        "mysql://u@db.example.nl/x?unix_socket=/run/mysqld/mysqld.sock",
        "postgresql://u@%2Fvar%2Frun%2Fpostgresql/x",  # a Unix socket as the host
        "postgresql://u@/x",  # no host: libpq's default socket
        "postgresql://u@db1.example.nl,127.0.0.1/x",  # a host list
        "postgresql:///x",
    ]:
        with pytest.raises(SourceError) as caught:
            engine.engine_for(url)
        assert "secret" not in str(caught.value)


def test_allowed_hosts_are_decided_by_name_or_address_without_connecting(settings):
    settings.SOURCE_HOSTS = ["db.example.nl", ".klant.example", ipaddress.ip_network("10.0.0.0/8")]
    for host in ["db.example.nl", "DB.Example.NL.", "crm.klant.example", "10.1.2.3"]:
        guard.host_allowed(host)
    for host in [
        "127.0.0.1",
        "localhost",
        "127.1",
        "2130706433",
        "0x7f.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "[::ffff:10.0.0.1]x",
        "db.example.nl.evil.example",
        "evilklant.example",
        "0",
    ]:
        with pytest.raises(SourceError):
            guard.host_allowed(host)


def test_an_ip_written_another_way_is_the_same_address(settings):
    settings.SOURCE_HOSTS = [ipaddress.ip_network("10.0.0.0/8")]
    for host in ["10.1", "167772161", "::ffff:10.0.0.1", "[::ffff:10.0.0.1]"]:
        guard.host_allowed(host)
    settings.SOURCE_HOSTS = [ipaddress.ip_network("192.0.2.0/24")]
    for host in ["10.1", "167772161", "::ffff:10.0.0.1", "127.0.0.1"]:
        with pytest.raises(SourceError):
            guard.host_allowed(host)


@pytest.fixture
def pg_database():
    """A database on the local PostgreSQL cluster, with a table of its own."""
    name = "wb_guard_" + os.urandom(4).hex()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, autocommit=True) as conn:
        conn.execute("CREATE TABLE klant (id integer primary key, email text)")
    yield name
    engine.dispose_engines()
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def waarborg_on_local_cluster(monkeypatch, db):
    """Waarborg's own database on the local PostgreSQL cluster: really so when the suite runs
    on PostgreSQL, else its identity is that of the cluster's `test` database."""
    if connection.vendor == "postgresql":
        return connection.settings_dict["NAME"]
    with psycopg.connect(PG_ADMIN) as conn, conn.cursor() as cursor:
        identity = guard.server_identity(cursor)
    monkeypatch.setattr(guard, "_own_servers", lambda: [identity])
    return identity[3]


HOST_FORMS = ["127.0.0.1", "localhost", "LOCALHOST.", "127.1", "2130706433", "0x7f.0.0.1"]


@NEEDS_POSTGRES
def test_a_source_on_waarborgs_own_cluster_is_refused(
    settings, waarborg_on_local_cluster, pg_database
):
    settings.SOURCE_SAME_CLUSTER = False
    settings.SOURCE_HOSTS = []
    for host in HOST_FORMS:
        for database in (pg_database, waarborg_on_local_cluster, "postgres"):
            url = f"postgresql://postgres@{host}:5432/{database}"
            with pytest.raises(SourceError) as caught:
                introspect.annotate(url)
            assert "klant" not in str(caught.value), url
            engine.dispose_engines()


@NEEDS_POSTGRES
def test_own_cluster_allowed_by_the_operator_still_refuses_waarborgs_own_database(
    settings, waarborg_on_local_cluster, pg_database
):
    settings.SOURCE_SAME_CLUSTER = True
    settings.SOURCE_HOSTS = []
    assert "klant" in introspect.annotate(f"postgresql://postgres@127.0.0.1/{pg_database}")
    for host in HOST_FORMS:
        url = f"postgresql://postgres@{host}:5432/{waarborg_on_local_cluster}"
        with pytest.raises(SourceError) as caught:
            introspect.annotate(url)
        assert "server of Waarborg's own database" in str(caught.value) or (
            host == "LOCALHOST." and "Cannot connect" in str(caught.value)  # not resolved here
        )
        engine.dispose_engines()


@NEEDS_POSTGRES
def test_a_refused_server_is_checked_on_every_new_connection(
    settings, waarborg_on_local_cluster, pg_database, monkeypatch
):
    """The check is made per connection, not per URL: a server that becomes Waarborg's (a DNS
    change, a fail-over) is refused from its next connection on."""
    settings.SOURCE_SAME_CLUSTER = False
    settings.SOURCE_HOSTS = []
    monkeypatch.setattr(guard, "_own_servers", lambda: [])
    url = f"postgresql://postgres@127.0.0.1/{pg_database}"
    assert "klant" in introspect.annotate(url)
    monkeypatch.undo()
    if connection.vendor != "postgresql":
        with psycopg.connect(PG_ADMIN) as conn, conn.cursor() as cursor:
            identity = guard.server_identity(cursor)
        monkeypatch.setattr(guard, "_own_servers", lambda: [identity])
    engine.engine_for(url).pool.dispose()  # the pool opens a new connection
    with pytest.raises(SourceError, match="server of Waarborg's own database"):
        introspect.annotate(url)


@NEEDS_POSTGRES
def test_a_closed_port_and_an_open_one_read_the_same(settings, monkeypatch):
    settings.SOURCE_HOSTS = []
    monkeypatch.setattr(guard, "_own_servers", lambda: [])
    messages = set()
    for url in [
        "postgresql://postgres@127.0.0.1:1/test",  # nothing listens
        "postgresql://no_such_role:x@127.0.0.1:5432/test",  # PostgreSQL listens
        "postgresql://postgres@127.0.0.1:3306/test",  # MariaDB listens
    ]:
        with pytest.raises(SourceError) as caught:
            introspect.annotate(url)
        messages.add(str(caught.value))
        engine.dispose_engines()
    assert len(messages) == 1


def test_a_network_allowed_by_address_is_checked_on_the_connected_peer(settings, monkeypatch):
    settings.SOURCE_HOSTS = [ipaddress.ip_network("192.0.2.0/24")]

    class Info:
        hostaddr = "127.0.0.1"

    class Fake:
        info = Info()
        closed = False

        def close(self):
            self.closed = True

    assert guard.host_allowed("192.0.2.7") is True  # allowed by network: the peer is checked
    fake = Fake()
    with pytest.raises(SourceError, match="WAARBORG_SOURCE_HOSTS"):
        guard.check_new_connection("postgresql", True, fake)
    assert fake.closed


def test_passwords_never_reach_the_error(settings):
    settings.SOURCE_HOSTS = ["db.example.nl"]
    for url in [
        "postgresql://u:s3cret@127.0.0.1/x",
        "postgresql://u@db.example.nl/x?password=s3cret",
    ]:
        with pytest.raises(SourceError) as caught:
            engine.engine_for(url)
        assert "s3cret" not in str(caught.value)
