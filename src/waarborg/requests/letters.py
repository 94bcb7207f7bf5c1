"""Letters and e-mails of requests: shipped in Dutch and English, editable per organisation.

A letter is plain text in Django's template language; its first line is the subject. The
shipped texts live in `letters/<language>/<key>.txt`; an organisation's `LetterTemplate`
replaces one for its own letters.
"""

from functools import lru_cache
from pathlib import Path

from django.core.mail import EmailMessage
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from waarborg.requests.models import LetterTemplate

HERE = Path(__file__).parent / "letters"

LETTERS = {
    "acknowledgement": _("Acknowledgement with the verification link"),
    "id_request": _("Request for a copy of an identity document"),
    "extension": _("Extension of the deadline"),
    "forwarded": _("To the person: forwarded to the controller"),
    "controller_forward": _("To the client-controller: the forwarded request"),
    "answer_access": _("Answer: access"),
    "answer_portability": _("Answer: data portability"),
    "answer_rectification": _("Answer: rectification"),
    "answer_erasure": _("Answer: erasure"),
    "answer_restriction": _("Answer: restriction"),
    "answer_objection": _("Answer: objection"),
    "answer_withdrawal": _("Answer: withdrawal of consent"),
    "refusal": _("Refusal, in whole or in part"),
    "routes": _("Complaint and court routes (Art. 12(4))"),
    "recipient_notice": _("To a recipient: rectification, erasure or restriction (Art. 19)"),
    "reminder": _("Daily reminder to staff"),
}

# Plain text: nothing is HTML-escaped, and no template library may be loaded.
ENGINE = Engine(autoescape=False, libraries={})


class LetterError(Exception):
    pass


@lru_cache(maxsize=64)
def shipped(key, language):
    text = (HERE / language / f"{key}.txt").read_text(encoding="utf-8")
    subject, _newline, body = text.partition("\n")
    return subject.strip(), body


def texts(organisation, key, language):
    """(subject, body) of a letter: the organisation's own wording, else the shipped one."""
    own = LetterTemplate.objects.filter(organisation=organisation, key=key, language=language)
    own = own.first()
    if own is not None:
        return own.subject, own.body
    return shipped(key, language)


def check_template(text):
    """Raise LetterError with the reason when `text` is not a valid letter template."""
    try:
        ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise LetterError(str(error)) from error


def render(organisation, key, language, context):
    """(subject, body) rendered in `language` (dates and filters too)."""
    context = Context({"organisation": organisation, **context})

    def fill(subject, body):
        return (
            ENGINE.from_string(subject).render(context).strip(),
            ENGINE.from_string(body).render(context).strip() + "\n",
        )

    with translation.override(language):
        try:
            return fill(*texts(organisation, key, language))
        except TemplateSyntaxError:
            # A broken own wording must not stop a legal answer: fall back to the shipped one.
            return fill(*shipped(key, language))


def send(organisation, key, language, context, *, to):
    subject, body = render(organisation, key, language, context)
    return deliver(organisation, subject, body, to=to)


def deliver(organisation, subject, body, *, to):
    reply_to = [organisation.privacy_email] if organisation.privacy_email else None
    message = EmailMessage(subject=subject, body=body, to=[to], reply_to=reply_to)
    message.send()
    return message
