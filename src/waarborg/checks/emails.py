"""The daily digest of new errors, in each reader's language (else the organisation's)."""

from django.urls import reverse
from django.utils import translation

from waarborg.core.emails import absolute_url, send_templated
from waarborg.core.models import language_of


def send_digest(organisation, address, findings):
    language = language_of(address, organisation)
    with translation.override(language):
        # Titles are lazy: they come out in the reader's language here.
        items = [
            {
                "title": str(f.rule.title),
                "name": f.name,
                "article": f.rule.article,
                "url": absolute_url(f.url) if f.url else "",
            }
            for f in findings
        ]
    return send_templated(
        "checks/emails/digest",
        to=address,
        language=language,
        context={
            "organisation": organisation,
            "items": items,
            "link": absolute_url(reverse("checks:findings")),
        },
    )
