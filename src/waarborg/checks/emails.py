"""The daily digest of new errors, in the organisation's language."""

from django.urls import reverse
from django.utils import translation

from waarborg.core.emails import absolute_url, send_templated


def send_digest(organisation, address, findings):
    language = organisation.default_language
    with translation.override(language):
        # Titles are lazy: they come out in the organisation's language here.
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
