"""Dataset annotations: which tables and columns of a database hold whose personal data.

The format is Fides' dataset YAML, read as it is (docs/sql-source.md): collections (tables) with
fields (columns), their `data_categories`, and `fides_meta` with `identity`, `primary_key`,
`references` (with `direction`), `data_type` and `masking_strategy_override`; on a collection
`fides_meta` with `erase_after`, `skip_processing` and a `masking_strategy_override` of
`delete`. Waarborg's own keys live under `waarborg:` on a collection (`legal_hold`, `restrict`,
`retention`) or a field (`legal_hold`; `date: end` or `date: event`, the kind of a date
column that retention counts from; `language: true` on the column holding a person's language).
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from waarborg.register.yamlio import RegisterFileError, load_with_lines

STRATEGIES = {"null_rewrite", "string_rewrite", "hash", "hmac", "random_string_rewrite"}
DATA_TYPES = {"string", "integer", "float", "boolean", "object_id", "date", "datetime"}
FIDES_FIELD_META = {
    "identity",
    "primary_key",
    "references",
    "data_type",
    "length",
    "masking_strategy_override",
    "return_all_elements",
    "read_only",
    "custom_request_field",
}
FIDES_COLLECTION_META = {
    "after",
    "erase_after",
    "skip_processing",
    "masking_strategy_override",
    "partitioning",
}
WAARBORG_COLLECTION_KEYS = {"legal_hold", "restrict", "retention"}
WAARBORG_FIELD_KEYS = {"legal_hold", "date", "language"}
DATE_KINDS = ("end", "event")


class AnnotationError(Exception):
    """The annotation cannot be used; `problems` name the place of each mistake."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Reference:
    collection: str
    field: str
    direction: str | None  # "to", "from" or None (either way)
    dataset: str | None = None


@dataclass
class Field:
    name: str
    categories: list
    identity: str | None = None
    primary_key: bool = False
    data_type: str | None = None
    masking: dict | None = None
    references: list = field(default_factory=list)
    legal_hold: str | None = None
    date_kind: str | None = None  # "end" (empty: not ended) or "event" (empty: no event)
    language: bool = False  # the person's language (nl, en, nl-NL ...), for letters to them

    def has_category(self, prefixes):
        return any(
            category == prefix or category.startswith(prefix + ".")
            for category in self.categories
            for prefix in prefixes
        )


@dataclass
class Collection:
    name: str
    fields: dict
    skip: bool = False
    erase_after: list = field(default_factory=list)
    delete: bool = False
    legal_hold: str | None = None
    restrict: dict | None = None  # {"column": name, "value": value}
    # [{"rule": key, "column": name | "activity": [...], "action"?, "date"?, "stage"?}, ...]
    retention: list | None = None

    @property
    def primary_key(self):
        return [name for name, spec in self.fields.items() if spec.primary_key]

    @property
    def identities(self):
        return {name: spec.identity for name, spec in self.fields.items() if spec.identity}


@dataclass(frozen=True)
class Edge:
    """Values of `source.source_field` are looked up in `target.target_field`."""

    source: str
    source_field: str
    target: str
    target_field: str


@dataclass
class Dataset:
    key: str
    name: str
    schema: str | None
    collections: dict
    warnings: list = field(default_factory=list)
    plans: dict = field(default_factory=dict, repr=False)  # walk plans by identity names

    def identity_names(self):
        return sorted(
            {spec.identity for c in self.active() for spec in c.fields.values() if spec.identity}
        )

    def active(self):
        return [c for c in self.collections.values() if not c.skip]

    def edges(self):
        """Directed edges, and undirected ones as (a, b) pairs to orient while traversing."""
        directed, undirected = [], []
        for collection in self.active():
            for spec in collection.fields.values():
                for ref in spec.references:
                    target = self.collections.get(ref.collection)
                    if target is None or target.skip:
                        continue
                    here = (collection.name, spec.name)
                    there = (ref.collection, ref.field)
                    if ref.direction == "to":
                        directed.append(Edge(*here, *there))
                    elif ref.direction == "from":
                        directed.append(Edge(*there, *here))
                    else:
                        undirected.append((here, there))
        return directed, undirected

    def foreign_keys(self):
        """(child, parent) pairs: a reference declared on a column points from child to parent."""
        pairs = set()
        for collection in self.active():
            for spec in collection.fields.values():
                for ref in spec.references:
                    if ref.collection != collection.name:
                        pairs.add((collection.name, ref.collection))
            for before in collection.erase_after:
                pairs.add((before, collection.name))
        return pairs


