"""An erasure request by e-mail address against a real mailbox (dovecot), in a real browser: the
handler searches, marks the person's messages, confirms "delete these 3 messages" by typing the
number, and they are gone from the IMAP server; axe-core finds no serious violation on the
task or the confirmation page."""

import shutil
import tempfile

import pytest

from tests.documents import dovecot
from tests.documents.conftest import make_message
from tests.documents.test_imap import PASSWORD, USER
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import AXE, AXE_RUN
from waarborg.documents import actions as document_actions
from waarborg.register.models import System
from waarborg.requests import actions
from waarborg.requests.models import Kind, Verification

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

JAN = "jan@devries.example"


@pytest.fixture
def imap_server(settings):
    running = dovecot.start(tempfile.mkdtemp(prefix="waarborg-dovecot-"), {USER: PASSWORD})
    settings.IMAP_CAFILE = str(running.cafile)
    for subject in ("Vraag", "Nog een vraag", "Klacht"):
        running.append(USER, "INBOX", make_message(JAN, USER, subject, "Groet, Jan"))
    running.append(USER, "INBOX", make_message("anna@smit.example", USER, "Offerte", "Anna"))
    yield running
    running.stop()
    shutil.rmtree(running.root, ignore_errors=True)


def _axe(page):
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN)


def _inbox(server):
    client = server.login(USER)
    try:
        client.select("INBOX", readonly=True)
        _, data = client.uid("SEARCH", "ALL")
        return len(data[0].split())
    finally:
        client.logout()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL", bypass_csp=True)  # axe is injected inline
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_erasure_deletes_the_persons_mails_after_confirmation(
    page, live_server, imap_server, organisation, owner, handler
):
    system = System.objects.create(organisation=organisation, key="mail", name={"nl": "Mail"})
    source = document_actions.connect_mailbox(
        organisation, system, actor=owner, name="Info", host=imap_server.host,
        port=imap_server.port, username=USER, password=PASSWORD, write_access=True,
    )  # fmt: skip
    document_actions.index_source(source, actor=owner)
    subject_request = actions.create_request(
        organisation, actor=owner, kind=Kind.ERASURE, channel="email", name="Jan de Vries",
        email=JAN, language="nl",
    )  # fmt: skip
    subject_request = actions.verify_request(
        subject_request, actor=owner, method=Verification.EMAIL_LINK
    )
    task = subject_request.tasks.get(system=system)
    base = live_server.url
    sign_in(page, base, handler)

    page.goto(f"{base}/requests/{subject_request.pk}/#task-{task.pk}")
    page.click("text=E-mail en documenten doorzoeken")
    for _ in range(3):
        page.locator("button[name=decision][value=included]:not(.secondary)").first.click()
    assert _axe(page) == []
    page.click("text=Deze 3 berichten uit Info wissen")
    assert "Klacht" in page.content() and "Offerte" not in page.content()
    assert _axe(page) == []
    page.fill("input[name=count]", "2")
    page.click("main form button[type=submit]")
    assert "er is niets gewist" in page.content()
    assert _inbox(imap_server) == 4
    page.fill("input[name=count]", "3")
    page.click("main form button[type=submit]")
    assert "3 berichten uit Info gewist." in page.content()
    assert _inbox(imap_server) == 1
    assert page.locator("text=Uit de mailbox gewist door").count() == 3
