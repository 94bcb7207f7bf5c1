"""The `waarborg` command, run as a user runs it: in a subprocess on a real data directory."""

import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest

WAARBORG = [sys.executable, "-m", "waarborg.cli"]


def run(args, tmp_path, extra_env=None, timeout=120):
    env = {"WAARBORG_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", **(extra_env or {})}
    return subprocess.run(
        [*WAARBORG, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize(
    "command",
    [[], ["init"], ["serve"], ["demo"], ["worker"], ["manage"], ["audit"], ["audit", "verify"]],
)
def test_help_on_every_command(tmp_path, command):
    result = run([*command, "--help"], tmp_path)
    assert result.returncode == 0
    assert "usage: waarborg" in result.stdout


def test_unknown_command_and_option_exit_2(tmp_path):
    assert run(["frobnicate"], tmp_path).returncode == 2
    assert run(["init", "--colour"], tmp_path).returncode == 2


def test_init_by_flags_creates_everything(tmp_path):
    result = run(
        [
            "init",
            "--no-input",
            "--email",
            "eigenaar@firma.example",
            "--password",
            "lang-genoeg-1",
            "--name",
            "Eva",
            "--org-name",
            "Firma Proef B.V.",
        ],
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(tmp_path / "waarborg.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT email FROM core_user").fetchall() == [("eigenaar@firma.example",)]
        assert db.execute("SELECT slug FROM core_organisation").fetchall() == [("firma-proef-bv",)]
        assert db.execute("SELECT role FROM core_membership").fetchall() == [("owner",)]
    # Running it again changes nothing and does not fail.
    again = run(
        [
            "init",
            "--no-input",
            "--email",
            "eigenaar@firma.example",
            "--org-name",
            "Firma Proef B.V.",
        ],
        tmp_path,
    )
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(tmp_path / "waarborg.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM core_organisation").fetchone()[0] == 1


def test_init_rejects_bad_input_with_exit_2(tmp_path):
    bad_email = run(["init", "--no-input", "--email", "nope", "--password", "x" * 12], tmp_path)
    assert bad_email.returncode == 2
    assert "--email 'nope' is not an e-mail address" in bad_email.stderr
    no_password = run(["init", "--no-input", "--email", "a@b.example"], tmp_path)
    assert no_password.returncode == 2
    assert "--password" in no_password.stderr


def test_init_interactive(tmp_path):
    """Prompts are answered on a terminal (tmux is not needed: a pty from the standard library)."""
    import os
    import pty

    env = {"WAARBORG_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(sys.executable, [*WAARBORG, "init"], env)
    answers = iter(
        ["baas@firma.example", "geheim-wachtwoord", "geheim-wachtwoord", "Interactief B.V."]
    )
    output, deadline = b"", time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if output.endswith(b": "):
            os.write(fd, (next(answers) + "\n").encode())
            output += b"\n"
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode()
    with sqlite3.connect(tmp_path / "waarborg.sqlite3") as db:
        assert db.execute("SELECT name FROM core_organisation").fetchall() == [
            ("Interactief B.V.",)
        ]


def test_serve_refuses_an_uninitialised_database(tmp_path):
    result = run(["serve", "--port", "1"], tmp_path)
    assert result.returncode == 1
    assert "waarborg init" in result.stderr


def test_a_command_on_an_uninitialised_database_says_so(tmp_path):
    result = run(["source", "index", "--system", "mailbox"], tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is niet ingericht" in result.stderr and "waarborg init" in result.stderr


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_builds_and_serves(tmp_path):
    port = _free_port()
    env = {"WAARBORG_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen(
        [*WAARBORG, "demo", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body, deadline = None, time.monotonic() + 180
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as page:
                    body = page.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body is not None, "the demo did not start serving"
        assert 'lang="nl"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/waarborg/style.css") as css:
            assert b"--accent" in css.read()
        # another command given the demo's data directory works on the demo: its database,
        # its shared folder and its mailbox (whose certificate only the demo trusts)
        demo = str(tmp_path / "demo")
        command = [
            "source",
            "index",
            "--data-dir",
            demo,
            "--org",
            "van-dijk",
            "--system",
            "mailbox",
        ]
        indexed = run(command, tmp_path)
        assert indexed.returncode == 0, indexed.stderr
        lines = indexed.stdout.splitlines()
        assert len(lines) == 2 and all("0 gelezen" in line for line in lines), lines
        assert "Mailbox info@vandijk-installatie.example" in indexed.stdout
    finally:
        process.terminate()
        output = process.communicate(timeout=90)[0]
    assert "anna@vandijk-installatie.example  /  demo-waarborg" in output
    assert (tmp_path / "demo" / "demo.sqlite3").exists()


def test_demo_is_fresh_each_time(tmp_path):
    for _ in range(2):
        result = run(["demo", "--no-serve", "--data-dir", str(tmp_path / "d")], tmp_path)
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "d" / "demo.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM core_organisation").fetchone()[0] == 2
    # a refusal of a command on it reads as every other line of Waarborg's
    data = ["--data-dir", str(tmp_path / "d")]
    refused = run(["source", "find", *data, "--org", "nobody", "--system", "x"], tmp_path)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr == "waarborg: geen organisatie met korte naam 'nobody'\n"
    usage = run(["source", "find", *data], tmp_path)
    assert usage.returncode == 2 and "usage: waarborg source find" in usage.stderr


def test_check_deploy_with_production_settings(tmp_path):
    result = run(
        ["manage", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        {
            "WAARBORG_BASE_URL": "https://privacy.firma.example",
            "WAARBORG_ALLOWED_HOSTS": "privacy.firma.example",
        },
    )
    # The README explains the two accepted HSTS items; nothing else may be reported.
    import re

    reported = set(re.findall(r"\(security\.(W\d+)\)", result.stderr))
    assert reported <= {"W005", "W021"}, result.stderr


def test_worker_runs_and_stops(tmp_path):
    assert run(["init", "--no-input"], tmp_path).returncode == 0
    result = run(["worker", "--batch", "--no-startup-delay"], tmp_path)
    assert result.returncode == 0, result.stderr
    wrong = run(["worker", "--max-tasks", "0"], tmp_path)
    assert wrong.returncode == 2
    assert "Traceback" not in wrong.stderr


def test_a_command_on_a_data_directory_that_is_not_there_leaves_none_behind(tmp_path):
    missing = tmp_path / "typo" / "waarborg"
    result = run(["source", "index", "--system", "mailbox", "--data-dir", str(missing)], tmp_path)
    assert result.returncode == 1 and "is niet ingericht" in result.stderr
    assert not (tmp_path / "typo").exists()
    for command in (["source", "find", "--help"], ["audit", "verify", "--help"]):
        helped = run([*command, "--data-dir", str(missing)], tmp_path)
        assert helped.returncode == 0 and "usage: waarborg" in helped.stdout
        assert not (tmp_path / "typo").exists(), command
    # a folder that was there keeps what it held; what settings made in it goes
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    result = run(["source", "index", "--system", "mailbox", "--data-dir", str(kept)], tmp_path)
    assert result.returncode == 1
    assert [p.name for p in kept.iterdir()] == ["notes.txt"]