@lru_cache(maxsize=64)
def parse_cached(text):
    """parse() for stored annotations, which are read for every request and never change."""
    return parse(text)


def parse(text):
    """Read an annotation from YAML text; raise AnnotationError listing every mistake."""
    try:
        data, lines = load_with_lines(text)
    except RegisterFileError as error:
        raise AnnotationError(error.problems) from error
    return Parser(lines).dataset(data)


class Parser:
    def __init__(self, lines):
        self.lines = lines
        self.problems = []
        self.warnings = []

    def fail(self, path, message):
        line = self.lines.get(path)
        self.problems.append(
            _("line %(line)s: %(message)s") % {"line": line, "message": message}
            if line
            else message
        )

    def dataset(self, data):
        if isinstance(data, dict) and "dataset" in data:
            datasets = data["dataset"]
            path = ("dataset",)
            if not isinstance(datasets, list) or len(datasets) != 1:
                self.fail(path, _("the file must hold exactly one dataset"))
                raise AnnotationError(self.problems)
            data, path = datasets[0], (*path, 0)
        else:
            path = ()
        if not isinstance(data, dict):
            raise AnnotationError([_("the file holds no dataset annotation")])
        key = str(data.get("fides_key") or data.get("name") or "dataset")
        meta = data.get("fides_meta") or {}
        schema = None
        if isinstance(meta, dict) and isinstance(meta.get("namespace"), dict):
            schema = meta["namespace"].get("schema")
        raw = data.get("collections")
        if not isinstance(raw, list) or not raw:
            self.fail((*path, "collections"), _("a dataset needs a list of collections"))
            raise AnnotationError(self.problems)
        collections = {}
        for index, item in enumerate(raw):
            collection = self.collection(item, (*path, "collections", index))
            if collection is None:
                continue
            if collection.name in collections:
                self.fail(
                    (*path, "collections", index),
                    _("collection %s appears twice") % (collection.name,),
                )
            collections[collection.name] = collection
        dataset = Dataset(key, str(data.get("name") or key), schema, collections)
        self.references(dataset, path)
        if self.problems:
            raise AnnotationError(self.problems)
        dataset.warnings = self.warnings
        return dataset

    def collection(self, item, path):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            self.fail(path, _("a collection needs a name"))
            return None
        name = item["name"]
        fields = {}
        for index, raw in enumerate(item.get("fields") or []):
            spec = self.field(raw, (*path, "fields", index), name)
            if spec is not None:
                fields[spec.name] = spec
        if not fields:
            self.fail(path, _("collection %s has no fields") % name)
        collection = Collection(name, fields)
        meta = item.get("fides_meta") or {}
        if not isinstance(meta, dict):
            self.fail((*path, "fides_meta"), _("fides_meta must be a mapping"))
            meta = {}
        self.unknown(meta, FIDES_COLLECTION_META, (*path, "fides_meta"), warn=True)
        collection.skip = bool(meta.get("skip_processing"))
        collection.erase_after = [str(x).split(".")[-1] for x in meta.get("erase_after") or []]
        override = meta.get("masking_strategy_override")
        if override is not None:
            if not isinstance(override, dict) or override.get("strategy") != "delete":
                self.fail(
                    (*path, "fides_meta", "masking_strategy_override"),
                    _("on a collection the only masking strategy is delete"),
                )
            collection.delete = True
        own = item.get("waarborg") or {}
        if not isinstance(own, dict):
            self.fail((*path, "waarborg"), _("waarborg must be a mapping"))
            own = {}
        self.unknown(own, WAARBORG_COLLECTION_KEYS, (*path, "waarborg"))
        if own.get("legal_hold"):
            collection.legal_hold = str(own["legal_hold"])
        if "restrict" in own:
            collection.restrict = self.restrict(own["restrict"], (*path, "waarborg", "restrict"))
        if "retention" in own:
            collection.retention = self.retention(
                own["retention"], (*path, "waarborg", "retention"), fields
            )
        if collection.restrict and collection.restrict["column"] not in fields:
            self.fail(
                (*path, "waarborg", "restrict"),
                _("the restriction column %s is not a field of the collection")
                % collection.restrict["column"],
            )
        return collection

    def restrict(self, value, path):
        if isinstance(value, str):
            return {"column": value, "value": True}
        if isinstance(value, dict) and isinstance(value.get("column"), str):
            return {"column": value["column"], "value": value.get("value", True)}
        self.fail(path, _("restrict needs a column name (and optionally the value to set)"))
        return None

    def retention(self, value, path, fields):
        """One rule or a list of rules: [{rule, column | activity, action?}, ...]."""
        items = value if isinstance(value, list) else [value]
        found = [self.retention_rule(item, (*path, i), fields) for i, item in enumerate(items)]
        return [item for item in found if item] or None

    def retention_rule(self, value, path, fields):
        if not isinstance(value, dict) or not isinstance(value.get("rule"), str):
            self.fail(path, _("retention needs the key of a retention rule"))
            return None
        self.unknown(value, {"rule", "column", "activity", "action", "date", "stage"}, path)
        if value.get("action") not in (None, "delete", "anonymise", "restrict"):
            self.fail(path, _("action must be delete, anonymise or restrict"))
        if value.get("date") not in (None, *DATE_KINDS):
            self.fail(path, _("date must be end or event"))
        stage = value.get("stage")
        if stage is not None and (
            not isinstance(stage, int) or isinstance(stage, bool) or stage < 1
        ):
            self.fail(path, _("stage must be a number from 1"))
        has_column = isinstance(value.get("column"), str)
        activity = value.get("activity")
        if has_column == bool(activity):
            self.fail(path, _("retention needs either a date column or a list of activity columns"))
            return None
        if has_column and value["column"] not in fields:
            self.fail(
                path, _("the date column %s is not a field of the collection") % (value["column"],)
            )
        if activity and (
            not isinstance(activity, list) or not all(isinstance(x, str) for x in activity)
        ):
            self.fail(path, _("activity must be a list of collection.column names"))
            return None
        return dict(value)

    def field(self, raw, path, collection):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            self.fail(path, _("a field needs a name"))
            return None
        if raw.get("fields"):
            self.fail(path, _("nested fields are not supported for an SQL database"))
            return None
        categories = raw.get("data_categories") or []
        if isinstance(categories, str):
            categories = [categories]
        spec = Field(raw["name"], [str(c) for c in categories])
        meta = raw.get("fides_meta") or {}
        if not isinstance(meta, dict):
            self.fail((*path, "fides_meta"), _("fides_meta must be a mapping"))
            meta = {}
        self.unknown(meta, FIDES_FIELD_META, (*path, "fides_meta"), warn=True)
        if meta.get("identity"):
            spec.identity = str(meta["identity"])
        spec.primary_key = bool(meta.get("primary_key"))
        data_type = meta.get("data_type")
        if data_type is not None:
            if str(data_type) not in DATA_TYPES:
                self.fail(
                    (*path, "fides_meta", "data_type"),
                    _("unknown data_type %(type)s (known: %(known)s)")
                    % {"type": data_type, "known": ", ".join(sorted(DATA_TYPES))},
                )
            spec.data_type = str(data_type)
        override = meta.get("masking_strategy_override")
        if override is not None:
            strategy = override.get("strategy") if isinstance(override, dict) else None
            if strategy not in STRATEGIES:
                self.fail(
                    (*path, "fides_meta", "masking_strategy_override"),
                    _("unknown masking strategy %(name)s (known: %(known)s)")
                    % {"name": strategy, "known": ", ".join(sorted(STRATEGIES))},
                )
            else:
                spec.masking = {
                    "strategy": strategy,
                    "configuration": override.get("configuration") or {},
                }
        for index, ref in enumerate(meta.get("references") or []):
            ref_path = (*path, "fides_meta", "references", index)
            target = ref.get("field") if isinstance(ref, dict) else None
            if not isinstance(target, str) or target.count(".") != 1:
                self.fail(ref_path, _("a reference needs field: collection.column"))
                continue
            direction = ref.get("direction")
            if direction not in (None, "to", "from"):
                self.fail(ref_path, _("direction must be to or from"))
                continue
            target_collection, target_field = target.split(".")
            spec.references.append(
                Reference(target_collection, target_field, direction, ref.get("dataset"))
            )
        own = raw.get("waarborg") or {}
        if isinstance(own, dict):
            self.unknown(own, WAARBORG_FIELD_KEYS, (*path, "waarborg"))
            if own.get("legal_hold"):
                spec.legal_hold = str(own["legal_hold"])
            if "date" in own:
                if own["date"] not in DATE_KINDS:
                    self.fail((*path, "waarborg", "date"), _("date must be end or event"))
                else:
                    spec.date_kind = own["date"]
            spec.language = bool(own.get("language"))
        return spec

    def unknown(self, mapping, known, path, warn=False):
        for key in mapping:
            if key not in known:
                if warn:
                    self.warnings.append(
                        _("%(place)s: %(key)s is not used by Waarborg")
                        % {"place": ".".join(str(p) for p in path), "key": key}
                    )
                else:
                    self.fail(
                        (*path, key),
                        _("unknown key %(key)s (known: %(known)s)")
                        % {"key": key, "known": ", ".join(sorted(known))},
                    )

    def references(self, dataset, path):
        for collection in dataset.collections.values():
            for spec in collection.fields.values():
                for ref in spec.references:
                    other = ref.dataset or dataset.key
                    if other != dataset.key:
                        self.problems.append(
                            _("%(place)s refers to another dataset (%(other)s)")
                            % {"place": f"{collection.name}.{spec.name}", "other": other}
                        )
                    target = dataset.collections.get(ref.collection)
                    if target is None or ref.field not in target.fields:
                        self.problems.append(
                            _("%(place)s refers to %(target)s, which the annotation does not have")
                            % {
                                "place": f"{collection.name}.{spec.name}",
                                "target": f"{ref.collection}.{ref.field}",
                            }
                        )
            for spec in collection.retention or []:
                self.retention_dates(dataset, collection, spec)
            for other in collection.erase_after:
                if other not in dataset.collections:
                    self.problems.append(
                        _("%(place)s: erase_after names %(target)s, which is not a collection")
                        % {"place": collection.name, "target": other}
                    )

    def retention_dates(self, dataset, collection, spec):
        """Each activity date names a column of a collection that a reference joins."""
        for item in spec.get("activity") or []:
            table, _dot, column = item.partition(".")
            target = dataset.collections.get(table)
            if target is None or column not in target.fields:
                self.problems.append(
                    _("%(place)s: the retention date %(target)s is not in the annotation")
                    % {"place": collection.name, "target": item}
                )
                continue
            if table != collection.name and not _joined(collection, target):
                self.problems.append(
                    _("%(place)s: no reference joins %(target)s, so its date cannot be read")
                    % {"place": collection.name, "target": table}
                )


def _joined(one, other):
    return any(
        ref.collection == other.name for spec in one.fields.values() for ref in spec.references
    ) or any(
        ref.collection == one.name for spec in other.fields.values() for ref in spec.references
    )
