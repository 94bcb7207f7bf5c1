"""The demo firm's own website, for the cookie scan."""

from pathlib import Path

DEMO_SITE_PAGES = {
    "index.html": (
        "Welkom bij Van Dijk Installatietechniek",
        "Cv-ketels, warmtepompen en onderhoud.",
    ),
    "diensten.html": (
        "Onze diensten",
        "Installatie, onderhoud en storingsdienst, ook in het weekend.",
    ),
    "contact.html": ("Contact", "Bel 030 123 4567 of mail info@vandijk-installatie.example."),
}
# The site's own analytics script sets its cookie before the visitor chooses: the scan finds
# it. Tagging the script (type="text/plain" data-waarborg-category="analytics") makes it wait
# for consent, and the next scan is clean (docs/cookies.md).
DEMO_TRACKER = (
    "<script>document.cookie = '_ga=GA1.1.' + Math.floor(Math.random() * 1e9) + "
    "'.1764547200; max-age=63072000; path=/; SameSite=Lax';</script>"
)


def write_website(folder, banner_url):
    """The demo firm's own website, a few static pages that embed Waarborg's banner."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    links = " · ".join(
        f'<a href="{name}">{title}</a>' for name, (title, _) in DEMO_SITE_PAGES.items()
    )
    for name, (title, text) in DEMO_SITE_PAGES.items():
        (folder / name).write_text(
            '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
            f'<title>{title}</title>\n<script src="{banner_url}" defer></script>\n'
            f"{DEMO_TRACKER}\n</head><body><nav>{links}</nav><h1>{title}</h1><p>{text}</p>"
            '<p><a href="#" data-waarborg-consent>Cookie-instellingen</a></p></body></html>\n',
            encoding="utf-8",
        )
    return folder


def build_website(firm, owner):
    """The firm's website in the cookie scan (served by `waarborg demo` on the next port)."""
    import os

    from waarborg.cookies.actions import save_website

    url = os.environ.get("WAARBORG_DEMO_SITE_URL")
    if url:
        save_website(firm, actor=owner, url=url, page_limit=20)
