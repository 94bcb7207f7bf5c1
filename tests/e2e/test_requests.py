"""A person files an access request in the privacy center, confirms it through the link in the
e-mail (caught by a local SMTP server), a handler completes a manual task with an upload, the
privacy officer sends the package, and the person downloads it."""

import io
import zipfile

import pytest

from tests.e2e.conftest import sign_in
from waarborg import demo
from waarborg.register.models import System
from waarborg.requests import actions
from waarborg.requests.models import SubjectRequest, TaskStatus
from waarborg.sources import actions as source_actions
from waarborg.sources import demo_shop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _link(message, marker):
    body = message.get_body(("plain",)).get_content()
    return next(word for word in body.split() if marker in word)


def _login(browser, base, user):
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, user)
    return context, page


def test_access_request_from_form_to_download(
    browser,
    page,
    live_server,
    settings,
    smtp_server,
    organisation,
    owner,
    handler,
    privacy_officer,
    tmp_path,
):
    settings.BASE_URL = live_server.url
    demo.build_register(organisation, owner)
    path = demo_shop.build(tmp_path / "webshop.sqlite3")
    source_actions.connect_source(
        organisation,
        System.objects.get(organisation=organisation, key="webshop"),
        actor=owner,
        url=f"sqlite:///{path}",
        annotation=demo_shop.ANNOTATION.read_text(encoding="utf-8"),
    )
    base = live_server.url
    email = demo_shop.DEMO_CUSTOMER["email"]

    # The person files the request.
    page.goto(f"{base}/c/{organisation.slug}/request/")
    page.check("input[name=kind][value=access]")
    page.fill("input[name=name]", "Jan de Jong")
    page.fill("input[name=email]", email)
    page.click("main button[type=submit]")
    assert "Kijk in uw e-mail" in page.locator("h1").inner_text()
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["To"] == email
    subject_request = SubjectRequest.objects.get(organisation=organisation)
    assert subject_request.reference in acknowledgement["Subject"]

    # ... and confirms the address through the link.
    page.goto(_link(acknowledgement, "/request/verify/"))
    page.click("main button[type=submit]")
    assert "uw e-mailadres is bevestigd" in page.locator("h1").inner_text()
    subject_request.refresh_from_db()
    assert subject_request.is_verified

    # The handler looks up the web shop and completes the bookkeeping task with an export.
    context, staff = _login(browser, base, handler)
    staff.goto(f"{base}/requests/{subject_request.pk}/")
    webshop = subject_request.tasks.get(system__key="webshop")
    # each task is one line of the checklist; its link opens the task's form
    staff.click(f"#checklist a[href='#task-{webshop.pk}']")
    staff.click(f"#task-{webshop.pk} form[action$='/run/'] button")
    assert "Uitgevoerd in" in staff.locator(".messages").inner_text()
    books = subject_request.tasks.get(system__key="boekhouding")
    task = staff.locator(f"#task-{books.pk}")
    task.locator("> summary").click()
    task.locator("select[name=outcome]").select_option("done")
    task.locator("textarea[name=notes]").fill("Relatiekaart uit Exact")
    export = tmp_path / "relatiekaart.csv"
    export.write_text("naam;email\nJan de Jong;jan.dejong@example.nl\n", encoding="utf-8")
    task.locator("input[name=upload]").set_input_files(str(export))
    task.locator("button[type=submit]").last.click()
    assert "De taak is opgeslagen." in staff.locator(".messages").inner_text()
    books.refresh_from_db()
    assert books.status == TaskStatus.DONE and books.files.get().name == "relatiekaart.csv"
    context.close()
    for other in subject_request.tasks.filter(status=TaskStatus.OPEN):
        actions.update_task(
            other,
            actor=handler,
            status=TaskStatus.NOT_APPLICABLE,
            reason="geen gegevens van deze persoon",
        )

    # The privacy officer sends the package.
    context, officer = _login(browser, base, privacy_officer)
    officer.goto(f"{base}/requests/{subject_request.pk}/")
    officer.click("form[action$='/answer/'] button[type=submit]")
    assert "Het antwoord is verstuurd." in officer.locator(".messages").inner_text()
    context.close()
    answer = smtp_server.messages[-1]
    assert answer["To"] == email

    # The person downloads it.
    page.goto(_link(answer, "/download/"))
    assert "Uw gegevens" in page.locator("h1").inner_text()
    with page.expect_download() as download_info:
        page.click("text=Alles, met de gegevens als JSON en CSV (ZIP)")
    content = download_info.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        assert {
            "rapport.html",
            "rapport.pdf",
            "webshop/klant.json",
            "boekhouding/relatiekaart.csv",
        } <= names
        assert email in archive.read("webshop/klant.json").decode()
    page.goto(_link(answer, "/download/") + "rapport.html")
    assert "Uw persoonsgegevens" in page.locator("h1").inner_text()
    assert email in page.content()


