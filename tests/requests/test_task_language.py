"""A task's instructions are for the staff member who reads them: in the page's language,
whatever the language of the person who asked (#24: one language at a time)."""

from django.conf import settings
from django.utils.html import escape

from waarborg.requests import actions
from waarborg.requests.models import Kind, TaskKind, Verification


def _english_objection(firm, committed):
    with committed():
        subject_request = actions.create_request(
            firm,
            actor=None,
            kind=Kind.OBJECTION,
            channel="web",
            name="John Smith",
            email="john.smith@example.co.uk",
            language="en",
            direct_marketing=True,
        )
    actions.verify_request(
        subject_request, actor=None, method=Verification.STAFF, identifiers=["email"], note="ok"
    )
    return subject_request


def _page(client, subject_request, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(f"/requests/{subject_request.pk}/").content.decode()


def test_the_instructions_of_an_english_request_read_in_dutch_on_a_dutch_page(
    firm, committed, client_for, handler
):
    subject_request = _english_objection(firm, committed)
    systems = [
        task.system
        for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM).select_related("system")
        if {"nl", "en"} <= set(task.system.manual_instructions or {})
    ]
    assert systems, "the demo's systems have instructions in both languages"
    client = client_for(handler)
    dutch = _page(client, subject_request, "nl")
    english = _page(client, subject_request, "en")
    for system in systems:
        nl, en = system.manual_instructions["nl"], system.manual_instructions["en"]
        assert escape(nl) in dutch and escape(en) not in dutch
        assert escape(en) in english and escape(nl) not in english


def test_waarborgs_own_notes_on_a_task_follow_the_page_too(firm, committed, client_for, handler):
    subject_request = _english_objection(firm, committed)
    marked = [
        task
        for task in subject_request.tasks.filter(kind=TaskKind.SYSTEM)
        if "marketing_stop" in task.result.get("notes", [])
    ]
    assert marked, "the objection to direct marketing marks the marketing systems' tasks"
    # the text stored for the record is in the request's language
    assert "do-not-contact list" in marked[0].instructions
    client = client_for(handler)
    dutch = _page(client, subject_request, "nl")
    english = _page(client, subject_request, "en")
    assert "do-not-contact list" in english and "do-not-contact list" not in dutch
    assert "lijst van niet te" in dutch


def test_a_task_recorded_before_its_notes_were_coded_shows_its_stored_text(
    firm, committed, client_for, handler
):
    subject_request = _english_objection(firm, committed)
    task = subject_request.tasks.filter(kind=TaskKind.SYSTEM).first()
    task.result = {}
    task.instructions = "Stored instruction text 4711"
    task.save()
    assert "Stored instruction text 4711" in _page(client_for(handler), subject_request, "nl")
