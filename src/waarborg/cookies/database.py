"""The Open Cookie Database: what a cookie or storage key is, by its name (and domain).

The shipped copy lives in `data/` with its licence; `WAARBORG_COOKIE_DATABASE` names a newer
copy of the same CSV. Exact names win over prefixes ("Wildcard match"), the longest prefix
over shorter ones, and an entry for the cookie's own domain over one for any domain.
"""

import csv
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).parent / "data" / "open-cookie-database.csv"

# The database's categories, as the banner's purposes name them.
CATEGORIES = {
    "functional": "functional",
    "analytics": "analytics",
    "marketing": "marketing",
    "security": "necessary",
    "necessary": "necessary",
    "personalization": "functional",
}

# Cookies Waarborg itself sets: the banner's record of the choice, which is strictly necessary.
OWN = {"wb_consent": ("necessary", "Waarborg", "Stores the visitor's cookie choice")}


@dataclass(frozen=True)
class Entry:
    name: str
    category: str  # necessary functional analytics marketing
    platform: str
    controller: str
    description: str
    retention: str
    domain: str = ""
    wildcard: bool = False


def path():
    return Path(os.environ.get("WAARBORG_COOKIE_DATABASE") or SHIPPED)


class Database:
    def __init__(self, entries):
        self.exact = {}
        self.prefixes = []
        for entry in entries:
            if entry.wildcard:
                self.prefixes.append(entry)
            else:
                self.exact.setdefault(entry.name, []).append(entry)
        self.prefixes.sort(key=lambda e: -len(e.name))

    def __len__(self):
        return sum(map(len, self.exact.values())) + len(self.prefixes)

    def lookup(self, name, domain=""):
        """The entry for a cookie or key, or None when the database does not know it."""
        if name in OWN:
            category, platform, description = OWN[name]
            return Entry(name, category, platform, "", description, "")
        domain = domain.lstrip(".").lower()
        candidates = self.exact.get(name)
        if candidates:
            return _best(candidates, domain)
        matches = [e for e in self.prefixes if e.name and name.startswith(e.name)]
        if matches:
            longest = len(matches[0].name)
            return _best([e for e in matches if len(e.name) == longest], domain)
        return None


def _best(entries, domain):
    for entry in entries:
        wanted = entry.domain.lstrip(".").lower()
        if wanted and domain and (domain == wanted or domain.endswith("." + wanted)):
            return entry
    return next((e for e in entries if not e.domain), entries[0])


def parse(lines):
    entries = []
    for row in csv.DictReader(lines):
        category = CATEGORIES.get((row.get("Category") or "").strip().lower())
        name = (row.get("Cookie / Data Key name") or "").strip()
        if not category or not name:
            continue
        entries.append(
            Entry(
                name=name,
                category=category,
                platform=(row.get("Platform") or "").strip(),
                controller=(row.get("Data Controller") or "").strip(),
                description=(row.get("Description") or "").strip(),
                retention=(row.get("Retention period") or "").strip(),
                domain=(row.get("Domain") or "").strip(),
                wildcard=(row.get("Wildcard match") or "").strip() == "1",
            )
        )
    return entries


@lru_cache(maxsize=2)
def _load(location, mtime):
    with open(location, encoding="utf-8", newline="") as handle:
        return Database(parse(handle))


def load():
    location = path()
    return _load(str(location), location.stat().st_mtime)
