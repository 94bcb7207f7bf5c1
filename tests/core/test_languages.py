"""One language at a time: English dates in British style, Dutch in Dutch; one English word
with two Dutch meanings translated by its context; the command line in one language per run,
its options written the ordinary way."""

import datetime
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import pgettext

from waarborg.cli import parse
from waarborg.core.dates import format_day, format_moment

EVENING = datetime.datetime(2026, 12, 1, 22, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.mark.parametrize(
    ("language", "day", "moment", "plain_date", "plain_time"),
    [
        ("en", "1 December 2026", "1 December 2026, 22:30", "1 December 2026", "22:30"),
        ("nl", "1 december 2026", "1 december 2026, 22:30", "1 december 2026", "22:30"),
    ],
)
def test_dates_as_people_write_them(settings, language, day, moment, plain_date, plain_time):
    settings.TIME_ZONE = "Europe/Amsterdam"
    with translation.override(language):
        assert format_day(EVENING.date()) == day
        assert format_moment(EVENING) == moment
        rendered = Template("{{ d|date }}|{{ d|time }}|{{ d|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"d": EVENING})
        )
    shown_date, shown_time, short = rendered.split("|")
    assert (shown_date, shown_time) == (plain_date, plain_time)
    assert "/" not in short or language != "en" or short.index("/") > 1  # never 12/1/2026
    assert "p.m." not in rendered and "PM" not in rendered


def test_a_moment_past_midnight_here_is_written_as_todays_day(settings):
    """00:22 in Amsterdam is 23:22 UTC the day before: the day people read is Amsterdam's."""
    settings.TIME_ZONE = "Europe/Amsterdam"
    just_after = datetime.datetime(2026, 12, 6, 23, 22, tzinfo=datetime.UTC)
    with translation.override("nl"):
        assert format_day(just_after) == "7 december 2026"
        assert format_day("2026-12-06T23:22:00+00:00") == "7 december 2026"
        assert Template("{% load waarborg %}{{ d|day }}").render(Context({"d": just_after})) == (
            "7 december 2026"
        )
        assert format_day(datetime.date(2026, 12, 6)) == "6 december 2026"


def test_one_english_word_two_dutch_meanings():
    with translation.override("nl"):
        assert pgettext("the register of processing activities", "Register") == "Register"
        assert pgettext("to record a request that was received", "Register") == "Registreren"
        assert pgettext("what an audit entry is about", "Object") == "Object"
        assert pgettext("to object to a processing", "Object") == "Bezwaar maken"
    with translation.override("en"):
        assert pgettext("to object to a processing", "Object") == "Object"


def test_the_pages_use_the_meaning_they_mean(client_for, handler):
    page = client_for(handler).get(reverse("requests:new")).content.decode()
    assert '<button type="submit">Registreren</button>' in page
    assert ">Register</a>" in page  # the main menu: the register of processing activities
    audit = client_for(handler).get(reverse("audit:list")).content.decode()
    assert "<th>Object</th>" in audit


# The command line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["register", "import", "r.yaml", "--org", "proef", "--dry-run"],
        ["register", "import", "--", "r.yaml", "--org", "proef", "--dry-run"],
        ["register", "import", "r.yaml", "--language", "en", "--org", "proef", "--dry-run"],
        ["register", "import", "--data-dir", "/d", "r.yaml", "--org=proef", "--dry-run"],
    ],
)
def test_options_are_written_the_ordinary_way(argv):
    args = parse(argv)
    assert (args.command, args.subcommand) == ("register", "import")
    assert [a for a in args.passthrough if a != "--org=proef"][:1] == ["r.yaml"]
    assert "--dry-run" in args.passthrough and "--" not in args.passthrough
    assert "--language" not in args.passthrough and "--data-dir" not in args.passthrough
    assert args.language == ("en" if "--language" in argv else None)


def test_an_unknown_language_is_refused():
    with pytest.raises(SystemExit) as raised:
        parse(["register", "import", "r.yaml", "--language", "fr"])
    assert raised.value.code == 2


BAD = "waarborg: 1\norganisation:\n  name: Proef BV\nactivities:\n  - key: x\n"


def waarborg(tmp_path, *args):
    env = {"WAARBORG_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "waarborg.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_speaks_one_language_per_run(tmp_path):
    made = waarborg(
        tmp_path, "init", "--email", "a@proef.nl", "--password", "Sterk-wachtwoord-9",
        "--org-name", "Proef BV", "--no-input",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    dutch = waarborg(
        tmp_path, "register", "import", str(tmp_path / "bad.yaml"), "--org", "proef-bv"
    )
    assert dutch.returncode == 2
    assert "regel 5" in dutch.stderr and "is verplicht" in dutch.stderr
    assert "Er is niets gewijzigd." in dutch.stderr
    assert "line 5" not in dutch.stderr and "changed" not in dutch.stderr
    english = waarborg(
        tmp_path, "register", "import", str(tmp_path / "bad.yaml"), "--language", "en"
    )
    assert "line 5" in english.stderr and "Nothing was changed." in english.stderr
    assert "regel" not in english.stderr and "verplicht" not in english.stderr
    verified = waarborg(tmp_path, "audit", "verify", "--language", "en")
    assert verified.returncode == 0 and verified.stdout.startswith("ok proef-bv:")
    assert "entries, head" in verified.stdout
    dutch_verify = waarborg(tmp_path, "audit", "verify")
    assert "regels, laatste" in dutch_verify.stdout
    shown = waarborg(tmp_path, "register", "import", "--help")
    assert shown.returncode == 0 and "usage: waarborg register import" in shown.stdout
    assert "--dry-run" in shown.stdout  # the command's own options
    assert "--language {nl,en}" in shown.stdout and "--data-dir" in shown.stdout
