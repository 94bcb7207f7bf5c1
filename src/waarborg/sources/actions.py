"""Connecting systems to their databases, and finding or changing a person's data there.

Every function here that touches personal data writes an audit entry with what was done and
the counts per table, never the data itself.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.core.crypto import encrypt_text
from waarborg.sources import engine, introspect
from waarborg.sources.annotation import AnnotationError, parse
from waarborg.sources.engine import SourceError
from waarborg.sources.holds import holds_for
from waarborg.sources.models import URL_PURPOSE, RestrictionRecord, SqlSource

IDENTITY_ALIASES = {"phone": "phone_number", "telephone": "phone_number", "e-mail": "email"}


def clean_identities(identities):
    """{"email": "a@b", "phone": ""} -> {"email": ["a@b"]}: aliases resolved, empties dropped."""
    result = {}
    for name, values in identities.items():
        name = IDENTITY_ALIASES.get(name, name)
        values = values if isinstance(values, list | tuple) else [values]
        values = [str(v).strip() for v in values if v is not None and str(v).strip()]
        if values:
            result.setdefault(name, []).extend(values)
    return result


def _problems_data(problems):
    return [{"level": p.level, "message": p.message, "fix": p.fix} for p in problems]


def connect_source(organisation, system, *, actor, url, annotation):
    """Connect a system to its database (URL stored encrypted) after checking the annotation
    against the live schema. Raises AnnotationError or SourceError and changes nothing when the
    annotation is wrong or the database cannot be read; warnings are kept on the source."""
    dataset = parse(annotation)
    url = engine.normalise_url(url)
    problems = introspect.check(url, dataset)
    errors = [p.message for p in problems if p.level == "error"]
    if errors:
        raise AnnotationError(errors)
    with transaction.atomic():
        source = SqlSource.objects.filter(system=system).first()
        old = {"database": source.url_display} if source else None
        if source is None:
            source = SqlSource(organisation=organisation, system=system)
        source.url_encrypted = encrypt_text(url, URL_PURPOSE)
        source.url_display = engine.display_url(url)
        source.annotation = annotation
        source.checked_at = timezone.now()
        source.problems = _problems_data(problems)
        source.save()
        record_entry(
            organisation,
            actor=actor,
            action="source.connect",
            obj=source,
            old=old,
            new={
                "database": source.url_display,
                "collections": sorted(dataset.collections),
                "warnings": len(problems),
            },
        )
    return source


def check_source(source, *, actor):
    """Check the stored annotation against the live database again; keep the findings."""
    try:
        problems = introspect.check(source.url, source.dataset())
    except (SourceError, AnnotationError) as error:
        problems = [introspect.Problem("error", str(error))]
    with transaction.atomic():
        source.checked_at = timezone.now()
        source.problems = _problems_data(problems)
        source.save(update_fields=["checked_at", "problems", "updated_at"])
        record_entry(
            source.organisation,
            actor=actor,
            action="source.check",
            obj=source,
            new={
                "errors": sum(p.level == "error" for p in problems),
                "warnings": sum(p.level == "warning" for p in problems),
            },
        )
    return problems


def disconnect_source(source, *, actor):
    with transaction.atomic():
        record_entry(
            source.organisation,
            actor=actor,
            action="source.disconnect",
            obj=source,
            old={"database": source.url_display},
        )
        source.delete()


def _counts(result):
    return {table: len(item["rows"]) for table, item in result.items()}


def find_person(source, identities, *, actor, categories=None, reason=""):
    """The person's rows per table (Art. 15 GDPR); audited with counts only."""
    identities = clean_identities(identities)
    if not identities:
        raise SourceError(_("Give at least one identity to look for"))
    result = engine.access(source.url, source.dataset(), identities, categories=categories)
    with transaction.atomic():
        record_entry(
            source.organisation,
            actor=actor,
            action="source.access",
            obj=source,
            new={"reason": reason, "identities": sorted(identities), "rows": _counts(result)},
        )
    return result


def erase_person(source, identities, *, actor, categories=None, reason="", dry_run=False):
    """Erase the person's data in the source (Art. 17 GDPR) and keep the evidence.

    A dry run does the whole erasure in a transaction that is rolled back."""
    identities = clean_identities(identities)
    if not identities:
        raise SourceError(_("Give at least one identity to look for"))
    dataset = source.dataset()
    evidence = engine.erase(
        source.url,
        dataset,
        identities,
        categories=categories,
        dry_run=dry_run,
        holds=holds_for(source.organisation, dataset),
    )
    with transaction.atomic():
        record_entry(
            source.organisation,
            actor=actor,
            action="source.erase_dry_run" if dry_run else "source.erase",
            obj=source,
            new={"reason": reason, "identities": sorted(identities), "evidence": evidence},
        )
    return evidence


def rectify_person(source, identities, changes, *, actor, reason=""):
    """Set corrected values on the person's rows (Art. 16 GDPR); the audit names the columns."""
    identities = clean_identities(identities)
    if not identities:
        raise SourceError(_("Give at least one identity to look for"))
    evidence = engine.rectify(source.url, source.dataset(), identities, changes)
    with transaction.atomic():
        record_entry(
            source.organisation,
            actor=actor,
            action="source.rectify",
            obj=source,
            new={"reason": reason, "identities": sorted(identities), "evidence": evidence},
        )
    return evidence


def restrict_person(source, identities, *, actor, reason="", only=None):
    """Restrict the person's rows (Art. 18 GDPR): a flag column where the annotation names one,
    else a RestrictionRecord kept by Waarborg."""
    identities = clean_identities(identities)
    if not identities:
        raise SourceError(_("Give at least one identity to look for"))
    evidence = engine.restrict(source.url, source.dataset(), identities, only=only)
    with transaction.atomic():
        for collection, entry in evidence.items():
            if entry["action"] == "recorded" and entry["rows"]:
                RestrictionRecord.objects.create(
                    organisation=source.organisation,
                    source=source,
                    collection=collection,
                    key_columns=entry.get("key", []),
                    keys=entry.get("keys", []),
                    conditions=entry.get("conditions", {}),
                    reason=reason[:300],
                )
        summary = {c: {"action": e["action"], "rows": e["rows"]} for c, e in evidence.items()}
        record_entry(
            source.organisation,
            actor=actor,
            action="source.restrict",
            obj=source,
            new={"reason": reason, "identities": sorted(identities), "evidence": summary},
        )
    return evidence


def lift_person(source, identities, *, actor, reason, restricted_for=""):
    """Lift the person's restriction in the source (Art. 18(3) GDPR, after they were told):
    the flag column where the annotation names one, and Waarborg's restriction records made
    for `restricted_for` (the request's reference)."""
    identities = clean_identities(identities)
    if not identities:
        raise SourceError(_("Give at least one identity to look for"))
    evidence = engine.unrestrict(source.url, source.dataset(), identities)
    with transaction.atomic():
        if restricted_for:
            lifted = RestrictionRecord.objects.filter(
                source=source, reason=restricted_for[:300], lifted_at__isnull=True
            ).update(lifted_at=timezone.now())
            if lifted:
                evidence["records"] = {"action": "lifted", "rows": lifted}
        record_entry(
            source.organisation,
            actor=actor,
            action="source.unrestrict",
            obj=source,
            new={"reason": reason, "identities": sorted(identities), "evidence": evidence},
        )
    return evidence
