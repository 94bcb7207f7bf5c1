"""axe-core finds no serious or critical violation on any kind of page of the demo, staff and
public, in a real browser.

The pages are found the way a person finds them: from the dashboard (signed in as the demo's
owner) and from the public privacy center, following every link within Waarborg; one page per
kind (Django URL name) is checked. axe-core comes from the npm registry: `scripts/test`
installs it into `.cache/axe` (WAARBORG_AXE overrides the path of axe.min.js).
"""

import os
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.urls import Resolver404, resolve

from tests.signin.totp import totp_code
from waarborg import demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("WAARBORG_AXE", ROOT / ".cache/axe/node_modules/axe-core/axe.min.js"))
# Links that end a session, change something on a GET, or lead out of the HTML pages.
SKIP = ("/logout", "/api/", "/static/", "/media/", "/admin/")
NOT_HTML = (".pdf", ".csv", ".xlsx", ".ics", ".md", ".js", ".json", ".yaml", ".zip", ".eml")
MOST_PAGES = 160

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def _kind(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _links(page, base):
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != base:
            continue
        path = parts.path
        if path.startswith(SKIP) or path.lower().endswith(NOT_HTML) or "lang=" in parts.query:
            continue
        if any(word in path for word in ("/download", "/export", "/pdf", "/file")):
            continue
        found.append(url)
    return found


def _crawl(page, base, start):
    """Visit pages from `start`, one per kind; return {kind: (url, violations)}."""
    results, queue, seen_urls = {}, [start], set()
    while queue and len(results) < MOST_PAGES:
        url = queue.pop(0)
        if url in seen_urls:
            continue
        seen_urls.add(url)
        kind = _kind(urlsplit(url).path)
        if kind is None or kind in results:
            continue
        response = page.goto(url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if not page.url.startswith(base) or _kind(urlsplit(page.url).path) != kind:
            continue  # a redirect: the page it leads to is checked under its own kind
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        results[kind] = (url, page.evaluate(AXE_RUN))
        queue.extend(link for link in _links(page, base) if link not in seen_urls)
    return results


def _report(results):
    lines = []
    for kind, (url, violations) in sorted(results.items()):
        for violation in violations:
            lines.append(f"{kind} ({url}): {violation['id']} [{violation['impact']}] "
                         f"{violation['help']}: {violation['nodes']}")  # fmt: skip
    return "\n".join(lines)


@pytest.fixture
def axe_context(browser):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: scripts/test installs axe-core from the npm registry")
    # axe is injected as a script of its own; the pages' policy allows only Waarborg's scripts.
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    yield context
    context.close()


def test_no_serious_or_critical_violation_on_any_page_of_the_demo(live_server, axe_context):
    demo.build()
    base = live_server.url
    page = axe_context.new_page()
    page.set_default_timeout(20000)

    center = f"{base}/c/{demo.FIRM['slug']}"
    public = {}
    for start in ("/request/", "/privacy/nl/", "/subscribe/nieuwsbrief/", "/preferences/"):
        public.update(_crawl(page, base, center + start))
    public.update(_crawl(page, base, f"{base}/login/"))
    public.update(_crawl(page, base, f"{base}/signup/"))

    cache.clear()
    page.goto(base + "/login/")
    page.fill("input[name=login]", demo.PEOPLE[0][0])
    page.fill("input[name=password]", demo.DEMO_PASSWORD)
    page.click("main form button[type=submit]")
    page.fill("input[name=code]", totp_code(demo.DEMO_TOTP_SECRET))
    page.click("main form button[type=submit]")
    staff = _crawl(page, base, f"{base}/")

    assert len(public) >= 4, sorted(public)
    assert len(staff) >= 40, sorted(staff)  # the crawl reached the staff pages
    print(f"checked {len(public)} public and {len(staff)} staff kinds of page")
    report = _report({**public, **staff})
    assert not report, "axe-core found serious or critical violations:\n" + report
