"""What changes the cookie scan's data: websites, scans and their evidence, the organisation's
own classifications and banner settings. Each writes its audit entry."""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.consent.models import Channel, ConsentPurpose
from waarborg.cookies import database, guard, scanner
from waarborg.cookies.models import (
    UNKNOWN,
    CookieOverride,
    CookieSettings,
    Observation,
    Pass,
    Scan,
    ScanPage,
    StoreKind,
    ThirdPartyHost,
    Website,
)
from waarborg.core.access import scoped
from waarborg.core.fields import normalise

log = logging.getLogger(__name__)
PASS_ORDER = [Pass.FIRST, Pass.REJECTED, Pass.ACCEPTED]


class CookieError(ValueError):
    def __init__(self, message, field="url"):
        super().__init__(message)
        self.field = field


# Websites ---------------------------------------------------------------------------------------


def save_website(organisation, *, actor, url, sitemap_url="", page_limit=20, monthly=True,
                 instance=None):  # fmt: skip
    """Add or change a website. Its addresses must be ones the scan may visit."""
    for field, address in (("url", url), ("sitemap_url", sitemap_url)):
        if not address:
            continue
        try:
            guard.check_url(address)
        except guard.ScanRefused as error:
            raise CookieError(str(error), field=field) from error
    if not 1 <= int(page_limit) <= 200:
        raise CookieError(_("The page limit is between 1 and 200."), field="page_limit")
    with transaction.atomic():
        if (
            scoped(Website, organisation)
            .filter(url=url)
            .exclude(pk=getattr(instance, "pk", None))
            .exists()
        ):
            raise CookieError(_("This website is listed already."))
        website = instance or Website(organisation=organisation)
        old = _website_data(website) if instance else None
        website.url, website.sitemap_url = url, sitemap_url
        website.page_limit, website.monthly = int(page_limit), bool(monthly)
        website.save()
        record_entry(
            organisation,
            actor=actor,
            action="cookies.website_change" if instance else "cookies.website_add",
            obj=website,
            old=old,
            new=_website_data(website),
        )
    return website


def delete_website(website, *, actor):
    with transaction.atomic():
        record_entry(
            website.organisation,
            actor=actor,
            action="cookies.website_delete",
            obj=website,
            old=_website_data(website),
        )
        for scan in website.scans.all():
            if scan.screenshot:
                scan.screenshot.delete(save=False)
        website.delete()


def _website_data(website):
    return {
        "url": website.url,
        "sitemap_url": website.sitemap_url,
        "page_limit": website.page_limit,
        "monthly": website.monthly,
    }


# Scans ------------------------------------------------------------------------------------------


def request_scan(website, *, actor, enqueue=True):
    """Queue a scan of `website` for the worker ("scan now"). One waits at a time. Without
    `enqueue` the caller runs it itself (the command line), so the worker never does too."""
    from waarborg.cookies.tasks import run_scan

    try:
        guard.check_url(website.url)
    except guard.ScanRefused as error:
        raise CookieError(str(error)) from error
    with transaction.atomic():
        waiting = website.scans.filter(status__in=(Scan.Status.QUEUED, Scan.Status.RUNNING))
        if waiting.exists():
            return waiting.first()
        scan = Scan.objects.create(
            organisation=website.organisation, website=website, requested_by=actor
        )
        record_entry(
            website.organisation,
            actor=actor,
            action="cookies.scan_request",
            obj=scan,
            new={"website": website.url},
        )
        if enqueue:
            transaction.on_commit(lambda: run_scan.enqueue(scan.pk))
    return scan


def carry_out_scan(scan_id):
    """Run a queued scan (the worker's task). A scan taken up again after its worker died
    starts over: a scan changes nothing outside Waarborg, so running it again is harmless."""
    from waarborg.jobs import worker

    scan = Scan.objects.select_related("website", "organisation").get(pk=scan_id)
    if scan.status in (Scan.Status.DONE, Scan.Status.FAILED):
        return scan
    ScanPage.objects.filter(scan=scan).delete()
    Scan.objects.filter(pk=scan.pk).update(
        status=Scan.Status.RUNNING, started_at=timezone.now(), pages_done=0
    )

    def progress(done, total):
        Scan.objects.filter(pk=scan.pk).update(pages_done=done, pages_total=total)
        worker.progress(done, total)

    def stop():
        try:
            worker.checkpoint()
        except (worker.Interrupted, worker.LeaseLost):
            return True
        return False

    try:
        guard.check_url(scan.website.url)
        result = scanner.scan(
            scan.website.url,
            sitemap=scan.website.sitemap_url,
            limit=scan.website.page_limit,
            allowed=guard.host_allowed,
            own_hosts=[_host(settings.BASE_URL)],
            quiet=[settings.BASE_URL],
            progress=progress,
            stop=stop,
        )
    except scanner.Stopped:
        worker.checkpoint()  # raises: the worker takes the scan up again later
        raise
    except guard.ScanRefused as error:
        return _fail(scan, "refused", str(error))
    except Exception as error:  # noqa: BLE001 (recorded on the scan, shown to staff)
        log.warning("cookie scan %s failed: %s", scan.pk, error)
        return _fail(scan, "browser", str(error).splitlines()[0] if str(error) else "")
    first = [visit for visit in result.pages if visit.visit == "first"]
    if first and all(visit.status is None for visit in first):
        return _fail(scan, "unreachable", first[0].error)
    return record_result(scan, result)