def test_postal_request_from_intake_to_the_printed_answer(
    browser, live_server, settings, organisation, owner, handler, privacy_officer
):
    """A letter without an e-mail address: a handler enters it, every letter is a PDF to print,
    and the answer is recorded as posted only when staff confirm it."""
    settings.BASE_URL = live_server.url
    demo.build_register(organisation, owner)
    base = live_server.url
    context, page = _login(browser, base, handler)
    page.goto(base + "/requests/new/")
    page.select_option("select[name=kind]", "access")
    page.select_option("select[name=channel]", "letter")
    page.fill("input[name=name]", "Els Brief")
    page.fill("textarea[name=postal_address]", "Dorpsstraat 12\n3991 AB Houten")
    page.fill("input[name=customer_number]", "K-1001")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/requests/*/")
    subject_request = SubjectRequest.objects.get(name="Els Brief")
    table = page.locator("#person-letters")
    assert "nog niet verstuurd" in table.inner_text()
    assert "per post verstuurd op" not in page.content()
    ack = subject_request.letters.get(key="acknowledgement")
    pdf = page.request.get(f"{base}/requests/{subject_request.pk}/letters/{ack.pk}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    page.fill("textarea[name=note], input[name=note]", "Handtekening komt overeen met dossier")
    page.check("input[name=identifiers][value=customer_number]")
    page.click("form[action$='/verify/'] button[type=submit]")
    page.wait_for_selector("text=Geverifieerde kenmerken")
    context.close()
    for task in subject_request.tasks.filter(status=TaskStatus.OPEN):
        actions.update_task(task, actor=handler, outcome="nothing_found")

    context, page = _login(browser, base, privacy_officer)
    page.goto(f"{base}/requests/{subject_request.pk}/")
    page.click("form[action$='/answer/'] button[type=submit]")
    page.wait_for_selector("text=staat klaar om te printen")
    answer = subject_request.letters.get(key="answer_access")
    pdf = page.request.get(f"{base}/requests/{subject_request.pk}/letters/{answer.pk}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF") and len(pdf.body()) > 5000
    for _letter in subject_request.letters.all():
        page.locator("#person-letters button").first.click()
        page.wait_for_load_state()
    assert page.locator("#person-letters").inner_text().count("per post verstuurd op") == 2
    page.click("form[action$='/close/'] button[type=submit]")
    page.wait_for_selector("text=Gesloten")
    context.close()


def test_an_art_19_letter_for_the_post_from_writing_to_posted(
    browser, live_server, settings, organisation, owner, handler
):
    """A recipient without an e-mail address: the handler writes the Art. 19 letter, prints
    the PDF with the party's address, and only after 'posted today' does it say sent."""
    from waarborg.register.models import Party
    from waarborg.requests.models import Verification

    settings.BASE_URL = live_server.url
    demo.build_register(organisation, owner)
    Party.objects.filter(organisation=organisation, key="routit").update(
        contact="Postbus 1234, 3800 AA Amersfoort"
    )
    subject_request = actions.create_request(
        organisation,
        actor=handler,
        kind="rectification",
        channel="email",
        name="Jan de Jong",
        email="jan.dejong@example.nl",
    )
    actions.verify_request(
        subject_request, actor=handler, method=Verification.STAFF, identifiers=["email"], note="k"
    )
    mailbox = subject_request.tasks.get(system__key="mailbox")
    actions.update_task(mailbox, actor=handler, outcome="done")
    task = subject_request.tasks.get(kind="notify", party__key="routit")
    base = live_server.url
    context, page = _login(browser, base, handler)
    page.goto(f"{base}/requests/{subject_request.pk}/#task-{task.pk}")  # opens the task
    page.click(f"form[action$='/tasks/{task.pk}/notify/'] button[type=submit]")
    page.wait_for_selector("text=De brief is geschreven")
    letter = task.letters.get()
    block = page.locator(f"#task-letter-{letter.pk}")
    assert "nog niet verstuurd" in block.inner_text()
    pdf = page.request.get(f"{base}/requests/{subject_request.pk}/letters/{letter.pk}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    block.locator("button").click()
    page.wait_for_load_state()
    # the task is done now: it closes to one line, and opens to show the letter's state
    page.click(f"#task-{task.pk} > summary")
    assert "per post verstuurd op" in page.locator(f"#task-letter-{letter.pk}").inner_text()
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    context.close()
