"""Read a live schema: draft an annotation from it, and check an annotation against it."""

import json
import re
from collections import defaultdict, deque
from dataclasses import dataclass

import sqlalchemy as sa
from django.utils.translation import gettext as _

from waarborg.sources.engine import SourceError, connect, database_errors, engine_for, make_plan

# (pattern on the column name, data category, identity name). First match wins; Dutch and
# English names. A guess for a person to review, never a decision.
GUESSES = [
    (r"e_?mail|mail_?adres", "user.contact.email", "email"),
    (r"phone|telefoon|tel_?nr|mobile|mobiel|gsm", "user.contact.phone_number", "phone_number"),
    (r"customer_?(number|no|nr)|klant_?(nummer|nr)", "user.unique_id", "customer_number"),
    (r"bsn|ssn|national_id", "user.government_id.national_identification_number", None),
    (r"iban|bank|ccn|card_?number|rekening", "user.financial.bank_account", None),
    (r"birth|geboorte|dob$", "user.demographic.date_of_birth", None),
    (r"gender|geslacht|sex$", "user.demographic.gender", None),
    (r"password|wachtwoord|pass_?hash", "user.authorization.credentials", None),
    (r"(^|_)ip(_|$)|ip_?address", "user.device.ip_address", None),
    (r"street|straat|house|huisnummer|address|adres", "user.contact.address.street", None),
    (r"zip|postcode|postal", "user.contact.address.postal_code", None),
    (r"city|plaats|town", "user.contact.address.city", None),
    (r"country|land$", "user.contact.address.country", None),
    (r"(^|_)(first_|last_|full_|sur|given_)?name$|naam", "user.name", None),
]


def guess(column):
    name = column.lower()
    for pattern, category, identity in GUESSES:
        if re.search(pattern, name):
            return category, identity
    return None, None


def _named_parent(column, tables):
    """The table a column such as customer_id or billing_address_id points to, if any."""
    match = re.fullmatch(r"(.+?)_?id", column.lower())
    if not match:
        return None
    words = match.group(1).strip("_").split("_")
    for start in range(len(words)):
        stem = "_".join(words[start:])
        for name in (stem, stem + "s", stem + "es"):
            if name in tables and len(tables[name]["pk"]) == 1:
                return name
    return None


def _inspect(url, schema=None):
    with database_errors(), connect(url) as conn:
        inspector = sa.inspect(conn)
        tables = {}
        for table in sorted(inspector.get_table_names(schema=schema)):
            columns = inspector.get_columns(table, schema=schema)
            pk = inspector.get_pk_constraint(table, schema=schema).get("constrained_columns") or []
            fks = inspector.get_foreign_keys(table, schema=schema)
            indexes = [ix["column_names"] for ix in inspector.get_indexes(table, schema=schema)]
            indexes += [
                u["column_names"] for u in inspector.get_unique_constraints(table, schema=schema)
            ]
            tables[table] = {
                "columns": [c["name"] for c in columns],
                "pk": pk,
                "fks": fks,
                "indexed": {cols[0] for cols in indexes if cols} | set(pk[:1]),
            }
    return tables