def _host(url):
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "").lower()


def _fail(scan, code, detail):
    with transaction.atomic():
        scan.status, scan.error, scan.error_detail = Scan.Status.FAILED, code, detail[:500]
        scan.finished_at = timezone.now()
        scan.save(update_fields=["status", "error", "error_detail", "finished_at"])
        record_entry(
            scan.organisation,
            actor=None,
            action="cookies.scan_fail",
            obj=scan,
            new={"website": scan.website.url, "error": code},
        )
    return scan


def record_result(scan, result):
    """Store a scan's evidence (pages, screenshot) and what it observed, classified."""
    site_host = _host(scan.website.url)
    with transaction.atomic():
        ScanPage.objects.bulk_create(
            ScanPage(
                scan=scan,
                url=visit.url[:500],
                visit=visit.visit,
                status_code=visit.status,
                cookies=visit.cookies,
                local_storage=visit.local_storage,
                session_storage=visit.session_storage,
                hosts=sorted(visit.hosts),
            )
            for visit in result.pages
        )
        observations = observe(scan.organisation, result, site_host)
        Observation.objects.bulk_create(Observation(scan=scan, **o) for o in observations)
        hosts = {}
        for visit in result.pages:
            for host, count in visit.hosts.items():
                passes, total = hosts.get(host, ([], 0))
                if visit.visit not in passes:
                    passes = [*passes, visit.visit]
                hosts[host] = (passes, total + count)
        ThirdPartyHost.objects.bulk_create(
            ThirdPartyHost(scan=scan, host=host, passes=passes, requests=count)
            for host, (passes, count) in sorted(hosts.items())
        )
        if result.screenshot:
            scan.screenshot.save(f"scan-{scan.pk}.jpg", ContentFile(result.screenshot), save=False)
        pages = {visit.url for visit in result.pages}
        scan.status = Scan.Status.DONE
        scan.finished_at = timezone.now()
        scan.banner_found = result.banner_found
        scan.pages_done = scan.pages_total = len(result.pages)
        scan.save()
        record_entry(
            scan.organisation,
            actor=None,
            action="cookies.scan_done",
            obj=scan,
            new={
                "website": scan.website.url,
                "pages": len(pages),
                "cookies": sum(1 for o in observations if o["kind"] == StoreKind.COOKIE),
                "before_choice": sum(1 for o in observations if _before_choice(o)),
                "third_parties": len(hosts),
            },
        )
    return scan


def _before_choice(observation):
    return bool({Pass.FIRST, Pass.REJECTED} & set(observation["passes"]))


def observe(organisation, result, site_host):
    """One observation per cookie or storage key of the scan: the passes it was in, its
    expiry as the browser had it, and its class (the organisation's own, else the database's)."""
    known = database.load()
    overrides = {o.name: o for o in scoped(CookieOverride, organisation)}
    found = {}
    for visit in result.pages:
        items = [(StoreKind.COOKIE, c["name"], c.get("domain", ""), c) for c in visit.cookies]
        items += [(StoreKind.LOCAL, key, site_host, None) for key in visit.local_storage]
        items += [(StoreKind.SESSION, key, site_host, None) for key in visit.session_storage]
        for kind, name, domain, cookie in items:
            key = (kind, name, domain.lstrip(".").lower())
            entry = found.get(key)
            if entry is None:
                entry = found[key] = {
                    "kind": kind,
                    "name": name[:300],
                    "domain": key[2][:300],
                    "third_party": not scanner.same_site(key[2], site_host),
                    "passes": [],
                    "pages": set(),
                    "expiry_days": _expiry_days(cookie, result.started),
                }
            if visit.visit not in entry["passes"]:
                entry["passes"].append(visit.visit)
            entry["pages"].add(visit.url)
    rows = []
    for entry in found.values():
        entry["passes"] = [p for p in PASS_ORDER if p in entry["passes"]]
        entry["first_seen"] = entry["passes"][0]
        entry["pages"] = len(entry["pages"])
        entry.update(classify(entry["name"], entry["domain"], known, overrides))
        rows.append(entry)
    return rows


