"""The catalogue's data file, read and validated: every fact must be present and every code
known, or the file is refused as a whole with the entry and field named."""

import datetime
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from waarborg.core.taxonomy import shipped_entries

SHIPPED = Path(__file__).parent / "data" / "processors.yaml"
KINDS = (
    "office", "hosting", "accounting", "payroll", "crm", "newsletter", "analytics",
    "advertising", "telephony", "payments", "parcels", "other",
)  # fmt: skip
FIELDS = (
    "key", "name", "kind", "legal_entity", "country", "locations", "transfer_mechanism",
    "dpf_certified", "data_categories", "domains", "agreement_url", "sub_processors_url",
    "source", "as_of",
)  # fmt: skip
DOMAIN = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Entry:
    key: str
    name: str
    kind: str
    legal_entity: str
    country: str
    locations: tuple
    transfer_mechanism: str
    dpf_certified: bool
    data_categories: tuple
    domains: tuple
    agreement_url: str
    sub_processors_url: str
    source: str
    as_of: datetime.date

    def facts(self):
        """The entry as plain data: what a party picked from it remembers."""
        return {
            "legal_entity": self.legal_entity,
            "country": self.country,
            "locations": list(self.locations),
            "transfer_mechanism": self.transfer_mechanism,
            "dpf_certified": self.dpf_certified,
            "data_categories": list(self.data_categories),
            "domains": list(self.domains),
            "agreement_url": self.agreement_url,
            "sub_processors_url": self.sub_processors_url,
            "as_of": self.as_of.isoformat(),
        }


@dataclass(frozen=True)
class Catalogue:
    version: str
    entries: tuple

    def get(self, key):
        return next((e for e in self.entries if e.key == key), None)


def _codes():
    codes = {}
    for kind, entry in shipped_entries():
        codes.setdefault(kind, set()).add(str(entry["code"]))
    return codes


def parse(text):
    """A Catalogue from the file's text; CatalogueError naming every problem otherwise."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise CatalogueError("the file needs a version and a list of entries")
    codes = _codes()
    problems, entries, keys = [], [], set()
    for number, item in enumerate(data["entries"], start=1):
        where = f"entry {number} ({item.get('key', '?') if isinstance(item, dict) else '?'})"
        if not isinstance(item, dict):
            problems.append(f"{where}: not a mapping")
            continue
        missing = [name for name in FIELDS if name not in item]
        unknown = sorted(set(item) - set(FIELDS))
        if missing or unknown:
            problems.append(f"{where}: missing {missing}, unknown {unknown}")
            continue
        if item["key"] in keys:
            problems.append(f"{where}: the key is used twice")
        keys.add(item["key"])
        if item["kind"] not in KINDS:
            problems.append(f"{where}: kind {item['kind']!r} is not one of {', '.join(KINDS)}")
        for code in [item["country"], *item["locations"]]:
            if code not in codes["country"]:
                problems.append(f"{where}: {code!r} is not a known country code")
        if item["transfer_mechanism"] not in codes["transfer_mechanism"]:
            problems.append(f"{where}: unknown transfer mechanism {item['transfer_mechanism']!r}")
        for code in item["data_categories"]:
            if code not in codes["data_category"]:
                problems.append(f"{where}: unknown data category {code!r}")
        for domain in item["domains"]:
            if not DOMAIN.match(str(domain)):
                problems.append(f"{where}: {domain!r} is not a domain")
        for name in ("agreement_url", "sub_processors_url", "source"):
            if not str(item[name]).startswith("https://"):
                problems.append(f"{where}: {name} must be an https:// address")
        if not isinstance(item["as_of"], datetime.date):
            problems.append(f"{where}: as_of must be a date (YYYY-MM-DD)")
        if not isinstance(item["dpf_certified"], bool):
            problems.append(f"{where}: dpf_certified must be true or false")
        if not problems:
            entries.append(
                Entry(
                    **{
                        **item,
                        "locations": tuple(item["locations"]),
                        "data_categories": tuple(item["data_categories"]),
                        "domains": tuple(item["domains"]),
                    }
                )  # fmt: skip
            )
    if problems:
        raise CatalogueError("; ".join(problems))
    return Catalogue(str(data.get("version", "")), tuple(entries))


def path():
    return Path(os.environ.get("WAARBORG_CATALOGUE") or SHIPPED)


@lru_cache(maxsize=2)
def _load(location, mtime):
    return parse(Path(location).read_text(encoding="utf-8"))


def load():
    location = path()
    return _load(str(location), location.stat().st_mtime)