def annotate(url, schema=None):
    """A draft annotation (YAML text) of every table, for a person to review before use."""
    tables = _inspect(url, schema)
    if not tables:
        raise SourceError(_("The database has no tables"))
    roots = set()
    field_guess = {}
    for table, info in tables.items():
        for column in info["columns"]:
            field_guess[(table, column)] = guess(column)
            if field_guess[(table, column)][1]:
                roots.add(table)
    for table, info in tables.items():
        declared = {c for fk in info["fks"] for c in fk["constrained_columns"]}
        for column in info["columns"]:
            if column in declared or info["pk"] == [column]:
                continue
            parent = _named_parent(column, tables)
            if parent and parent != table:
                info["fks"].append(
                    {
                        "constrained_columns": [column],
                        "referred_table": parent,
                        "referred_columns": tables[parent]["pk"],
                        "guessed": True,
                    }
                )
    # Orient each foreign key away from the tables that hold identities (the walk starts there).
    neighbours = defaultdict(set)
    for table, info in tables.items():
        for fk in info["fks"]:
            neighbours[table].add(fk["referred_table"])
            neighbours[fk["referred_table"]].add(table)
    distance = {table: 0 for table in roots}
    queue = deque(sorted(roots))
    while queue:
        current = queue.popleft()
        for other in sorted(neighbours[current]):
            if other not in distance:
                distance[other] = distance[current] + 1
                queue.append(other)
    far = len(tables) + 1
    name = sa.engine.make_url(engine_for(url).url).database or "database"
    key = re.sub(r"[^a-z0-9_]+", "_", str(name).rsplit("/", 1)[-1].lower()).strip("_") or "dataset"
    lines = [
        "# Draft annotation made by `waarborg source annotate`. Review every line marked",
        "# 'guessed' and every 'user' category before you connect it: the erasure masks what is",
        "# marked personal (user.*) and follows only the references listed here.",
        "dataset:",
        f"  - fides_key: {key}",
        f"    name: {json.dumps(str(name).rsplit('/', 1)[-1])}",
        "    collections:",
    ]
    for table, info in tables.items():
        lines.append(f"      - name: {table}")
        lines.append("        fields:")
        refs = defaultdict(list)
        for fk in info["fks"]:
            parent = fk["referred_table"]
            for own, theirs in zip(fk["constrained_columns"], fk["referred_columns"], strict=True):
                toward_parent = distance.get(table, far) <= distance.get(parent, far)
                refs[own].append(
                    (parent, theirs, "to" if toward_parent else "from", fk.get("guessed"))
                )
        for column in info["columns"]:
            category, identity = field_guess[(table, column)]
            if category:
                comment = "guessed"
            elif column in info["pk"] or column in refs:
                category, comment = "system.operations", "key"
            else:
                category, comment = "user", "unknown: review (user = personal data)"
            lines.append(f"          - name: {column}")
            lines.append(f"            data_categories: [{category}]  # {comment}")
            meta = []
            if identity:
                meta.append(f"              identity: {identity}  # guessed")
            if column in info["pk"]:
                meta.append("              primary_key: true")
            if column in refs:
                meta.append("              references:")
                for parent, theirs, direction, guessed_ref in refs[column]:
                    note = "  # guessed from the name" if guessed_ref else ""
                    meta += [
                        f"                - dataset: {key}{note}",
                        f"                  field: {parent}.{theirs}",
                        f"                  direction: {direction}",
                    ]
            if meta:
                lines.append("            fides_meta:")
                lines += meta
    return "\n".join(lines) + "\n"


@dataclass
class Problem:
    level: str  # "error" or "warning"
    message: str
    fix: str = ""


def check(url, dataset):
    """Compare an annotation with the live database: every table and column it names, whether
    every collection can be reached from an identity, and indexes on the columns the walk uses."""
    problems = [Problem("warning", warning) for warning in dataset.warnings]
    tables = _inspect(url, dataset.schema)
    for collection in dataset.active():
        info = tables.get(collection.name)
        if info is None:
            problems.append(Problem("error", _("The database has no table %s") % collection.name))
            continue
        for name in collection.fields:
            if name not in info["columns"]:
                problems.append(
                    Problem(
                        "error",
                        _("The table %(table)s has no column %(column)s")
                        % {"table": collection.name, "column": name},
                    )
                )
    if any(p.level == "error" for p in problems):
        return problems
    try:
        plan = make_plan(dataset, dataset.identity_names())
    except SourceError as error:
        return [*problems, Problem("error", str(error))]
    unreachable = sorted({c.name for c in dataset.active()} - set(plan.order))
    for name in unreachable:
        problems.append(
            Problem(
                "warning",
                _("No identity reaches the collection %s: a request will never find its rows")
                % name,
                _("Mark an identity column in it, or add a reference that leads to it."),
            )
        )
    looked_up = set()
    for collection, pairs in plan.seeds.items():
        looked_up.update((collection, column) for column, _identity in pairs)
    for edges in plan.incoming.values():
        looked_up.update((edge.target, edge.target_field) for edge in edges)
    for table, column in sorted(looked_up):
        if column not in tables[table]["indexed"]:
            problems.append(
                Problem(
                    "warning",
                    _("%(table)s.%(column)s is searched for every request but has no index")
                    % {"table": table, "column": column},
                    f"CREATE INDEX ix_{table}_{column} ON {table} ({column});",
                )
            )
    return problems
