"""Visiting a website three times with headless Chromium (Debian's, through Playwright).

Pass one opens every page without a choice (the first view of the start page is kept as a
screenshot), pass two chooses "reject all" in Waarborg's banner on the start page and then opens
the pages again, pass three does the same with "accept all". Each pass has a browser context of
its own, so nothing carries over from one to the next. Per page the cookies, the localStorage
and sessionStorage keys and the other hosts requested are recorded.

Playwright runs in a thread of its own with its own event loop: the caller (the worker, a test)
may have a loop of its own. The thread touches no database; it reports through a queue, and the
caller writes what it gets.
"""

import asyncio
import contextlib
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit
from xml.etree import ElementTree

CHROMIUM = os.environ.get("WAARBORG_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABS = {"first": 4, "rejected": 2, "accepted": 2}  # pages open at once per pass
SETTLE_MS = 1500  # after "load", how long the network may stay busy before we read the page
BANNER_WAIT_MS = 5000
PAGE_TIMEOUT_MS = 20000
PAGE_EXTENSIONS = {"", ".html", ".htm", ".php", ".asp", ".aspx", ".jsp"}


class Stopped(Exception):
    """The caller asked the scan to stop (the worker is shutting down)."""


@dataclass
class PageVisit:
    url: str
    visit: str
    status: int | None = None
    cookies: list = field(default_factory=list)
    local_storage: list = field(default_factory=list)
    session_storage: list = field(default_factory=list)
    hosts: dict = field(default_factory=dict)  # host -> number of requests
    error: str = ""


@dataclass
class SiteResult:
    pages: list = field(default_factory=list)
    banner_found: bool = False
    screenshot: bytes = b""
    started: float = 0.0


def same_origin(url, start):
    """Whether `url` is on the website itself: its scheme, host (www. or not) and port."""
    a, b = urlsplit(url), urlsplit(start)
    return (
        a.scheme == b.scheme
        and same_site(a.hostname, b.hostname or "")
        and (a.port or {"http": 80, "https": 443}.get(a.scheme))
        == (b.port or {"http": 80, "https": 443}.get(b.scheme))
    )


def same_site(host, site_host):
    """Whether `host` belongs to the website (its own host, a subdomain, or www. around it)."""
    host = (host or "").lstrip(".").lower()
    site = site_host.lower().removeprefix("www.")
    return host == site or host.endswith("." + site)


def scan(url, *, sitemap="", limit=20, allowed=None, own_hosts=(), quiet=(), progress=None,
         stop=None):  # fmt: skip
    """Scan the site at `url`; returns a SiteResult. `allowed(host)` decides which requests the
    browser may make; `own_hosts` are not third parties (Waarborg's own, serving the banner);
    requests to URLs starting with one of `quiet` are not sent (the banner's choice, so a scan
    records no consent); `progress(done, total)` is called in the caller's thread; `stop()`
    returning true ends the scan with Stopped."""
    events = queue.Queue()
    stopping = threading.Event()
    outcome = {}

    def run():
        try:
            outcome["result"] = asyncio.run(
                _scan(url, sitemap, limit, allowed, own_hosts, quiet, events, stopping)
            )
        except BaseException as error:  # handed to the caller's thread
            outcome["error"] = error
        finally:
            events.put(None)

    thread = threading.Thread(target=run, name="cookie-scan", daemon=True)
    thread.start()
    while True:
        try:
            event = events.get(timeout=0.5)
        except queue.Empty:
            event = ()
        if event is None:
            break
        if stop is not None and stop():
            stopping.set()
        if event and progress is not None:
            progress(*event)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


async def _scan(url, sitemap, limit, allowed, own_hosts, quiet, events, stopping):
    from playwright.async_api import async_playwright

    result = SiteResult(started=time.time())
    limit = max(1, min(int(limit), 200))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            visitor = _Visitor(browser, url, allowed, own_hosts, quiet, stopping)
            urls = [_clean(url)]
            if sitemap:
                urls += [u for u in await visitor.sitemap(sitemap) if u not in urls]
            urls = urls[:limit]
            total = limit * 3
            events.put((0, total))
            done = 0

            def step():
                nonlocal done
                done += 1
                events.put((done, total))

            first = await visitor.run_pass("first", urls, limit=limit, step=step)
            result.screenshot = visitor.screenshot
            urls = [visit.url for visit in first]
            total = len(urls) * 3
            result.pages += first
            for visit, button in (("rejected", ".wb-reject"), ("accepted", ".wb-accept")):
                pages = await visitor.run_pass(visit, urls, button=button, step=step)
                result.pages += pages
            result.banner_found = visitor.banner_found
        finally:
            await browser.close()
    return result


def _clean(url):
    return urldefrag(url)[0]


class _Visitor:
    def __init__(self, browser, start, allowed, own_hosts, quiet, stopping):
        self.browser = browser
        self.start = start
        self.site_host = urlsplit(start).hostname or ""
        self.allowed = allowed
        self.own_hosts = {h.lower() for h in own_hosts}
        self.quiet = tuple(quiet)
        self.stopping = stopping
        self.screenshot = b""
        self.banner_found = False

    async def _context(self):
        context = await self.browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="nl-NL", ignore_https_errors=False
        )
        await context.route("**/*", self._route)
        return context

    async def _route(self, route):
        request = route.request
        host = urlsplit(request.url).hostname or ""
        if request.method == "POST" and request.url.startswith(self.quiet):
            await route.abort()
        elif (
            self.allowed is not None
            and host.lower() not in self.own_hosts  # Waarborg itself, serving the banner
            and urlsplit(request.url).scheme in ("http", "https")
            and not await asyncio.to_thread(self.allowed, host)
        ):
            await route.abort("blockedbyclient")
        else:
            await route.continue_()

    async def sitemap(self, address):
        context = await self._context()
        try:
            host = urlsplit(address).hostname or ""
            if self.allowed is not None and not await asyncio.to_thread(self.allowed, host):
                return []
            response = await context.request.get(address, timeout=PAGE_TIMEOUT_MS)
            if not response.ok:
                return []
            root = ElementTree.fromstring(await response.body())  # noqa: S314 (no entities)
        except Exception:  # noqa: BLE001 (a broken sitemap only means fewer pages)
            return []
        finally:
            await context.close()
        found = []
        for element in root.iter():
            if element.tag.endswith("loc") and element.text:
                candidate = _clean(element.text.strip())
                if same_origin(candidate, self.start):
                    found.append(candidate)
        return found

    async def run_pass(self, visit, urls, *, limit=None, button=None, step=None):
        """Visit `urls` (and, in the first pass, same-site links found, up to `limit`)."""
        context = await self._context()
        try:
            visits = []
            todo = list(urls)
            seen = set(todo)
            if button is not None:
                # The choice is made on the start page, as a visitor would.
                start = await self._visit(context, todo.pop(0), visit, button=button)
                visits.append(start)
                step and step()
            tabs = asyncio.Semaphore(TABS[visit])

            async def one(address, first_view=False):
                async with tabs:
                    if self.stopping.is_set():
                        raise Stopped()
                    page_visit = await self._visit(context, address, visit, first_view=first_view)
                    step and step()
                    return page_visit

            if visit == "first" and todo:
                start = await one(todo.pop(0), first_view=True)
                visits.append(start)
                self._more(start, todo, seen, limit)
            while todo:
                batch, todo = todo, []
                found = await asyncio.gather(*(one(address) for address in batch))
                visits += found
                if visit == "first":
                    for page_visit in found:
                        self._more(page_visit, todo, seen, limit)
            return visits
        finally:
            await context.close()

    def _more(self, page_visit, todo, seen, limit):
        for link in page_visit.links:
            if limit is not None and len(seen) >= limit:
                return
            if link not in seen:
                seen.add(link)
                todo.append(link)

    async def _visit(self, context, address, visit, *, first_view=False, button=None):
        page = await context.new_page()
        result = PageVisit(url=address, visit=visit)
        result.links = []

        def requested(request):
            host = (urlsplit(request.url).hostname or "").lower()
            if host and not same_site(host, self.site_host) and host not in self.own_hosts:
                result.hosts[host] = result.hosts.get(host, 0) + 1

        page.on("request", requested)
        try:
            response = await page.goto(address, wait_until="load", timeout=PAGE_TIMEOUT_MS)
            result.status = response.status if response else None
            await self._settle(page)
            if await page.query_selector(".wb-banner"):
                self.banner_found = True
            if first_view:
                self.screenshot = await page.screenshot(type="jpeg", quality=70)
            if button is not None and self.banner_found:
                # a banner that does not answer leaves the pass without a choice: it records so
                with contextlib.suppress(Exception):
                    await page.click(".wb-banner " + button, timeout=BANNER_WAIT_MS)
                    await self._settle(page)
            result.local_storage, result.session_storage = await page.evaluate(
                "() => { const keys = (s) => { try { return Object.keys(s); } "
                "catch (e) { return []; } }; return [keys(localStorage), keys(sessionStorage)]; }"
            )
            if visit == "first":
                result.links = await self._links(page)
        except Exception as error:  # noqa: BLE001 (a page that fails is recorded as such)
            result.error = str(error).splitlines()[0][:300]
        finally:
            result.cookies = [_cookie(c) for c in await context.cookies()]
            await page.close()
        return result

    async def _settle(self, page):
        # a page that keeps polling is read as it is
        with contextlib.suppress(Exception):
            await page.wait_for_load_state("networkidle", timeout=SETTLE_MS)

    async def _links(self, page):
        hrefs = await page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        links = []
        for href in hrefs:
            href = _clean(urljoin(page.url, href))
            parts = urlsplit(href)
            suffix = os.path.splitext(parts.path)[1].lower()
            if (
                parts.scheme in ("http", "https")
                and same_origin(href, self.start)
                and suffix in PAGE_EXTENSIONS
                and href not in links
            ):
                links.append(href)
        return links


def _cookie(cookie):
    return {
        "name": cookie["name"],
        "domain": cookie.get("domain", ""),
        "path": cookie.get("path", "/"),
        "expires": cookie.get("expires", -1),
        "secure": cookie.get("secure", False),
        "http_only": cookie.get("httpOnly", False),
        "same_site": cookie.get("sameSite", ""),
    }
