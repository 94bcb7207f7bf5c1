"""Confirming catalogue entries and adding parties from them, each with its audit entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import record_entry
from waarborg.catalogue import entries
from waarborg.catalogue.models import Confirmation, Origin
from waarborg.core.access import scoped
from waarborg.register.actions import RegisterError, save_item
from waarborg.register.models import Party, System

RECEIVING = ("processor", "sub_processor", "recipient")


class CatalogueActionError(ValueError):
    pass


def confirm_entry(organisation, *, actor, key):
    """Record that an operator of the organisation checked the entry's facts today."""
    catalogue = entries.load()
    entry = catalogue.get(key)
    if entry is None:
        raise CatalogueActionError(_("The catalogue has no such entry."))
    with transaction.atomic():
        confirmation, _created = Confirmation.objects.update_or_create(
            organisation=organisation,
            entry=key,
            defaults={
                "version": catalogue.version,
                "checked_on": timezone.localdate(),
                "checked_by": actor,
            },
        )
        record_entry(
            organisation,
            actor=actor,
            action="catalogue.confirm",
            obj=confirmation,
            new={"entry": key, "version": catalogue.version},
        )
    return confirmation


def party_data(entry, *, key, kind):
    """The register data of a party prefilled from a catalogue entry."""
    data = {
        "key": key,
        "name": {"nl": entry.name, "en": entry.name},
        "kind": kind,
        "description": {
            "nl": f"{entry.legal_entity} (uit de catalogus van verwerkers)",
            "en": f"{entry.legal_entity} (from the catalogue of processors)",
        },
        "country": entry.country,
        "locations": list(entry.locations),
        "web_domains": list(entry.domains),
        "agreement_document": entry.agreement_url,
    }
    if entry.transfer_mechanism not in ("", "none"):
        data["transfer_mechanism"] = entry.transfer_mechanism
    return data


def add_party(organisation, *, actor, entry_key, key=None, kind="processor", system=False):
    """A party of the register prefilled from the catalogue (and, if asked, a system it runs);
    the party remembers the entry, its version and the facts then."""
    catalogue = entries.load()
    entry = catalogue.get(entry_key)
    if entry is None:
        raise CatalogueActionError(_("The catalogue has no such entry."))
    if kind not in RECEIVING:
        raise CatalogueActionError(_("Choose processor, sub-processor or recipient."))
    key = key or entry.key
    if scoped(Party, organisation).filter(key=key).exists():
        raise CatalogueActionError(_("The register already has a party with this key."))
    with transaction.atomic():
        try:
            party = save_item(
                "parties", organisation, party_data(entry, key=key, kind=kind), actor=actor
            )
            if system and not scoped(System, organisation).filter(key=key).exists():
                save_item(
                    "systems",
                    organisation,
                    {
                        "key": key,
                        "name": {"nl": entry.name, "en": entry.name},
                        "operator": key,
                        "data_categories": list(entry.data_categories),
                    },
                    actor=actor,
                )
        except RegisterError as error:
            raise CatalogueActionError(str(error)) from error
        Origin.objects.create(
            organisation=organisation,
            party=party,
            entry=entry.key,
            version=catalogue.version,
            facts=entry.facts(),
            picked_on=timezone.localdate(),
        )
    return party


def changes(organisation):
    """[(party, entry, {fact: (then, now)})] of the parties whose catalogue entry changed in
    the catalogue since they were picked."""
    catalogue = entries.load()
    found = []
    for origin in scoped(Origin, organisation).select_related("party"):
        entry = catalogue.get(origin.entry)
        if entry is None:
            continue
        now = entry.facts()
        diff = {
            name: (origin.facts.get(name), value)
            for name, value in now.items()
            if origin.facts.get(name) != value and name != "as_of"
        }
        if diff:
            found.append((origin.party, entry, diff))
    return found
