"""An activity's earlier versions in words: one version field by field, and two side by side.

Versions are register data (codes and keys, as `schema.to_data` gives them); here they are
written out with the reader's labels: terms by their label, items by their current name.
"""

from waarborg.audit.actions import json_ready
from waarborg.core.access import scoped
from waarborg.core.dates import format_day, humanise_duration
from waarborg.core.fields import translated
from waarborg.register.forms import stage_in_words
from waarborg.register.schema import KINDS, current_data, default_of

LIST_TYPES = ("terms", "refs", "countries", "domains", "stages")


class Names:
    """Current names of the items versions refer to, by kind and key, for one organisation."""

    def __init__(self, organisation):
        self.organisation = organisation
        self.found = {}

    def __call__(self, kind_name, key):
        if kind_name not in self.found:
            rows = scoped(KINDS[kind_name].model, self.organisation).only("key", "name")
            self.found[kind_name] = {row.key: translated(row.name) or row.key for row in rows}
        return self.found[kind_name].get(key, key)


def version_data(row, version):
    """The register data of `row` at `version` (a number or "current"), JSON-normal; None if
    the activity has no such version."""
    if version in ("current", str(row.version), row.version):
        return json_ready(current_data("activities", row))
    try:
        number = int(version)
    except (TypeError, ValueError):
        return None
    snapshot = row.versions.filter(version=number).first()
    return snapshot.snapshot if snapshot is not None else None


def _items(kind, spec, value, index, names):
    """A value as a list of texts for people (one item for a single value, none if empty)."""
    if value in (None, "", [], {}) and spec.type != "bool":
        return []
    if spec.type == "translated":
        return [translated(value)] if translated(value) else []
    if spec.type == "choice":
        choices = dict(kind.model._meta.get_field(spec.name).choices)
        return [str(choices.get(value, value))]
    if spec.type in ("term", "terms", "countries"):
        codes = value if isinstance(value, list) else [value]
        found = [index.get(spec.term_kind, code) for code in codes]
        return [term.label() if term else code for term, code in zip(found, codes, strict=True)]
    if spec.type in ("ref", "refs"):
        keys = value if isinstance(value, list) else [value]
        return [names(spec.ref_kind, key) for key in keys]
    if spec.type == "bool":
        from django.utils.translation import gettext

        return [gettext("yes") if value else gettext("no")]
    if spec.type == "date":
        return [format_day(value)]
    if spec.type == "duration":
        return [humanise_duration(value)]
    if spec.type == "stages":
        return [stage_in_words(stage) for stage in value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def _label(kind, spec):
    return kind.model._meta.get_field(spec.name).verbose_name


def describe_version(data, index, organisation, kind_name="activities"):
    """(label, texts) for each filled-in field of one version."""
    kind, names = KINDS[kind_name], Names(organisation)
    result = []
    for spec in kind.fields:
        texts = _items(kind, spec, data.get(spec.name, default_of(kind, spec)), index, names)
        if texts:
            result.append((_label(kind, spec), texts))
    return result


def compare_versions(old, new, index, organisation, kind_name="activities"):
    """(label, old texts, new texts, is_list) for each field that differs between two versions.

    For lists, each text is (text, changed): an item only in one of the two is marked.
    """
    kind, names = KINDS[kind_name], Names(organisation)
    result = []
    for spec in kind.fields:
        before = old.get(spec.name, json_ready(default_of(kind, spec)))
        after = new.get(spec.name, json_ready(default_of(kind, spec)))
        if before == after:
            continue
        old_texts = _items(kind, spec, before, index, names)
        new_texts = _items(kind, spec, after, index, names)
        is_list = spec.type in LIST_TYPES
        if is_list:
            old_texts = [(text, text not in new_texts) for text in old_texts]
            new_texts = [(text, text not in [t for t, _c in old_texts]) for text in new_texts]
        result.append((_label(kind, spec), old_texts, new_texts, is_list))
    return result
