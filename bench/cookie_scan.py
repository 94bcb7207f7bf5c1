"""Cookie scan benchmark: a generated 20-page site, scanned with all three passes.

Run: .venv/bin/python bench/cookie_scan.py   (needs Debian's chromium; never run in CI)

The baseline is the fastest way to look at the same pages three times: one browser opens the
20 pages one after another, three times over, waiting only for "load". The scan does more
(fresh profiles per pass, clicks on the banner, a settle time for late requests, storage and
cookies read per page, several tabs at once); the ratio says what that costs. Target: under 60 s.
"""

import asyncio
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from waarborg.cookies import scanner  # noqa: E402

PAGES = 20


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def make_site(folder):
    names = [f"page{i}.html" for i in range(PAGES)]
    links = "".join(f"<a href='{name}'>{name}</a> " for name in names)
    for name in names:
        (folder / name).write_text(
            "<!DOCTYPE html><html><head><title>Page</title>"
            "<script>document.cookie='_ga=GA1.1.1.1; max-age=86400; path=/';"
            "localStorage.setItem('_hjid', '1');</script></head>"
            f"<body><h1>{name}</h1><p>{'Tekst. ' * 200}</p>{links}</body></html>"
        )
    return names


async def bare(urls):
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=scanner.CHROMIUM, args=scanner.FLAGS
        )
        page = await browser.new_page()
        for _ in range(3):
            for url in urls:
                await page.goto(url, wait_until="load")
        await browser.close()


def main():
    folder = Path(tempfile.mkdtemp(prefix="waarborg-bench-site-"))
    names = make_site(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    urls = [base + name for name in names]

    start = time.perf_counter()
    asyncio.run(bare(urls))
    baseline = time.perf_counter() - start

    start = time.perf_counter()
    result = scanner.scan(urls[0], limit=PAGES)
    scan = time.perf_counter() - start
    pages = {visit.url for visit in result.pages}
    server.shutdown()
    print(f"pages per pass: {len(pages)}; page visits: {len(result.pages)}")
    print(f"bare loads (3 x {PAGES} pages, one tab): {baseline:.1f} s")
    print(f"scan (3 passes):                  {scan:.1f} s  (target < 60 s)")
    print(f"ratio bare / scan: {baseline / scan:.2f}x")


if __name__ == "__main__":
    main()
