"""Rules about what the cookie scan found on the organisation's own websites (Tw 11.7a)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.checks.engine import ERROR, INFO, OPERATIONS, WARNING, Hit, rule

RECEIVING_KINDS = {"processor", "sub_processor", "recipient", "joint_controller"}
CATEGORY_NAMES = {
    "functional": gettext_lazy("functional"),
    "analytics": gettext_lazy("analytics"),
    "marketing": gettext_lazy("marketing"),
}
# The rules read from a scan's evidence (the scan's own page shows them for that scan).
SCAN_RULES = (
    "cookies.set_before_choice",
    "cookies.category_not_asked",
    "cookies.third_party_not_named",
    "cookies.unknown",
)


def platform_of(item):
    from waarborg.cookies.report import CATEGORY_LABELS

    return item["platform"] or str(CATEGORY_LABELS.get(item["category"], item["category"]))


def _scans(context):
    return getattr(context.operations, "cookie_scans", None) or []


@rule(
    "cookies.set_before_choice",
    area="cookies",
    severity=ERROR,
    article="Tw 11.7a(1)",
    title=gettext_lazy("Cookies set before the visitor chose, or after “reject all”"),
    explanation=gettext_lazy(
        "Only strictly necessary cookies, and analytics that meets the AP's conditions, may be "
        "set without consent. Hold the script back until consent: tag it "
        '<script type="text/plain" data-waarborg-category="analytics">, or classify the '
        "cookie if the scan has it wrong."
    ),
    needs=OPERATIONS,
)
def set_before_choice(context):
    for scan in _scans(context):
        for item in scan["before_choice"]:
            when = _("before any choice") if "first" in item["passes"] else _("after “reject all”")
            yield Hit(
                "cookies",
                str(scan["scan"]),
                _("%(name)s (%(platform)s) is set %(when)s on %(website)s.")
                % {
                    "name": item["name"],
                    "platform": platform_of(item),
                    "when": when,
                    "website": scan["website"],
                },
                data=item,
                part=item["name"],
                name=scan["website"],
            )


@rule(
    "cookies.category_not_asked",
    area="cookies",
    severity=WARNING,
    article="Tw 11.7a(1)",
    title=gettext_lazy("The website uses cookies the banner does not ask about"),
    explanation=gettext_lazy(
        "Consent is asked per purpose. A kind of cookie the site sets needs a purpose in the "
        "banner (a cookie purpose with that cookie category), or the cookies must go."
    ),
    needs=OPERATIONS,
)
def category_not_asked(context):
    asked = set(getattr(context.operations, "banner_categories", set()) or set())
    for scan in _scans(context):
        for category in scan["categories"]:
            if category in CATEGORY_NAMES and category not in asked:
                yield Hit(
                    "cookies",
                    str(scan["scan"]),
                    _("%(website)s sets %(category)s cookies; the banner has no such purpose.")
                    % {"website": scan["website"], "category": CATEGORY_NAMES[category]},
                    data=category,
                    part=category,
                    name=scan["website"],
                )


@rule(
    "cookies.third_party_not_named",
    area="cookies",
    severity=WARNING,
    article="Art. 13(1)(e), 30(1)(d) AVG",
    title=gettext_lazy("A third party receives data the register does not name"),
    explanation=gettext_lazy(
        "The website sends visitors' browsers to another party's servers, which then receive "
        "at least their IP address. Record the party in the register with its web domains "
        "(as processor or recipient), or remove what calls it."
    ),
    needs=OPERATIONS,
)
def third_party_not_named(context):
    domains = set()
    for party in context.parties.values():
        if party.get("kind") in RECEIVING_KINDS:
            domains.update(d.lower() for d in party.get("web_domains", []))
    for scan in _scans(context):
        for entry in scan["hosts"]:
            host = entry["host"].lower()
            if not any(host == d or host.endswith("." + d) for d in domains):
                yield Hit(
                    "cookies",
                    str(scan["scan"]),
                    _("%(website)s contacts %(host)s; no party of the register has this domain.")
                    % {"website": scan["website"], "host": host},
                    data=host,
                    part=host,
                    name=scan["website"],
                )


@rule(
    "cookies.unknown",
    area="cookies",
    severity=INFO,
    article="Tw 11.7a(1)",
    title=gettext_lazy("Cookies to classify"),
    explanation=gettext_lazy(
        "The Open Cookie Database does not know these cookies or keys. Classify each one, so "
        "the banner and the statement can name its purpose."
    ),
    needs=OPERATIONS,
)
def unknown(context):
    for scan in _scans(context):
        for name in scan["unknown"]:
            yield Hit(
                "cookies",
                str(scan["scan"]),
                _("%(name)s on %(website)s is not classified.")
                % {"name": name, "website": scan["website"]},
                data=name,
                part=name,
                name=scan["website"],
            )
