"""The cookie banner: its script (with the organisation's cookie purposes inlined) and the
endpoint its choices are posted to. Served from Waarborg; the visitor's browser talks to no
one else."""

import hashlib
import json
import re
import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from waarborg.consent import actions
from waarborg.consent.actions import ConsentError, Evidence
from waarborg.consent.models import Action, Channel, ConsentPurpose, Mechanism, Source
from waarborg.core.fields import translated
from waarborg.core.models import Organisation

CONSENT_ID = re.compile(r"^c-[0-9a-f]{24}$")
LANGUAGES = dict(settings.LANGUAGES)


@lru_cache(maxsize=1)
def _script():
    path = finders.find("center/banner.js") or Path(__file__).parent / "static/center/banner.js"
    return Path(path).read_text(encoding="utf-8")


def cookie_purposes(organisation):
    purposes = ConsentPurpose.objects.filter(
        organisation=organisation, channel=Channel.COOKIE, active=True
    ).prefetch_related("versions")
    return sorted(purposes, key=lambda p: (p.mechanism != Mechanism.NOTICE, p.key))


def revision(purposes):
    """Changes whenever a cookie purpose or its wording changes: the banner then asks again."""
    parts = [f"{p.key}:{p.mechanism}:{max(v.hash for v in p.versions.all())}" for p in purposes]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def banner_js(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    language = request.GET.get("lang")
    language = language if language in LANGUAGES else organisation.default_language
    purposes = cookie_purposes(organisation)
    scanned = _scan_facts(organisation, language)
    with translation.override(language):
        config = {
            "consentMode": scanned["consent_mode"],
            "language": language,
            "revision": revision(purposes),
            "endpoint": request.build_absolute_uri(reverse("center:banner_consent", args=[slug])),
            "stylesheet": request.build_absolute_uri(static("center/banner.css")),
            "statement": request.build_absolute_uri(
                reverse("center:statement", args=[slug, language])
            ),
            "categories": [
                {
                    "key": p.key,
                    "name": translated(p.name, language),
                    "wording": translated(
                        max(p.versions.all(), key=lambda v: v.number).wording, language
                    ),
                    "required": p.mechanism == Mechanism.NOTICE,
                    "category": p.cookie_category or p.key,
                    "cookies": scanned["cookies"].get(
                        p.cookie_category
                        or ("necessary" if p.mechanism == Mechanism.NOTICE else ""),
                        [],
                    ),
                }
                for p in purposes
            ],
            "text": {
                "title": _("Cookies on this website"),
                "intro": _(
                    "We use necessary cookies to make the site work. With your permission we "
                    "also use the cookies below. You can change your choice at any time."
                ),
                "accept": _("Accept all"),
                "reject": _("Reject all"),
                "settings": _("Choose"),
                "save": _("Save my choice"),
                "statement": _("Privacy statement"),
                "current": _("Your current choice is ticked."),
                "cookies": _("Cookies"),
                "stays": _("stays"),
            },
        }
    body = "window.__waarborgBanner = " + json.dumps(config, ensure_ascii=False) + ";\n" + _script()
    # Revalidated on every page view (cheap: 304 while nothing changed), so a new wording is
    # asked about at once.
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        # The type of a 304 must still say JavaScript: with nosniff, Chromium's ORB blocks a
        # cross-site script whose answer says text/html.
        response = HttpResponse(status=304, content_type="text/javascript; charset=utf-8")
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _scan_facts(organisation, language):
    """The cookies the latest scans found, per category, for the banner's lists, and whether
    the banner sends Google Consent Mode signals."""
    from waarborg.cookies import actions as cookie_actions
    from waarborg.cookies import report

    per_category = {}
    for row in report.rows(organisation, cookie_actions.latest_scans(organisation), language):
        if row["kind"] == "cookie":
            per_category.setdefault(row["category"], []).append(
                {"name": row["name"], "party": row["party"], "stays": row["retention"]}
            )
    return {
        "cookies": per_category,
        "consent_mode": cookie_actions.settings_for(organisation).consent_mode,
    }


_purposes_cache = {}
CACHE_SECONDS = 5


def _banner_purposes(slug, shown_revision):
    """([(purpose, current version)] of the choosable cookie purposes, revision), cached a few
    seconds per process: the endpoint takes many posts a second. A post that names a revision
    the cache does not know reloads it, so a new wording is never recorded as the old one."""
    now = time.monotonic()
    hit = _purposes_cache.get(slug)
    # hit: (expires, purposes, revision, loaded, loaded_for_a_mismatch). A post naming another
    # revision reloads once (the wording may just have changed); made-up revisions then reload
    # at most once a second, so they cannot make every request read the database.
    mismatch = bool(hit) and hit[2] != shown_revision
    if hit and hit[0] > now and not mismatch:
        return hit[1], hit[2]
    if hit and hit[0] > now and mismatch and hit[4] and now - hit[3] < 1:
        return hit[1], hit[2]
    organisation = get_object_or_404(Organisation, slug=slug)
    purposes = cookie_purposes(organisation)
    choosable = [
        (p, max(p.versions.all(), key=lambda v: v.number))
        for p in purposes
        if p.mechanism != Mechanism.NOTICE
    ]
    current = revision(purposes)
    _purposes_cache[slug] = (now + CACHE_SECONDS, choosable, current, now, mismatch)
    return choosable, current


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    return response


@csrf_exempt  # posted from the organisation's own website; it changes only the visitor's choice
def banner_consent(request, slug):
    if request.method == "OPTIONS":
        return _cors(HttpResponse(status=204))
    if request.method != "POST":
        return _cors(JsonResponse({"detail": "POST a choice"}, status=405))
    try:
        data = json.loads(request.body.decode("utf-8"))
        consent_id, choices = data["id"], data["choices"]
        if not isinstance(consent_id, str) or not CONSENT_ID.match(consent_id):
            raise ValueError("id")
        if not isinstance(choices, dict):
            raise ValueError("choices")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return _cors(JsonResponse({"detail": "expected {id, revision, choices, page}"}, status=400))
    shown = str(data.get("revision", ""))[:32]
    purposes, current = _banner_purposes(slug, shown)
    evidence = Evidence.from_request(request, page=str(data.get("page", ""))[:500])
    details = {"revision": shown}
    if shown != current:
        details["stale"] = True
    try:
        actions.record_events(
            [
                (
                    purpose,
                    Action.GRANTED if choices.get(purpose.key) is True else Action.WITHDRAWN,
                    version,
                )
                for purpose, version in purposes
            ],
            consent_id,
            source=Source.BANNER,
            evidence=evidence,
            details=details,
            kind="cookie",
        )
    except ConsentError as error:
        return _cors(JsonResponse({"detail": str(error)}, status=400))
    return _cors(HttpResponse(status=204))
