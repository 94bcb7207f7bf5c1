"""A person's consent history as exportable proof (JSON and CSV)."""

from waarborg.consent.actions import history, person_key
from waarborg.consent.mailing import contact_text
from waarborg.core.spreadsheets import staff_csv

COLUMNS = [
    "seq",
    "occurred_at",
    "purpose",
    "action",
    "source",
    "wording_version",
    "wording_hash",
    "wording_nl",
    "wording_en",
    "ip",
    "user_agent",
    "page",
    "name",
    "address",
    "actor",
    "event_hash",
]


def history_rows(organisation, key):
    for event in history(organisation, key):
        version = event.version
        name, address = contact_text(event.details.get("contact"))
        yield {
            "seq": event.seq,
            "occurred_at": event.occurred_at.isoformat(),
            "purpose": event.purpose.key,
            "action": event.action,
            "source": event.source,
            "wording_version": version.number if version else "",
            "wording_hash": version.hash if version else "",
            "wording_nl": version.wording.get("nl", "") if version else "",
            "wording_en": version.wording.get("en", "") if version else "",
            "ip": event.ip,
            "user_agent": event.user_agent,
            "page": event.page,
            "name": name,
            "address": address,
            "actor": event.actor_label,
            "event_hash": event.hash,
        }


def history_data(organisation, key):
    normalised, kind = person_key(key)
    return {
        "organisation": organisation.name,
        "person": normalised,
        "kind": kind,
        "events": list(history_rows(organisation, key)),
    }


def history_csv(organisation, key):
    """The history as CSV for staff (it opens in Dutch Excel; formulas neutralised)."""
    return staff_csv(COLUMNS, history_rows(organisation, key))
