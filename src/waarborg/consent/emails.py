"""E-mails of the consent ledger, in the person's language."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from waarborg.consent import links
from waarborg.core.emails import absolute_url
from waarborg.core.fields import translated


def send_confirmation(purpose, key, language):
    """The double opt-in message: the wording and a signed link to confirm (7 days)."""
    token = links.confirm_token(purpose, key, language)
    link = absolute_url(reverse("center:confirm", args=[purpose.organisation.slug, token]))
    with translation.override(language):
        context = {
            "organisation": purpose.organisation,
            "purpose": translated(purpose.name, language),
            "wording": translated(purpose.current_version().wording, language),
            "link": link,
            "days": links.CONFIRM_AGE.days,
        }
        subject = render_to_string("consent/email/confirm_subject.txt", context).strip()
        body = render_to_string("consent/email/confirm.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[key])
    message.send()
    return message


def send_preferences_link(organisation, key, language):
    token = links.preferences_token(organisation, key, language)
    link = absolute_url(reverse("center:preferences_page", args=[organisation.slug, token]))
    with translation.override(language):
        context = {"organisation": organisation, "link": link}
        subject = render_to_string("consent/email/preferences_subject.txt", context).strip()
        body = render_to_string("consent/email/preferences.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[key])
    message.send()
    return message


def send_with_unsubscribe(purpose, key, subject, body):
    """A message about a purpose, sent by Waarborg, with one-click unsubscribe (RFC 8058)."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[key], headers=links.unsubscribe_headers(purpose, key)
    )
    message.send()
    return message


def send_welcome(purpose, key, language):
    """After the double opt-in: what the person signed up for, and how to leave (one click)."""
    from waarborg.consent.links import unsubscribe_url

    with translation.override(language):
        context = {
            "organisation": purpose.organisation,
            "purpose": translated(purpose.name, language),
            "wording": translated(purpose.current_version().wording, language),
            "unsubscribe": unsubscribe_url(purpose, key),
        }
        subject = render_to_string("consent/email/welcome_subject.txt", context).strip()
        body = render_to_string("consent/email/welcome.txt", context)
    return send_with_unsubscribe(purpose, key, subject, body)
