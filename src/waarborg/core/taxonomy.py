"""The taxonomies: shipped entries (from data/taxonomy.yaml) and each organisation's own."""

from pathlib import Path

import yaml
from django.db.models import Q

from waarborg.core.models import Adequacy, Term, TermKind

SHIPPED_FILE = Path(__file__).parent / "data" / "taxonomy.yaml"
FLAGS = ("special", "criminal", "national_id")


def shipped_entries():
    with SHIPPED_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    for kind, entries in data.items():
        for entry in entries:
            yield kind, entry


def sync_shipped_terms(**kwargs):
    """Bring the shipped terms in the database in line with the data file (after migrate)."""
    existing = {(t.kind, t.code): t for t in Term.objects.filter(organisation=None)}
    seen = set()
    for kind, entry in shipped_entries():
        values = {
            "label_nl": entry["nl"],
            "label_en": entry["en"],
            "article": entry.get("article", ""),
            "vocabulary": entry.get("dpv", ""),
            "adequacy": entry.get("adequacy", ""),
            "retired": False,
            **{flag: flag in entry.get("flags", ()) for flag in FLAGS},
        }
        key = (kind, str(entry["code"]))
        seen.add(key)
        term = existing.get(key)
        if term is None:
            Term.objects.create(kind=kind, code=key[1], **values)
        elif any(getattr(term, field) != value for field, value in values.items()):
            Term.objects.filter(pk=term.pk).update(**values)
    # A shipped term dropped from the file stays for old references, retired.
    stale = [existing[key].pk for key in existing.keys() - seen]
    Term.objects.filter(pk__in=stale).update(retired=True)


def terms_for(organisation, kind=None):
    """Shipped terms and the organisation's own."""
    query = Term.objects.filter(Q(organisation=None) | Q(organisation=organisation))
    return query.filter(kind=kind) if kind else query


class TermIndex:
    """All terms an organisation can use, loaded in one query: `index[kind][code]`."""

    def __init__(self, organisation):
        self._codes = {}
        self.by_kind = {kind: {} for kind in TermKind.values}
        for term in terms_for(organisation):
            self.by_kind[term.kind][term.code] = term

    def __getitem__(self, kind):
        return self.by_kind[kind]

    def get(self, kind, code):
        return self.by_kind[kind].get(code)

    def add(self, term):
        self.by_kind[term.kind][term.code] = term
        self._codes.clear()

    def outside_eea(self, codes):
        """(code, term) for each country code outside the EEA, once each, in order.

        An unknown code counts as outside: a transfer is assumed until the code is known.
        """
        outside = []
        for code in dict.fromkeys(codes):
            term = self.get(TermKind.COUNTRY, code)
            if term is None or term.adequacy != Adequacy.EEA:
                outside.append((code, term))
        return outside

    def codes(self, kind, include_retired=False):
        """The codes in use (sorted; kept until a term is added)."""
        key = (kind, include_retired)
        if key not in self._codes:
            self._codes[key] = sorted(
                code
                for code, term in self.by_kind[kind].items()
                if include_retired or not term.retired
            )
        return self._codes[key]


# Countries whose name takes an article in a sentence ("naar de Verenigde Staten", "to the
# United Kingdom"); the others go without ("naar Japan", "to Japan"). ISO 3166-1 alpha-2.
ARTICLES = {
    "nl": {
        **dict.fromkeys(["GB", "VA"], "het"),
        **dict.fromkeys(
            ["US", "AE", "PH", "FO", "BS", "MV", "SC", "KM", "DO", "CF", "SB", "MH", "KY"]
            + ["VG", "VI", "FK", "CK", "CD", "TC", "MP", "AX", "PS", "UM", "TF", "HM", "CC"],
            "de",
        ),
    },
    "en": dict.fromkeys(
        ["US", "GB", "AE", "PH", "FO", "NL", "IM", "BS", "MV", "SC", "KM", "DO", "CF", "SB"]
        + ["MH", "KY", "VG", "VI", "FK", "CK", "CD", "TC", "MP", "GM", "PS", "UM", "TF"]
        + ["HM", "CC", "VA"],
        "the",
    ),
}


def country_in_sentence(code, name, language):
    """A country's name as it stands after 'naar', 'in' or 'to': 'de Verenigde Staten', 'het
    Verenigd Koninkrijk', 'Japan'. A name that has its article already keeps it as it is."""
    article = ARTICLES.get((language or "nl")[:2], {}).get(code)
    if not article or name.lower().startswith(("de ", "het ", "the ")) or name == code:
        return name
    return f"{article} {name}"
