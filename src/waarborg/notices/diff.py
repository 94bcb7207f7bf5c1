"""What changed between two published statements, read from their register snapshots.

A change is material when it changes what happens to data already collected: a new purpose, a
new recipient, a new transfer outside the EEA, or a longer retention period. The people
affected are the groups of people of the activities concerned.
"""

import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.core.fields import translated
from waarborg.core.models import TermKind
from waarborg.notices.statement import Labels, transfer_of

CATEGORIES = ["purposes", "legal_bases", "recipients", "transfers", "retention"]


@dataclass
class Change:
    category: str
    text: str
    material: bool = False
    groups: list = field(default_factory=list)  # data subject codes affected


def _days(duration):
    """A rough length of an ISO 8601 period in days, to compare periods."""
    units = {"Y": 365, "M": 30, "W": 7, "D": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([YMWD])", duration or ""))


def _activities(snapshot):
    return {
        a["key"]: a
        for a in snapshot.get("register", snapshot).get("activities", [])
        if a.get("status", "active") == "active" and a["role"] != "processor"
    }


def _index(snapshot, kind):
    return {item["key"]: item for item in snapshot.get("register", snapshot).get(kind, [])}


def diff(old, new, index, language="nl"):
    """The changes from snapshot `old` to snapshot `new`, described in `language`."""
    with translation.override(language):
        return _diff(old, new, index, language)


def _diff(old, new, index, language):  # noqa: C901 (one pass per category)
    labels = Labels(index, new.get("register", new), language)
    before, after = _activities(old), _activities(new)
    old_parties, new_parties = _index(old, "parties"), _index(new, "parties")
    old_rules, new_rules = _index(old, "retention_rules"), _index(new, "retention_rules")
    changes = []

    def name(item):
        return translated(item["name"], language)

    for key, item in sorted(after.items()):
        groups = item.get("data_subjects", [])
        was = before.get(key)
        if was is None:
            changes.append(
                Change("purposes", _("New: %(name)s") % {"name": name(item)}, True, groups)
            )
        elif translated(was.get("purpose"), language) != translated(item.get("purpose"), language):
            changes.append(
                Change(
                    "purposes", _("Purpose changed: %(name)s") % {"name": name(item)}, True, groups
                )
            )
        if was is not None and was.get("legal_basis") != item.get("legal_basis"):
            changes.append(
                Change(
                    "legal_bases",
                    _("%(name)s: %(old)s → %(new)s")
                    % {
                        "name": name(item),
                        "old": labels(TermKind.LEGAL_BASIS, was.get("legal_basis", "")),
                        "new": labels(TermKind.LEGAL_BASIS, item.get("legal_basis", "")),
                    },
                    False,
                    groups,
                )
            )
        old_recipients = set(was.get("recipients", [])) if was else set()
        for party_key in sorted(set(item.get("recipients", [])) - old_recipients):
            if was is not None:
                changes.append(
                    Change(
                        "recipients",
                        _("%(name)s: new recipient %(party)s")
                        % {"name": name(item), "party": translated(new_parties[party_key]["name"])},
                        True,
                        groups,
                    )
                )
        for party_key in sorted(old_recipients - set(item.get("recipients", []))):
            changes.append(
                Change(
                    "recipients",
                    _("%(name)s: no longer shared with %(party)s")
                    % {"name": name(item), "party": translated(old_parties[party_key]["name"])},
                )
            )
        for party_key in item.get("recipients", []):
            now_text = transfer_of(new_parties[party_key], labels)
            then_text = (
                transfer_of(old_parties[party_key], labels)
                if party_key in old_parties and party_key in old_recipients
                else ""
            )
            if now_text and now_text != then_text:
                changes.append(Change("transfers", f"{name(item)}: {now_text}", True, groups))
        old_longest = max(
            (
                _days(old_rules[k]["duration"])
                for k in (was or {}).get("retention_rules", [])
                if k in old_rules
            ),
            default=0,
        )
        new_longest = max(
            (_days(new_rules[k]["duration"]) for k in item.get("retention_rules", [])),
            default=0,
        )
        old_set = sorted(
            (old_rules[k]["duration"], old_rules[k]["trigger"])
            for k in (was or {}).get("retention_rules", [])
            if k in old_rules
        )
        new_set = sorted(
            (new_rules[k]["duration"], new_rules[k]["trigger"])
            for k in item.get("retention_rules", [])
        )
        if was is not None and (
            old_set != new_set
            or translated(was.get("retention_note"), language)
            != translated(item.get("retention_note"), language)
        ):
            longer = new_longest > old_longest
            changes.append(
                Change(
                    "retention",
                    (_("%(name)s: kept longer") if longer else _("%(name)s: retention changed"))
                    % {"name": name(item)},
                    longer,
                    groups,
                )
            )
    for key, item in sorted(before.items()):
        if key not in after:
            changes.append(Change("purposes", _("Ended: %(name)s") % {"name": name(item)}))
    return changes


def affected_groups(changes):
    """The data subject codes affected by the material changes."""
    return sorted({group for change in changes if change.material for group in change.groups})
