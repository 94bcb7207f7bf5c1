"""Legal holds on the mail and documents of an erasure request (Art. 17(3)(b) GDPR): which
found item the law says to keep, and until when, in words a privacy officer can check.

The rule is one sentence: a statutory minimum of the system (a retention rule of the register
with the kind "at least (required by law)") that is counted from the end of the financial year
is an administration duty (AWR art. 52(4), BW 2:10: 7 years from the end of the financial year
of each record), and it keeps every item recognised as an invoice: an invoice word ("factuur",
"invoice", "nota", ...) together with an amount or an IBAN. The item's own date (a message's
Date header, a file's modification time) sets until when; an item whose date is unknown is
kept, since nothing is deleted on an unknown value. Other minimums are offered to the handler,
who may keep any item under one, or lift a hold, always with a reason (audited).
"""

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waarborg.core.dates import cutoff, format_day, parse_duration, period_in_words
from waarborg.core.fields import translated
from waarborg.documents.recognise import ibans
from waarborg.register.models import RetentionRule, Status

_INVOICE = re.compile(
    r"\b(factuur|facturen|factuurnummer|factuurdatum|creditnota|nota|kwitantie|invoice|"
    r"invoices|credit note|receipt)\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(€|\bEUR\b)\s?\d|\d[\d.,]*\s?(€|\bEUR\b)"
    r"|\b(totaal|bedrag|te betalen|btw|total|amount|due|vat)\b[^\n\d]{0,30}\d+[.,]\d{2}\b",
    re.IGNORECASE,
)


def invoice_signs(text):
    """The words that make an item an invoice, as a short explanation, or "" when it is none:
    an invoice word and an amount or an IBAN."""
    word = _INVOICE.search(text or "")
    if not word:
        return ""
    if _AMOUNT.search(text):
        return _("the word “%(word)s” and an amount") % {"word": word.group(1).lower()}
    if ibans(text):
        return _("the word “%(word)s” and an IBAN") % {"word": word.group(1).lower()}
    return ""


def item_date(meta):
    """The date of an indexed item (a message's Date header, a file's modification time) as a
    local date, or None when it is not known."""
    value = (meta or {}).get("date") if (meta or {}).get("kind") == "mail" else None
    moment = None
    if value:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            moment = None
    elif (meta or {}).get("modified"):
        try:
            moment = datetime.fromisoformat(meta["modified"])
        except (TypeError, ValueError):
            moment = None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return timezone.localtime(moment).date()


def minimum_rules(system):
    """The system's statutory minimums in use (the register's rules of kind "at least")."""
    if system is None:
        return []
    return list(
        system.retention_rules.filter(
            bound=RetentionRule.Bound.MINIMUM, status=Status.ACTIVE
        ).order_by("key")
    )


def administration_rules(rules):
    return [r for r in rules if r.trigger == RetentionRule.Trigger.END_OF_FISCAL_YEAR]


def kept_until(rule, day):
    """The last day `rule` keeps an item of `day`, or None when that cannot be known (no date,
    a period counted from something else than the item, or no period)."""
    if day is None or not rule.duration:
        return None
    try:
        period = parse_duration(rule.duration)
    except ValueError:
        return None
    if rule.trigger == RetentionRule.Trigger.END_OF_FISCAL_YEAR:
        return date(day.year + 1, 1, 1) + period - timedelta(days=1)
    if rule.trigger == RetentionRule.Trigger.COLLECTED:
        return day + period
    return None


def still_kept(rule, day, now=None):
    """Whether `rule` still keeps an item of `day` at `now`; an unknown date keeps it."""
    if day is None:
        return True
    if not rule.duration:
        return True  # a period not known: kept until someone says otherwise
    now = now or timezone.localtime(timezone.now()).replace(tzinfo=None)
    try:
        return datetime(day.year, day.month, day.day) >= cutoff(now, rule.duration, rule.trigger)
    except ValueError:
        return True


def recognised_hold(rules, meta, text, now=None):
    """(rule, until, note) of the administration rule that keeps this item, or None. With
    several, the one that keeps it longest (an unknown end counts as the longest)."""
    signs = invoice_signs(text)
    if not signs:
        return None
    day = item_date(meta)
    found = [
        (r, kept_until(r, day)) for r in administration_rules(rules) if still_kept(r, day, now)
    ]
    if not found:
        return None
    rule, until = max(found, key=lambda pair: (pair[1] is None, pair[1] or date.min, pair[0].key))
    note = _("recognised as an invoice: %(signs)s") % {"signs": signs}
    if day is None:
        note += "; " + _("its date is not known")
    return rule, until, note


def place_hold(source, rules, meta, now=None):
    """(rule, until, note) when the item lies where the source keeps everything under one of
    the system's statutory minimums (an "Administratie" folder), and the rule still keeps it;
    else None. An unknown date keeps it."""
    pattern = source.kept_place(meta)
    rule = next((r for r in rules if r.pk == source.kept_rule_id), None)
    if not pattern or rule is None:
        return None
    day = item_date(meta)
    if not still_kept(rule, day, now):
        return None
    note = _("in %(place)s, which is kept under this minimum") % {"place": pattern}
    if day is None:
        note += "; " + _("its date is not known")
    return rule, kept_until(rule, day), note


def rule_text(rule, language):
    """'Administratie: 7 jaar na het einde van het boekjaar (AWR art. 52)' in `language`."""
    with translation.override(language):
        text = f"{translated(rule.name, language) or rule.key}: "
        text += period_in_words(rule.duration, rule.trigger) if rule.duration else _("by law")
        if rule.legal_source:
            text += f" ({rule.legal_source})"
        return text


def hold_text(hit, language):
    """Why a kept item stays, in `language`: the rule, its legal basis and until when where a
    date is known, or the handler's reason."""
    with translation.override(language):
        parts = []
        if hit.hold_rule is not None:
            parts.append(rule_text(hit.hold_rule, language))
        if hit.hold_until:
            parts.append(_("until %(day)s") % {"day": format_day(hit.hold_until)})
        elif hit.hold_rule is not None:
            parts.append(_("until a date not known"))
        text = ", ".join(parts)
        if hit.hold_note and hit.hold == "handler":
            text = f"{text}: {hit.hold_note}" if text else hit.hold_note
        return text


def facts_text(hits, language):
    """One sentence for the answer, in `language`: how many messages were deleted, how many
    items were deleted by hand, how many were kept and why. "" when nothing was recorded."""
    with translation.override(language):
        included = [h for h in hits if h.decision == "included"]
        deleted = sum(1 for h in included if h.erasure == "deleted")
        by_hand = sum(1 for h in included if h.erasure == "by_hand")
        kept = {}
        for hit in included:
            if hit.is_held and not hit.erasure:
                reason = hold_text(hit, language)
                kept[reason] = kept.get(reason, 0) + 1
        pieces = []
        if deleted:
            pieces.append(
                ngettext("%(count)s message deleted", "%(count)s messages deleted", deleted)
                % {"count": deleted}
            )
        if by_hand:
            pieces.append(
                ngettext(
                    "%(count)s message or file deleted by hand",
                    "%(count)s messages and files deleted by hand",
                    by_hand,
                )
                % {"count": by_hand}
            )
        for reason, count in sorted(kept.items()):
            pieces.append(
                ngettext(
                    "%(count)s message or file kept because the law requires it (%(reason)s)",
                    "%(count)s messages and files kept because the law requires it (%(reason)s)",
                    count,
                )
                % {"count": count, "reason": reason}
            )
        if not pieces:
            return ""
        return _("Mail and documents: %(facts)s.") % {"facts": "; ".join(pieces)}
