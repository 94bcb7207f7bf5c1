"""Public pages. They read published data only; nothing here changes anything."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation

from waarborg.core.models import Organisation
from waarborg.notices.models import NoticeVersion

LANGUAGES = dict(settings.LANGUAGES)


def _versions(slug, language):
    if language not in LANGUAGES:
        raise Http404
    organisation = get_object_or_404(Organisation, slug=slug)
    return organisation, NoticeVersion.objects.filter(
        organisation=organisation, language=language
    ).order_by("-number")


def _page(request, organisation, language, version, template, **extra):
    with translation.override(language):
        return render(
            request,
            template,
            {"organisation": organisation, "language": language, "version": version, **extra},
        )


def statement(request, slug, language):
    """The current statement: a stable address per organisation and language."""
    organisation, versions = _versions(slug, language)
    version = versions.first()
    if version is None:
        response = _page(request, organisation, language, None, "center/no_statement.html")
        response.status_code = 404
        return response
    return _page(request, organisation, language, version, "center/statement.html", current=True)


def version(request, slug, language, number):
    organisation, versions = _versions(slug, language)
    found = get_object_or_404(versions, number=number)
    latest = versions.values_list("number", flat=True).first()
    return _page(
        request,
        organisation,
        language,
        found,
        "center/statement.html",
        current=found.number == latest,
    )


def archive(request, slug, language):
    organisation, versions = _versions(slug, language)
    listing = versions.only("number", "published_at", "organisation_id", "language")
    return _page(request, organisation, language, None, "center/archive.html", versions=listing)


def _published(slug, language, attribute, content_type):
    """The current version's HTML or Markdown, for use on other sites (public, any origin)."""
    _organisation, versions = _versions(slug, language)
    current = versions.first()
    if current is None:
        raise Http404
    response = HttpResponse(getattr(current, attribute), content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Statement-Version"] = str(current.number)
    return response


def fragment(request, slug, language):
    """The current statement as an HTML fragment, to include in the organisation's website."""
    return _published(slug, language, "html", "text/html; charset=utf-8")


def markdown(request, slug, language):
    return _published(slug, language, "text", "text/markdown; charset=utf-8")
