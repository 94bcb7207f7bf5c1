"""What the latest scans say, in words: the cookie list of the statement and the banner, and
the findings the checks read. Built from recorded observations only."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.cookies.models import UNKNOWN, CookieOverride, Pass, StoreKind
from waarborg.core.dates import humanise_duration
from waarborg.core.fields import translated

PURPOSES = {
    "necessary": gettext_lazy("Needed for the website to work"),
    "functional": gettext_lazy("Remembers choices and makes features work"),
    "analytics": gettext_lazy("Measures how the website is used"),
    "marketing": gettext_lazy("Follows visits for advertising and embedded content of others"),
    UNKNOWN: gettext_lazy("Not classified yet"),
}
CATEGORY_LABELS = {
    "necessary": gettext_lazy("Strictly necessary"),
    "functional": gettext_lazy("Functional"),
    "analytics": gettext_lazy("Analytics"),
    "marketing": gettext_lazy("Marketing"),
    UNKNOWN: gettext_lazy("Unknown"),
}
ORDER = ["necessary", "functional", "analytics", "marketing", UNKNOWN]


def lifetime(days):
    """How long a cookie stays, in words: 'tot u de browser sluit', '2 jaar', '30 dagen'."""
    if days is None:
        return _("until the browser is closed")
    if days < 1:
        return _("less than a day")
    if days < 60:
        return humanise_duration(f"P{days}D")
    if days < 730:
        return humanise_duration(f"P{round(days / 30.44)}M")
    return humanise_duration(f"P{round(days / 365.25)}Y")


def rows(organisation, scans, language):
    """[{name, kind, category, category_label, purpose, party, retention}] of the observations
    of `scans` (the latest of each website), one per name and kind, in `language`."""
    overrides = {o.name: o for o in CookieOverride.objects.filter(organisation=organisation)}
    found = {}
    for scan in scans:
        for observation in scan.observations.all():
            found.setdefault((observation.kind, observation.name), observation)
    result = []
    with translation.override(language):
        for (kind, name), observation in found.items():
            override = overrides.get(name)
            # The same facts in every language: the organisation's own purpose, else the
            # category's sentence with the platform the database names.
            purpose = translated(override.purpose, language) if override else ""
            if not purpose:
                purpose = str(PURPOSES[observation.category])
                if observation.platform and observation.platform != "Waarborg":
                    purpose = f"{purpose} ({observation.platform})"
            if not observation.third_party:
                party = organisation.name
            else:
                party = observation.controller or observation.platform or observation.domain
            result.append(
                {
                    "name": name,
                    "kind": kind,
                    "kind_label": str(StoreKind(kind).label),
                    "category": observation.category,
                    "category_label": str(CATEGORY_LABELS[observation.category]),
                    "purpose": purpose,
                    "party": party,
                    "retention": lifetime(observation.expiry_days)
                    if kind == StoreKind.COOKIE
                    else (
                        _("until the browser is closed")
                        if kind == StoreKind.SESSION
                        else _("until it is removed")
                    ),
                }
            )
    result.sort(key=lambda r: (ORDER.index(r["category"]), r["kind"], r["name"].lower()))
    return result


def snapshot_rows(organisation):
    """The cookie table of the statement in every language, as plain data for its snapshot:
    a statement states what the scan recorded when it was published."""
    from django.conf import settings

    from waarborg.cookies.actions import latest_scans

    scans = latest_scans(organisation)
    if not scans:
        return []
    per_language = {code: rows(organisation, scans, code) for code, _name in settings.LANGUAGES}
    first = next(iter(per_language))
    return [
        {
            "name": row["name"],
            "category": row["category"],
            **{
                field: {code: per_language[code][i][field] for code in per_language}
                for field in ("kind_label", "category_label", "purpose", "party", "retention")
            },
        }
        for i, row in enumerate(per_language[first])
    ]


def scan_facts(scans):
    """The findings' facts of the latest scans, as plain data for the checks (see
    checks/rules/cookies.py): per website what was set before a choice, the categories used,
    the unknown names and the third-party hosts."""
    facts = []
    for scan in scans:
        observations = list(scan.observations.all())
        facts.append(
            {
                "scan": scan.pk,
                "website": scan.website.url,
                "finished_at": scan.finished_at,
                "banner_found": scan.banner_found,
                "before_choice": [
                    {
                        "name": o.name,
                        "kind": o.kind,
                        "category": o.category,
                        "passes": o.passes,
                        "platform": o.platform,
                    }
                    for o in observations
                    if o.before_choice() and o.category != "necessary" and not o.exempt
                ],
                "categories": sorted(
                    {o.category for o in observations if o.category not in ("necessary", UNKNOWN)}
                ),
                "unknown": sorted({o.name for o in observations if o.category == UNKNOWN}),
                "hosts": [{"host": h.host, "passes": h.passes} for h in scan.third_parties.all()],
            }
        )
    return facts


def before_choice_label(passes):
    if Pass.FIRST in passes:
        return _("before any choice")
    return _("after “reject all”")
