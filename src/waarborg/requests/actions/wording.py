"""An organisation's own wording of letters, and its request settings."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.requests import letters
from waarborg.requests.actions.common import RequestError, settings_for
from waarborg.requests.models import (
    LetterTemplate,
)


def save_letter(organisation, *, actor, key, language, subject, body):
    """Keep an organisation's own wording of a letter. Refused: an empty subject or text, a
    template outside the sandbox, an undeclared placeholder, or a required one missing."""
    if key not in letters.LETTERS or language not in ("nl", "en"):
        raise RequestError(_("Unknown letter."))
    try:
        letters.check_letter(key, subject, body)
    except letters.LetterError as error:
        raise RequestError(_("The text is not a valid template: %s") % error) from error
    with transaction.atomic():
        letter, _created = LetterTemplate.objects.update_or_create(
            organisation=organisation,
            key=key,
            language=language,
            defaults={"subject": subject.strip(), "body": body},
        )
        record_entry(
            organisation,
            actor=actor,
            action="request.letter_save",
            new={"letter": key, "language": language},
        )
    return letter


def restore_letter(organisation, *, actor, key, language):
    """Go back to the shipped text of a letter."""
    if key not in letters.LETTERS or language not in ("nl", "en"):
        raise RequestError(_("Unknown letter."))
    with transaction.atomic():
        LetterTemplate.objects.filter(
            organisation=organisation, key=key, language=language
        ).delete()
        record_entry(
            organisation,
            actor=actor,
            action="request.letter_reset",
            new={"letter": key, "language": language},
        )


def preview_letter(organisation, *, key, language, subject, body):
    """(subject, body) of a wording rendered with sample data, for the edit page."""
    from waarborg.requests.samples import sample_context

    try:
        letters.check_letter(key, subject, body)
    except letters.LetterError as error:
        raise RequestError(_("The text is not a valid template: %s") % error) from error
    context = {
        **sample_context(key, language),
        "organisation": letters.organisation_data(organisation),
    }
    with translation.override(language):
        return letters.fill(key, subject, body, context)


def save_settings(organisation, *, actor, **values):
    with transaction.atomic():
        current = settings_for(organisation)
        old = {name: getattr(current, name) for name in values}
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
        record_entry(organisation, actor=actor, action="request.settings", old=old, new=values)
    return current
