"""Dutch first, English complete: every user-facing string is in both catalogues, compiled."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

import waarborg

PACKAGE = Path(waarborg.__file__).parent


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """The catalogues as makemessages sees the code now, merged with the committed ones."""
    copy = tmp_path_factory.mktemp("i18n") / "waarborg"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "nl",
            "-l",
            "en",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env=env,
    )
    return copy / "locale"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_string_is_translated(fresh_catalogues, language):
    po = fresh_catalogues / language / "LC_MESSAGES" / "django.po"
    # The header is the one "untranslated" entry msgattrib always keeps when it prints any.
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", str(po)], capture_output=True, text=True, check=True
    ).stdout
    assert "msgid" not in untranslated.replace('msgid ""\nmsgstr ""', "", 1), untranslated[:2000]
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", str(po)], capture_output=True, text=True, check=True
    ).stdout
    assert "msgid" not in fuzzy.replace('msgid ""\nmsgstr ""', "", 1), fuzzy[:2000]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_compiled_catalogues_are_current(tmp_path, language):
    folder = PACKAGE / "locale" / language / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(folder / "django.po")], check=True)
    assert compiled.read_bytes() == (folder / "django.mo").read_bytes()


def test_dutch_by_default_and_english_after_the_switch(client):
    page = client.get(reverse("core:login")).content.decode()
    assert 'lang="nl"' in page and "Wachtwoord vergeten?" in page
    client.post(reverse("set_language"), {"language": "en", "next": reverse("core:login")})
    page = client.get(reverse("core:login")).content.decode()
    assert 'lang="en"' in page and "Forgot your password?" in page


def test_english_pages_have_no_dutch_fallback(client_for, owner, organisation):
    client = client_for(owner)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("core:members")).content.decode()
    assert "Invite someone" in page and "Iemand uitnodigen" not in page


def test_browser_language_does_not_override_dutch(client):
    page = client.get(reverse("core:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content
    assert b'lang="nl"' in page


def test_a_form_label_starts_with_a_capital_in_either_language():
    """Plain forms give lower-case labels (as model fields do); the page writes them as a label
    starts, "Antwoord *", never "antwoord *"."""
    from django import forms
    from django.template.loader import render_to_string
    from django.utils import translation

    from waarborg.processors.forms import AnswerForm

    class Form(forms.Form):
        note = forms.CharField(label="note about it")

    with translation.override("nl"):
        html = render_to_string("core/form_fields.html", {"form": AnswerForm()})
    assert ">Antwoord *</label>" in html
    with translation.override("en"):
        html = render_to_string("core/form_fields.html", {"form": Form()})
    assert ">Note about it *</label>" in html


def test_a_signed_in_persons_choice_follows_them_to_another_browser(
    client_for, owner, organisation
):
    """Chosen once with the switch while signed in, English on every browser they sign in
    on, whatever that browser's cookie says; a switch back is kept too."""
    first = client_for(owner)
    first.post(reverse("set_language"), {"language": "en", "next": reverse("core:members")})
    owner.refresh_from_db()
    assert owner.language == "en"
    other = client_for(owner)  # another browser: no cookie
    response = other.get(reverse("core:members"))
    assert response.status_code == 200, response.headers
    page = response.content.decode()
    assert 'lang="en"' in page and "Invite someone" in page
    other.cookies["waarborg_language"] = "nl"  # an old cookie of that browser does not win
    assert "Invite someone" in other.get(reverse("core:members")).content.decode()
    other.post(reverse("set_language"), {"language": "nl"})
    owner.refresh_from_db()
    assert owner.language == "nl"
    page = client_for(owner).get(reverse("core:members")).content.decode()
    assert "Iemand uitnodigen" in page


def test_a_switch_signed_out_keeps_no_account_and_an_unknown_language_changes_nothing(
    client, client_for, owner
):
    client.post(reverse("set_language"), {"language": "en"})
    owner.refresh_from_db()
    assert owner.language == ""
    signed_in = client_for(owner)
    signed_in.post(reverse("set_language"), {"language": "fr"})
    owner.refresh_from_db()
    assert owner.language == ""
    assert signed_in.get(reverse("set_language")).status_code == 405


def test_staff_mail_goes_in_the_readers_language(owner, organisation):
    from waarborg.core.models import language_of

    assert owner.language_in(organisation) == "nl"
    owner.language = "en"
    owner.save(update_fields=["language"])
    assert owner.language_in(organisation) == "en"
    assert language_of(owner.email.upper(), organisation) == "en"
    assert language_of("nobody@firma.example", organisation) == "nl"
