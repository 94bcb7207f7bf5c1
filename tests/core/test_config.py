"""Environment parsing: every malformed value stops start-up with one line naming it."""

import os
import stat
import subprocess
import sys

import pytest

from waarborg import config


@pytest.mark.parametrize(
    ("url", "engine", "name"),
    [
        ("sqlite:////var/lib/w.db", "django.db.backends.sqlite3", "/var/lib/w.db"),
        ("sqlite:///rel.db", "django.db.backends.sqlite3", "rel.db"),
        (
            "postgres://u:p%40ss@db.example:6543/waarborg",
            "django.db.backends.postgresql",
            "waarborg",
        ),
        ("postgresql://postgres@127.0.0.1/test", "django.db.backends.postgresql", "test"),
    ],
)
def test_database_urls(url, engine, name):
    settings = config.database(url)
    assert settings["ENGINE"] == engine
    assert settings["NAME"] == name
    if "p%40ss" in url:
        assert settings["PASSWORD"] == "p@ss" and settings["PORT"] == "6543"
        assert settings["CONN_MAX_AGE"] > 0


def test_sqlite_default_uses_wal_and_a_busy_timeout(tmp_path):
    settings = config.database("", default_sqlite=tmp_path / "x.sqlite3")
    assert settings["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in settings["OPTIONS"]["init_command"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WAARBORG_DATABASE_URL", "mysql://x/y"),
        ("WAARBORG_DATABASE_URL", "postgres://host-only"),
        ("WAARBORG_DEBUG", "maybe"),
        ("WAARBORG_BASE_URL", "privacy.example.nl"),
        ("WAARBORG_EMAIL_URL", "smtp://"),
        ("WAARBORG_EMAIL_URL", "sendmail://x"),
        ("WAARBORG_DEFAULT_FROM_EMAIL", "not an address"),
        ("WAARBORG_TIME_ZONE", "Europe/Utrecht"),
        ("WAARBORG_SECRET_KEY", "short"),
        ("WAARBORG_ALLOWED_HOSTS", " , "),
    ],
)
def test_malformed_values_stop_start_up_with_one_line(tmp_path, name, value):
    env = {"WAARBORG_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", name: value}
    result = subprocess.run(
        [sys.executable, "-m", "waarborg.cli", "manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"waarborg: {name}=")
    assert "not valid" in lines[0]


def test_email_urls():
    assert config.email({"WAARBORG_EMAIL_URL": "console://"})["EMAIL_BACKEND"].endswith(
        "console.EmailBackend"
    )
    tls = config.email({"WAARBORG_EMAIL_URL": "smtp+tls://me%40x.nl:s3cret@mail.x.nl"})
    assert tls["EMAIL_PORT"] == 587 and tls["EMAIL_USE_TLS"] and not tls["EMAIL_USE_SSL"]
    assert tls["EMAIL_HOST_USER"] == "me@x.nl" and tls["EMAIL_HOST_PASSWORD"] == "s3cret"
    ssl = config.email({"WAARBORG_EMAIL_URL": "smtp+ssl://mail.x.nl"})
    assert ssl["EMAIL_PORT"] == 465 and ssl["EMAIL_USE_SSL"]
    plain = config.email({"WAARBORG_EMAIL_URL": "smtp://127.0.0.1:2525"})
    assert plain["EMAIL_PORT"] == 2525 and not plain["EMAIL_USE_TLS"]


def test_allowed_hosts_include_the_base_url_host():
    hosts = config.allowed_hosts("https://privacy.firma.nl", {"WAARBORG_ALLOWED_HOSTS": "a.nl"})
    assert hosts == ["a.nl", "privacy.firma.nl"]


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    first = config.secret_key(tmp_path, environ={})
    assert len(first) >= 50
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600
    assert config.secret_key(tmp_path, environ={}) == first
    assert config.secret_key(tmp_path, environ={"WAARBORG_SECRET_KEY": "x" * 60}) == "x" * 60


def test_data_dir_default_and_override(tmp_path):
    assert str(config.data_dir({})).endswith(".local/share/waarborg")
    assert config.data_dir({"WAARBORG_DATA_DIR": str(tmp_path)}) == tmp_path


def test_the_database_and_data_directory_are_created_private(tmp_path):
    data = tmp_path / "data"
    env = {"WAARBORG_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", "")
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'waarborg.settings'; import django\n"
    code += "django.setup()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert data.stat().st_mode & 0o777 == 0o700
    assert (data / "waarborg.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_key_may_live_in_a_file_elsewhere(tmp_path):
    key_file = tmp_path / "keys" / "waarborg.key"
    env = {"WAARBORG_SECRET_KEY_FILE": str(key_file)}
    made = config.secret_key(tmp_path / "data", env)
    assert key_file.read_text().strip() == made and not (tmp_path / "data" / "secret_key").exists()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert key_file.parent.stat().st_mode & 0o777 == 0o700
    assert config.secret_key(tmp_path / "data", env) == made
    key_file.write_text("short\n")
    with pytest.raises(config.ConfigError, match="WAARBORG_SECRET_KEY_FILE"):
        config.secret_key(tmp_path / "data", env)
    with pytest.raises(config.ConfigError, match="absolute"):
        config.secret_key(tmp_path, {"WAARBORG_SECRET_KEY_FILE": "relative.key"})
