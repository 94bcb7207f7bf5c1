"""Letters by post: each letter to a person without an e-mail address, and each letter to a
party (an Art. 19 recipient, a client-controller) without one, is a PDF to print, with the
organisation as sender and the addressee in the window; an access answer has the report
enclosed. Staff confirm the day it went into the post; until then nothing says sent."""

import re

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from waarborg.audit.actions import actor_label, record_entry
from waarborg.requests.models import Kind, LetterChannel


class PostError(Exception):
    pass


def address_lines(subject_request):
    lines = [subject_request.name]
    if subject_request.company_name:
        lines.append(subject_request.company_name)
    address = subject_request.postal_address or subject_request.company_address
    lines += [line.strip() for line in address.splitlines() if line.strip()]
    return lines


def party_address_lines(party):
    """A party's name and the postal lines of its contact details (e-mail addresses and
    phone numbers left out), for the window of a letter to it."""
    from waarborg.core.fields import translated
    from waarborg.requests.actions.common import _party_language

    lines = [translated(party.name, _party_language(party)) or party.key]
    for part in re.split(r"[\n,;]", party.contact or ""):
        part = part.strip()
        if part and "@" not in part and not re.fullmatch(r"[+\d][\d\s\-()]{5,}", part):
            lines.append(part)
    return lines


def sender_lines(organisation):
    lines = [organisation.name, organisation.street_address]
    lines.append(" ".join(p for p in (organisation.postal_code, organisation.city) if p))
    lines.append(organisation.privacy_email)
    return [line for line in lines if line]


def letter_html(letter):
    from waarborg.requests.actions.common import _party_language

    subject_request = letter.request
    organisation = letter.organisation
    party = letter.task.party if letter.task_id and letter.task.party_id else None
    language = _party_language(party) if party else subject_request.language
    with translation.override(language):
        return render_to_string(
            "requests/letter_pdf.html",
            {
                "letter": letter,
                "organisation": organisation,
                "sender": sender_lines(organisation),
                "address": party_address_lines(party) if party else address_lines(subject_request),
                "reference": subject_request.reference,
                "date": timezone.localtime(letter.created_at).date(),
                "paragraphs": [p.strip() for p in letter.body.split("\n\n") if p.strip()],
                "language": language,
            },
        )


def letter_pdf(letter):
    """The letter as PDF bytes; an access answer by post encloses the report."""
    from weasyprint import HTML

    document = HTML(string=letter_html(letter)).render()
    subject_request = letter.request
    if letter.key == "answer_access" and letter.channel == LetterChannel.POST:
        from waarborg.requests.package import render_report

        if subject_request.kind == Kind.ACCESS:
            report = HTML(string=render_report(subject_request)).render()
            pages = [*document.pages, *report.pages]
            return document.copy(pages).write_pdf()
    return document.write_pdf()


def confirm_posted(letter, *, actor, on=None):
    """Record the day a letter went into the post (audited), once."""
    letter.refresh_from_db(fields=["sent_on", "sent_by"])
    if letter.channel != LetterChannel.POST:
        raise PostError(_("This letter went by e-mail."))
    if letter.sent_on is not None:
        raise PostError(_("This letter is already recorded as posted."))
    with transaction.atomic():
        letter.sent_on = on or timezone.localdate()
        letter.sent_by = actor_label(actor)
        letter.save(update_fields=["sent_on", "sent_by"])
        record_entry(
            letter.organisation,
            actor=actor,
            action="request.letter_posted",
            obj=letter.request,
            new={
                "letter": letter.key,
                "sent_on": letter.sent_on,
                "party": letter.task.party.key if letter.task_id and letter.task.party else None,
            },
        )
        if letter.task_id:
            from waarborg.requests.actions.tasks import party_letter_posted

            party_letter_posted(letter, actor=actor)
    return letter
