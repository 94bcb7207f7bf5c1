"""The people of a breach, found through the connected systems of its activities: the e-mail
addresses (with the language and name where a source maps them) that the SQL sources of those
systems hold, for the Art. 34 letters. Only reads; the preview and the letters are audited."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

# Read in the request, so bounded: a source with more people is read up to this many rows and
# the preview says the rest must come as a CSV upload.
MAX_PER_SOURCE = 5000
EXAMPLES = 3
LANGUAGES = {code for code, _name in settings.LANGUAGES}


@dataclass
class SourceResult:
    system: object
    reason: str = ""  # why the source was skipped; empty when it was read
    count: int = 0  # valid addresses read from it (before de-duplication across sources)
    invalid: int = 0  # empty or invalid addresses dropped
    truncated: bool = False
    examples: list = field(default_factory=list)

    @property
    def skipped(self):
        return bool(self.reason)


@dataclass
class FoundAddresses:
    sources: list = field(default_factory=list)
    recipients: list = field(default_factory=list)  # [(email, language, name)], de-duplicated
    invalid: int = 0
    duplicates: int = 0
    already: int = 0  # had the letter of this breach before

    def summary(self):
        """Counts only, for the audit trail."""
        return {
            "sources": {
                str(r.system.key): r.reason or {"addresses": r.count, "invalid": r.invalid}
                for r in self.sources
            },
            "new": len(self.recipients),
            "invalid": self.invalid,
            "duplicates": self.duplicates,
            "already": self.already,
        }


def normalise(email):
    """The form an address is compared and stored in: trimmed, lower case."""
    return str(email or "").strip().lower()


def mask(email):
    """j***@voorbeeld.nl: enough to recognise the kind of address, not the person."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def concerned_systems(breach):
    """The systems of the breach and those of its processing activities, of its organisation."""
    from waarborg.register.models import System

    organisation = breach.organisation
    ids = set(breach.systems.filter(organisation=organisation).values_list("pk", flat=True))
    for activity in breach.activities.filter(organisation=organisation):
        ids.update(activity.systems.filter(organisation=organisation).values_list("pk", flat=True))
    return list(System.objects.filter(organisation=organisation, pk__in=ids).order_by("pk"))


def find_addresses(breach, limit=MAX_PER_SOURCE):
    """Read the addresses held in the sources of the breach's systems; nothing is written."""
    from waarborg.breaches.models import LetterRecipient
    from waarborg.sources.models import SqlSource

    organisation = breach.organisation
    default = organisation.default_language
    result = FoundAddresses()
    had = {
        normalise(e)
        for e in LetterRecipient.objects.filter(breach=breach).values_list("email", flat=True)
    }
    seen = set()
    for system in concerned_systems(breach):
        source = SqlSource.objects.filter(organisation=organisation, system=system).first()
        item = SourceResult(system)
        result.sources.append(item)
        if source is None:
            item.reason = _("no connector: its people cannot be listed from here")
            continue
        try:
            rows, item.truncated = _read(source, limit)
        except _NoEmail:
            item.reason = _("no e-mail column mapped in its annotation")
            continue
        except Exception as error:  # SourceError, AnnotationError, a driver's own
            item.reason = _("connection error: %(error)s") % {"error": str(error)[:200]}
            continue
        for email, language, name in rows:
            email = normalise(email)
            try:
                validate_email(email)
            except ValidationError:
                item.invalid += 1
                continue
            item.count += 1
            if len(item.examples) < EXAMPLES and mask(email) not in item.examples:
                item.examples.append(mask(email))
            if email in seen:
                result.duplicates += 1
                continue
            seen.add(email)
            if email in had:
                result.already += 1
                continue
            result.recipients.append((email, _language(language, default), _name(name)))
        result.invalid += item.invalid
    return result


class _NoEmail(Exception):
    pass


def _columns(dataset):
    """[(table, email column, language column or None, name column or None)]."""
    found = []
    for collection in dataset.active():
        emails = [n for n, spec in collection.fields.items() if spec.identity == "email"]
        language = next((n for n, spec in collection.fields.items() if spec.language), None)
        name = next(
            (n for n, spec in collection.fields.items() if spec.has_category(["user.name"])),
            None,
        )
        found += [(collection.name, email, language, name) for email in emails]
    return found


def _read(source, limit):
    """[(email, language, name)] of up to `limit` rows, and whether there were more."""
    from waarborg.sources import engine

    dataset = source.dataset()
    columns = _columns(dataset)
    if not columns:
        raise _NoEmail
    rows = []
    with engine.reading(source.url) as conn:
        for table, email, language, name in columns:
            sql_table = engine.Table(conn, dataset, table)
            quote = sql_table.quote
            picked = [quote(email)] + [quote(c) if c else "NULL" for c in (language, name)]
            left = int(limit + 1 - len(rows))
            # Names from the annotation, quoted by the dialect; the limit is an int.
            sql = f"SELECT {', '.join(picked)} FROM {sql_table.name} LIMIT {left}"  # noqa: S608
            rows += [tuple(row) for row in sql_table.run(sql, ()).fetchall()]
            if len(rows) > limit:
                return rows[:limit], True
    return rows, False


def _language(value, default):
    code = str(value or "").strip().lower()[:2]
    return code if code in LANGUAGES else default


def _name(value):
    return " ".join(str(value or "").split())[:200]
