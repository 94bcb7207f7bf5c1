"""Statement routes of the JSON API: the published versions of the privacy statement, read-only
(a published version never changes)."""

from datetime import date, datetime
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from waarborg.api.api import require
from waarborg.core.models import Role
from waarborg.notices.models import NoticeVersion

router = Router(tags=["statement"])
LANGUAGE = Literal[tuple(code for code, _name in settings.LANGUAGES)]


class VersionOut(Schema):
    number: int
    language: str
    published_at: datetime
    published_by: str
    own_label: str
    effective_on: date | None
    hash: str


class VersionFullOut(VersionOut):
    text: str
    html: str
    snapshot: dict


def _versions(request):
    return NoticeVersion.objects.filter(organisation=request.organisation)


@router.get("/versions", response=list[VersionOut])
def list_versions(request, language: LANGUAGE | None = None):
    """Every published version, newest first; `language` filters."""
    require(request, Role.VIEWER)
    rows = _versions(request).defer("html", "text", "snapshot")
    if language:
        rows = rows.filter(language=language)
    return list(rows)


@router.get("/versions/{language}/{number}", response=VersionFullOut)
def read_version(request, language: LANGUAGE, number: int):
    """One published version: its text, its HTML and the register data it was made from."""
    require(request, Role.VIEWER)
    found = _versions(request).filter(language=language, number=number).first()
    if found is None:
        raise HttpError(404, _("There is no published version %s.") % number)
    return found
