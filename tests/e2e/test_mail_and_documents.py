"""The acceptance of mail and documents, walked in the browser on the demo's own content: a
real dovecot with the demo mailbox and the demo's shared folder, connected to the system
"E-mail en documenten". The privacy officer sees both sources on the system's page; a handler
searches them for Jan de Jong's access request (his e-mail address and phone number, verified
by a call back): his three mails and the offer that names him by phone number. The handler
excludes one mail, redacts the colleague's name in another, and the package that Jan
downloads holds the rest: the unredacted mail and the offer as their originals (.eml, the PDF
itself), the redacted mail as a PDF and a text made from the redacted text, the colleague's
name nowhere."""

import io
import shutil
import tempfile
import zipfile

import pytest

from tests.e2e.conftest import sign_in
from waarborg import demo
from waarborg.documents import demo_files, dovecot
from waarborg.documents.extract import pdf_text
from waarborg.requests import actions
from waarborg.requests.models import TaskStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAILS = ("Storing cv-ketel", "Afspraak monteur", "Vraag over de factuur")
OFFER = "offerte-2026-014.pdf"


@pytest.fixture
def mail_server(settings, tmp_path):
    if not dovecot.available():
        pytest.fail("dovecot is missing: install Debian's dovecot-imapd (see README)")
    data = tempfile.mkdtemp(prefix="waarborg-demo-data-")
    server = demo_files.start_mail_server(data)
    settings.IMAP_CAFILE = str(server.cafile)
    yield server
    server.stop()
    shutil.rmtree(data, ignore_errors=True)


def _login(browser, base, user):
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    sign_in(page, base, user)
    return context, page


def _on_server(server, subject):
    """The bytes of the demo mail with this subject as the server holds it (read-only)."""
    import email

    client = server.login(demo_files.MAILBOX_USER)
    try:
        client.select("INBOX", readonly=True)
        _, data = client.uid("SEARCH", "ALL")
        for uid in data[0].split():
            _, fetched = client.uid("FETCH", uid, "(BODY.PEEK[])")
            if email.message_from_bytes(fetched[0][1])["Subject"] == subject:
                return fetched[0][1]
    finally:
        client.logout()
    raise AssertionError(subject)


def _hit(page, task, title):
    return page.locator(f"#hits-{task.pk} .hit", has_text=title)


