"""Headless Chromium from Debian, driven by Playwright. A missing browser fails, never skips."""

import base64
import hashlib
import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls of the live server
# fixtures happen outside it, so Django's async-safety guard would misfire.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see README)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, base, user, password=None):
    """Sign `user` in through the real pages: e-mail and password, then the code of the
    authenticator app the organisation requires (set up for the user here, as the member
    would have done on their first sign-in)."""
    from allauth.mfa.models import Authenticator
    from django.core.cache import cache

    from tests.conftest import PASSWORD
    from tests.signin.totp import totp_code
    from waarborg.signin.actions import activate_totp

    # The cache table outlives each test's database: a code marked used (and a sign-in
    # counted) in an earlier test of the same half minute would refuse this one.
    cache.clear()
    secret = base64.b32encode(hashlib.sha1(user.email.encode()).digest()).decode()  # noqa: S324
    if not Authenticator.objects.filter(user=user, type="totp").exists():
        activate_totp(user, secret=secret)
    page.goto(base + "/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password or PASSWORD)
    page.click("main form button[type=submit]")
    page.fill("input[name=code]", totp_code(secret))
    page.click("main form button[type=submit]")
