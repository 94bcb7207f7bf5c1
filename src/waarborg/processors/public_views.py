"""Public pages of the processor side: a service's Data Pro Statement (page and PDF) and the
page where a client objects to, or consents to, an announced sub-processor change."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.core import links
from waarborg.core.models import Organisation
from waarborg.processors import actions, exports
from waarborg.processors.models import ChangeClient, ChangeLink, DataProStatement

LANGUAGES = dict(settings.LANGUAGES)


def _statement(slug, key, language):
    if language not in LANGUAGES:
        raise Http404
    organisation = get_object_or_404(Organisation, slug=slug)
    version = (
        DataProStatement.objects.filter(
            organisation=organisation, service__key=key, language=language
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        raise Http404
    return organisation, version


def statement(request, slug, key, language):
    organisation, version = _statement(slug, key, language)
    with translation.override(language):
        return render(
            request,
            "processors/public_statement.html",
            {"organisation": organisation, "version": version, "language": language},
        )


def statement_pdf(request, slug, key, language):
    organisation, version = _statement(slug, key, language)
    pdf = exports.statement_pdf(version)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="data-pro-{key}-{language}.pdf"'
    return response


def answer(request, slug, token):
    """A client's answer to an announcement. An unknown, expired or another organisation's
    link shows the same page as any bad link: it reveals nothing."""
    organisation = get_object_or_404(Organisation, slug=slug)
    link = links.find(ChangeLink, token, row__change__organisation=organisation)
    if link is None:
        response = render(
            request, "processors/public_answer.html", {"organisation": organisation, "bad": True}
        )
        response.status_code = 404
        return response
    row = link.row
    language = row.language
    with translation.override(language):
        error = done = None
        if request.method == "POST":
            choice = request.POST.get("answer", "")
            try:
                row = actions.answer_change(
                    row,
                    actor=None,
                    answer=choice,
                    note=request.POST.get("note", ""),
                    via_link=True,
                )
                done = True
            except actions.ProcessorError as problem:
                error = problem.message
        return render(
            request,
            "processors/public_answer.html",
            {
                "organisation": organisation,
                "row": row,
                "change": row.change,
                "language": language,
                "error": error,
                "done": done,
                "specific": row.mode == "specific",
                "answers": ChangeClient.Answer,
                "title": _("Sub-processor change"),
            },
            status=400 if error else 200,
        )