def test_access_request_finds_mails_and_offer_and_the_package_holds_what_was_kept(
    browser,
    live_server,
    settings,
    smtp_server,
    organisation,
    owner,
    handler,
    privacy_officer,
    mail_server,
    tmp_path,
):
    settings.BASE_URL = live_server.url
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    base = live_server.url
    demo.build_register(organisation, owner)
    subject_request = demo.build_documents(organisation, owner, handler, mail_server)
    email = demo_files.PERSON["email"]

    # The privacy officer finds both sources from the system's page, indexed.
    context, page = _login(browser, base, privacy_officer)
    page.goto(f"{base}/register/systems/mailbox/")
    sources = page.locator("#document-sources")
    assert "Gedeelde schijf" in sources.inner_text()
    assert demo_files.MAILBOX_USER in sources.inner_text()
    sources.locator("a", has_text=demo_files.MAILBOX_USER).click()
    assert "5 items" in page.locator("#counts").inner_text()
    # the demo's own server: an erasure request can delete the person's messages there
    assert "na bevestiging" in page.locator("main").inner_text()
    page.click("form[action$='/test/'] button")
    assert "kan inloggen" in page.locator(".messages").inner_text()
    context.close()

    # The handler searches the mail and documents of the request.
    task = subject_request.tasks.get(system__key="mailbox")
    context, page = _login(browser, base, handler)
    page.goto(f"{base}/requests/{subject_request.pk}/")
    page.click(f"#checklist a[href='#task-{task.pk}']")
    page.click(f"#hits-{task.pk} form[action$='/documents/'] button")
    hits = page.locator(f"#hits-{task.pk} .hit")
    titles = hits.all_inner_texts()
    assert len(titles) == 4, titles
    for title in (*MAILS, OFFER):
        assert any(title in text for text in titles), title
    assert "111222333" not in page.content()  # the BSN in a mail is masked

    # One mail is left out; in another the colleague's name is redacted; the rest included.
    _hit(page, task, "Vraag over de factuur").locator("button[value=excluded]").click()
    appointment = _hit(page, task, "Afspraak monteur")
    appointment.locator("textarea[name=redactions]").fill(demo_files.COLLEAGUE)
    appointment.locator("button[value=included]").click()
    for title in ("Storing cv-ketel", OFFER):
        _hit(page, task, title).locator("button[value=included]").click()
    assert "Te beoordelen" not in page.locator(f"#hits-{task.pk}").inner_text()

    # The task is completed on its form.
    page.goto(f"{base}/requests/{subject_request.pk}/")
    form = page.locator(f"#task-{task.pk}")
    form.locator("> summary").click()
    form.locator("select[name=outcome]").select_option("done")
    form.locator("button[type=submit]").last.click()
    assert "De taak is opgeslagen." in page.locator(".messages").inner_text()
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    context.close()
    for other in subject_request.tasks.filter(status=TaskStatus.OPEN):
        actions.update_task(
            other, actor=handler, status=TaskStatus.NOT_APPLICABLE, reason="niet in dit systeem"
        )

    # The privacy officer sends the answer; Jan downloads his package.
    context, page = _login(browser, base, privacy_officer)
    page.goto(f"{base}/requests/{subject_request.pk}/")
    page.click("form[action$='/answer/'] button[type=submit]")
    assert "Het antwoord is verstuurd." in page.locator(".messages").inner_text()
    context.close()
    answer = smtp_server.messages[-1]
    assert answer["To"] == email
    body = answer.get_body(("plain",)).get_content()
    # the answer says what of the mail and documents is in the package: a recorded fact
    assert (
        "Mail en documenten: 3 berichten en bestanden waarin wij u vonden, zitten in het pakket."
        in " ".join(body.split())
    )
    link = next(word for word in body.split() if "/download/" in word)
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    person = context.new_page()
    person.goto(link)
    with person.expect_download() as download_info:
        person.click(
            "text=Alles, met de gegevens als JSON en CSV en de berichten en bestanden waarin "
            "wij u vonden (ZIP)"
        )
    content = download_info.value.path().read_bytes()
    context.close()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    texts = {
        name: data.decode("utf-8", errors="replace")
        for name, data in files.items()
        if not name.endswith(".pdf")
    }
    documents = sorted(name for name in files if "/documenten/" in name)
    kinds = sorted(name.partition("/documenten/")[2].partition("-")[2] for name in documents)
    # the two unredacted ones as their originals, the redacted one as PDF and text
    assert kinds == [
        "afspraak-monteur.pdf", "afspraak-monteur.txt", "offerte-2026-014.pdf",
        "storing-cv-ketel.eml",
    ], documents  # fmt: skip
    (offer,) = [name for name in documents if name.endswith("-offerte-2026-014.pdf")]
    folder = demo_files.shared_folder(settings.DATA_DIR)
    assert files[offer] == (folder / "offertes" / OFFER).read_bytes()
    (mail,) = [name for name in documents if name.endswith(".eml")]
    assert files[mail] == _on_server(mail_server, "Storing cv-ketel")
    (redacted_pdf,) = [name for name in documents if name.endswith("-afspraak-monteur.pdf")]
    shown = pdf_text(files[redacted_pdf])
    assert "[weggelaten]" in shown and "monteur" in shown
    texts["export"] = shown
    texts["rapport"] = pdf_text(files["rapport.pdf"])
    joined = "\n".join(texts.get(name, "") for name in documents)
    assert "storing E133" in joined and "[weggelaten]" in joined
    assert "F-2026-311" not in joined  # the excluded mail
    every = "\n".join(texts.values())
    assert demo_files.COLLEAGUE not in every and "Bos belt" not in every
    assert "pieter" not in shown.casefold() and "bos " not in shown.casefold()
    listing = next(name for name in texts if name.endswith("documenten.csv"))
    assert "Afspraak monteur" in texts[listing] and "Vraag over de factuur" not in every
    assert texts[listing].count("Opgenomen als origineel") == 2
    assert f"{offer},{OFFER}," in texts[listing]
