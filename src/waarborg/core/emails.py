"""E-mails of the core app, rendered from templates in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


def absolute_url(path):
    return settings.BASE_URL + path


def send_templated(template, *, to, language, context, reply_to=None):
    """Render `<template>_subject.txt` and `<template>.txt` in `language` and send them."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to], reply_to=reply_to)
    message.send()
    return message


def send_invitation(invitation, token):
    organisation = invitation.organisation
    return send_templated(
        "core/emails/invitation",
        to=invitation.email,
        language=organisation.default_language,
        context={
            "organisation": organisation,
            "invitation": invitation,
            "inviter": invitation.invited_by,
            "link": absolute_url(reverse("core:accept_invitation", args=[token])),
            "days": settings.INVITATION_MAX_AGE // 86400,
        },
    )
