"""Editable letters: declared placeholders, required ones, a sandbox, preview and restore."""

import pytest

from waarborg.audit.models import AuditEntry
from waarborg.requests import actions, letters
from waarborg.requests.actions import RequestError
from waarborg.requests.models import LetterTemplate
from waarborg.requests.samples import sample_context


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("key", sorted(letters.LETTERS))
def test_every_shipped_letter_keeps_the_rules(key, language):
    subject, body = letters.shipped(key, language)
    letters.check_letter(key, subject, body)
    assert set(letters.declared(key)) <= set(sample_context(key, language)) | {"organisation"}


@pytest.mark.parametrize(
    "body",
    [
        "{% load static %}{{ link }} {{ reference }}",
        "{% include 'core/base.html' %}{{ link }} {{ reference }}",
        "{% debug %}{{ link }} {{ reference }}",
        "{% url 'requests:dashboard' %}{{ link }} {{ reference }}",
        "{{ link }} {{ reference }} {{ settings.SECRET_KEY }}",
        "{{ link }} {{ reference }} {{ name|safe }}",
        "{{ link }} {{ reference }} {% for x in secret %}{{ x }}{% endfor %}",
    ],
)
def test_the_sandbox_refuses_what_is_not_declared(firm, privacy_officer, body):
    with pytest.raises(RequestError):
        actions.save_letter(
            firm,
            actor=privacy_officer,
            key="acknowledgement",
            language="nl",
            subject="Ontvangen",
            body=body,
        )
    assert not LetterTemplate.objects.exists()


def test_an_empty_text_or_a_missing_required_placeholder_is_refused(firm, privacy_officer):
    for subject, body in (("Ontvangen", ""), ("", "{{ link }} {{ reference }}"), ("x", "  ")):
        with pytest.raises(RequestError):
            actions.save_letter(
                firm,
                actor=privacy_officer,
                key="acknowledgement",
                language="nl",
                subject=subject,
                body=body,
            )
    with pytest.raises(RequestError, match="link"):
        actions.save_letter(
            firm,
            actor=privacy_officer,
            key="acknowledgement",
            language="nl",
            subject="Ontvangen {{ reference }}",
            body="Beste {{ name }}, we hebben uw verzoek.",
        )
    with pytest.raises(RequestError, match="reasons"):
        actions.save_letter(
            firm,
            actor=privacy_officer,
            key="refusal",
            language="en",
            subject="No",
            body="{{ ground }} {{ routes }}",
        )
    assert not LetterTemplate.objects.exists()


def test_loop_variables_and_filters_are_fine(firm, privacy_officer):
    actions.save_letter(
        firm,
        actor=privacy_officer,
        key="answer_erasure",
        language="en",
        subject="Your request {{ reference }}",
        body="{% for item in statements %}* {{ item.text|capfirst }}\n{% endfor %}"
        "{{ due|date:'j F Y' }} {% with n=recipients|length %}{{ n }}{% endwith %}",
    )
    subject, body = letters.render(
        firm,
        "answer_erasure",
        "en",
        {"reference": "2026-0009", "statements": [{"text": "web shop: erased."}], "due": None},
    )
    assert subject == "Your request 2026-0009" and "* Web shop: erased." in body


def test_preview_with_sample_data_and_restore(firm, privacy_officer, client_for):
    officer = client_for(privacy_officer)
    page = officer.post(
        "/requests/letters/extension/nl/",
        {
            "subject": "Verlenging {{ reference }}",
            "body": "Nieuwe termijn {{ due|date:'j F Y' }}: {{ reason }}",
            "preview": "1",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and 'id="preview"' in text
    assert "Jan de Jong" not in text or "Verlenging" in text
    assert not LetterTemplate.objects.exists()  # a preview saves nothing
    officer.post(
        "/requests/letters/extension/nl/",
        {"subject": "Verlenging {{ reference }}", "body": "Tot {{ due }}: {{ reason }}"},
    )
    assert LetterTemplate.objects.get().subject == "Verlenging {{ reference }}"
    officer.post("/requests/letters/extension/nl/", {"restore": "1"})
    assert not LetterTemplate.objects.exists()
    assert AuditEntry.objects.filter(organisation=firm, action="request.letter_reset").exists()


def test_rendering_sees_only_plain_declared_data(firm):
    subject, body = letters.fill(
        "routes",
        "{{ authority }}",
        "{{ organisation.name }} {{ organisation.pk }} {{ secret }}",
        {"authority": "AP", "organisation": letters.organisation_data(firm), "secret": "s3"},
    )
    assert subject == "AP" and body.strip() == f"{firm.name}"