def classify(name, domain, known=None, overrides=None):
    override = (overrides or {}).get(name)
    if override is not None:
        return {
            "category": override.category,
            "platform": "",
            "controller": "",
            "description": "",
            "overridden": True,
            "exempt": override.exempt and override.category == "analytics",
        }
    entry = (known or database.load()).lookup(name, domain)
    if entry is None:
        return {"category": UNKNOWN, "platform": "", "controller": "", "description": "",
                "overridden": False, "exempt": False}  # fmt: skip
    return {
        "category": entry.category,
        "platform": entry.platform[:200],
        "controller": entry.controller[:200],
        "description": entry.description,
        "overridden": False,
        "exempt": False,
    }


def _expiry_days(cookie, started):
    if not cookie or cookie.get("expires", -1) in (-1, None) or cookie["expires"] < 0:
        return None
    return max(0, round((cookie["expires"] - started) / 86400))


# Classification and settings --------------------------------------------------------------------


def set_override(organisation, *, actor, name, category, purpose=None, exempt=False):
    """The organisation's own class for a cookie or key; applied to its observations of the
    latest scans at once, and to every later scan."""
    exempt = bool(exempt) and category == "analytics"
    with transaction.atomic():
        override = scoped(CookieOverride, organisation).filter(name=name).first()
        old = _override_data(override) if override else None
        override = override or CookieOverride(organisation=organisation, name=name)
        override.category, override.exempt = category, exempt
        override.purpose = normalise(purpose or {})
        override.save()
        Observation.objects.filter(scan__organisation=organisation, name=name).update(
            category=category, overridden=True, exempt=exempt
        )
        record_entry(
            organisation,
            actor=actor,
            action="cookies.override",
            obj=override,
            old=old,
            new=_override_data(override),
        )
    return override


def remove_override(override, *, actor):
    organisation = override.organisation
    known = database.load()
    with transaction.atomic():
        record_entry(
            organisation,
            actor=actor,
            action="cookies.override_remove",
            obj=override,
            old=_override_data(override),
        )
        for observation in Observation.objects.filter(
            scan__organisation=organisation, name=override.name
        ):
            for name, value in classify(observation.name, observation.domain, known).items():
                setattr(observation, name, value)
            observation.save()
        override.delete()


def _override_data(override):
    return {
        "name": override.name,
        "category": override.category,
        "exempt": override.exempt,
        "purpose": override.purpose,
    }


def settings_for(organisation):
    return CookieSettings.objects.filter(organisation=organisation).first() or CookieSettings(
        organisation=organisation
    )


def save_settings(organisation, *, actor, consent_mode):
    with transaction.atomic():
        current = settings_for(organisation)
        old = {"consent_mode": current.consent_mode} if current.pk else None
        current.consent_mode = bool(consent_mode)
        current.save()
        record_entry(
            organisation,
            actor=actor,
            action="cookies.settings",
            obj=current,
            old=old,
            new={"consent_mode": current.consent_mode},
        )
    return current


# Reading scans ----------------------------------------------------------------------------------


def latest_scans(organisation):
    """The newest finished scan of each website of the organisation."""
    scans = []
    for website in scoped(Website, organisation):
        last = website.last_scan()
        if last is not None:
            scans.append(last)
    return scans


def banner_categories(organisation):
    """The cookie categories the banner asks about (its active cookie purposes)."""
    purposes = scoped(ConsentPurpose, organisation).filter(channel=Channel.COOKIE, active=True)
    return {p.cookie_category or _guess_category(p.key) for p in purposes} - {""}


def _guess_category(key):
    for category in ("necessary", "functional", "analytics", "marketing"):
        if category in key:
            return category
    return ""


def compare(older, newer):
    """What changed between two scans of a website: cookies and keys that came and went."""

    def names(scan):
        return {(o.kind, o.name, o.domain): o for o in scan.observations.all()}

    before, after = names(older), names(newer)
    return {
        "new": [after[k] for k in sorted(set(after) - set(before))],
        "gone": [before[k] for k in sorted(set(before) - set(after))],
        "hosts_new": sorted(
            set(newer.third_parties.values_list("host", flat=True))
            - set(older.third_parties.values_list("host", flat=True))
        ),
        "hosts_gone": sorted(
            set(older.third_parties.values_list("host", flat=True))
            - set(newer.third_parties.values_list("host", flat=True))
        ),
    }


def due_for_monthly():
    """Websites scanned monthly whose last scan is over a month old (or that have none)."""
    cutoff = timezone.now() - datetime.timedelta(days=30)
    due = []
    for website in Website.objects.filter(monthly=True).select_related("organisation"):
        latest = website.scans.order_by("-created_at").first()
        if latest is None or latest.created_at < cutoff:
            due.append(website)
    return due
