"""Every change to a breach: recording it, its timeline, the risk assessment and decisions, the
notification to the supervisory authority, informing the people (Art. 34), the notices to
client-controllers (Art. 33(2)); the reminders of the clock are in reminders.py. Each writes its
audit entry."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from waarborg.audit.actions import actor_label, record_entry
from waarborg.breaches import ap_form, clock
from waarborg.breaches.models import (
    TRANSLATED_FIELDS,
    Breach,
    Communication,
    ControllerNotice,
    HighRiskDecision,
    Letter,
    LetterRecipient,
    Note,
    Notification,
    RiskDecision,
)
from waarborg.breaches.recipients import normalise as normalise_email
from waarborg.breaches.reminders import open_breaches, send_reminders  # noqa: F401 (the API)
from waarborg.core.fields import normalise
from waarborg.core.models import Organisation

FACT_FIELDS = (
    "title",
    "started_at",
    "ended_at",
    "ongoing",
    "aware_at",
    "discovered_how",
    "description",
    "confidentiality",
    "integrity",
    "availability",
    "cause",
    "records_count",
    "people_count",
    "vulnerable_people",
    "encrypted",
    "processor",
    "cross_border",
    "consequences",
    "measures_before",
    "measures_taken",
    "measures_planned",
    "contact_point",
    "advice_to_people",
)
LINKS = ("activities", "systems", "data_categories", "data_subjects")
ASSESSMENT_FIELDS = (
    "dpc",
    "ei",
    "cb_confidentiality",
    "cb_integrity",
    "cb_availability",
    "cb_malicious",
)


class BreachError(ValueError):
    pass


def _values(breach, fields):
    values = {}
    for name in fields:
        value = getattr(breach, name)
        values[name] = value.pk if hasattr(value, "pk") else value
    return values


def _links(breach):
    return {name: sorted(getattr(breach, name).values_list("pk", flat=True)) for name in LINKS}


def _check_facts(organisation, facts, links):
    # A text given as one string (the API, the demo) is the Dutch text.
    for name in TRANSLATED_FIELDS:
        if name in facts:
            facts[name] = normalise(facts[name])
    if "description" in facts and not facts["description"].get("nl"):
        raise BreachError(_("Describe what happened, at least in Dutch."))
    soon = timezone.now() + timedelta(minutes=5)  # a clock a little ahead is no reason to refuse
    if facts.get("aware_at") and facts["aware_at"] > soon:
        raise BreachError(_("The moment of awareness cannot be in the future."))
    if facts.get("started_at") and facts["started_at"] > soon:
        raise BreachError(_("The breach cannot start in the future."))
    if facts.get("ended_at") and facts["ended_at"] > soon:
        raise BreachError(
            _("The end of the breach cannot be in the future: tick 'still going on'.")
        )
    if (
        facts.get("ended_at")
        and facts.get("started_at")
        and facts["ended_at"] < facts["started_at"]
    ):
        raise BreachError(_("The breach cannot end before it started."))
    if facts.get("ongoing") and facts.get("ended_at"):
        raise BreachError(_("A breach that is still going on has no end."))
    processor = facts.get("processor")
    if processor is not None and processor.organisation_id != organisation.pk:
        raise BreachError(_("Choose a party of your own register."))
    for items in links.values():
        for item in items:
            owner = getattr(item, "organisation_id", None)
            if owner is not None and owner != organisation.pk:
                raise BreachError(_("Choose items of your own register."))


@transaction.atomic
def record_breach(organisation, *, actor, links=None, **facts):
    """Record a breach (Art. 33(5): every breach, whether it is notified or not)."""
    links = links or {}
    _check_facts(organisation, facts, links)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    last = Breach.objects.filter(organisation=organisation).aggregate(n=Max("number"))["n"]
    breach = Breach.objects.create(
        organisation=organisation,
        number=(last or 0) + 1,
        recorded_by=actor_label(actor),
        **facts,
    )
    for name, items in links.items():
        getattr(breach, name).set(items)
    record_entry(
        organisation,
        actor=actor,
        action="breach.record",
        obj=breach,
        new={**_values(breach, FACT_FIELDS), **_links(breach)},
    )
    return breach


@transaction.atomic
def update_breach(breach, *, actor, links=None, **facts):
    """Change the facts, effects and measures of a breach."""
    links = links or {}
    _check_facts(breach.organisation, facts, links)
    # The stored row, not the caller's object: a ModelForm has already written its input
    # onto the instance it was given, and the audit entry must show what changed.
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    old = {**_values(breach, FACT_FIELDS), **_links(breach)}
    for name, value in facts.items():
        setattr(breach, name, value)
    breach.save()
    for name, items in links.items():
        getattr(breach, name).set(items)
    new = {**_values(breach, FACT_FIELDS), **_links(breach)}
    changed = [k for k in new if old.get(k) != new[k]]
    if changed:
        record_entry(
            breach.organisation,
            actor=actor,
            action="breach.update",
            obj=breach,
            old={k: old[k] for k in changed},
            new={k: new[k] for k in changed},
        )
    return breach


@transaction.atomic
def add_note(breach, *, actor, text, at=None, attachment=None):
    """Add an entry to the breach's timeline."""
    if not text.strip():
        raise BreachError(_("Write the note."))
    note = Note(breach=breach, at=at or timezone.now(), text=text, author=actor_label(actor))
    if attachment:
        from waarborg.breaches.models import ATTACHMENT_PURPOSE, MAX_ATTACHMENT
        from waarborg.core.crypto import encrypt_bytes

        if attachment.size > MAX_ATTACHMENT:
            raise BreachError(_("The file is too large: at most 20 MB."))
        note.attachment_name = (attachment.name or "file")[-255:]
        note.attachment_type = (attachment.content_type or "application/octet-stream")[:100]
        note.attachment_data = encrypt_bytes(attachment.read(), ATTACHMENT_PURPOSE)
    note.save()
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.note",
        obj=breach,
        new={"note": note.pk, "at": note.at, "attachment": note.attachment_name},
    )
    return note


@transaction.atomic
def record_attachment_opened(note, *, actor):
    """Who opened a timeline file: it may hold the leaked data."""
    record_entry(
        note.breach.organisation,
        actor=actor,
        action="breach.file_open",
        obj=note.breach,
        new={"note": note.pk, "attachment": note.attachment_name},
    )


@transaction.atomic
def assess_breach(breach, *, actor, **scores):
    """Record the ENISA scores (advice; see risk.py)."""
    breach = Breach.objects.select_for_update().get(pk=breach.pk)  # the stored values
    old = _values(breach, ASSESSMENT_FIELDS)
    for name in ASSESSMENT_FIELDS:
        if name in scores:
            setattr(breach, name, scores[name])
    breach.save()
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.assess",
        obj=breach,
        old=old,
        new=_values(breach, ASSESSMENT_FIELDS),
    )
    return breach


@transaction.atomic
def decide_breach(breach, *, actor, risk_decision, risk_reason, high_risk_decision="",
                  high_risk_reason=""):  # fmt: skip
    """The privacy officer's decisions, each with its reason: whether the breach is unlikely
    to result in a risk (Art. 33(1): then it is not notified, and the reason is the record
    Art. 33(5) asks for) and whether it is likely to result in a high risk (Art. 34(1))."""
    if (
        risk_decision not in RiskDecision.values
        or high_risk_decision not in HighRiskDecision.values
    ):
        raise BreachError(_("Choose one of the decisions."))
    if risk_decision and not risk_reason.strip():
        raise BreachError(_("Give the reason for the decision on notifying."))
    if high_risk_decision and not high_risk_reason.strip():
        raise BreachError(_("Give the reason for the decision on informing the people."))
    if risk_decision == RiskDecision.UNLIKELY and high_risk_decision == HighRiskDecision.HIGH:
        raise BreachError(
            _("A breach likely to result in a high risk is not unlikely to result in a risk.")
        )
    fields = ("risk_decision", "risk_reason", "high_risk_decision", "high_risk_reason")
    breach = Breach.objects.select_for_update().get(pk=breach.pk)  # the stored values
    old = _values(breach, fields)
    breach.risk_decision, breach.risk_reason = risk_decision, risk_reason.strip()
    breach.high_risk_decision, breach.high_risk_reason = (
        high_risk_decision,
        high_risk_reason.strip(),
    )
    breach.decided_by, breach.decided_at = actor_label(actor), timezone.now()
    breach.save()
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.decide",
        obj=breach,
        old=old,
        new=_values(breach, fields),
    )
    return breach


# The notification to the supervisory authority ------------------------------------------------


@transaction.atomic
def prepare_notification(breach, *, actor, kind=Notification.Kind.INITIAL, note=""):
    """A new version of the notification with the answers as the register entry has them now:
    the first one, a follow-up (Art. 33(4)) or a withdrawal."""
    Breach.objects.select_for_update().filter(pk=breach.pk).first()
    versions = list(breach.notifications.all())
    if kind == Notification.Kind.INITIAL and any(v.submitted_at for v in versions):
        raise BreachError(_("The breach is notified already: make a follow-up notification."))
    if kind != Notification.Kind.INITIAL and not any(v.submitted_at for v in versions):
        raise BreachError(_("Submit the first notification before a follow-up or withdrawal."))
    if kind == Notification.Kind.WITHDRAWAL and not note.strip():
        raise BreachError(_("Say why the notification is withdrawn."))
    previous = next((v for v in reversed(versions) if v.submitted_at), None)
    form = ap_form.load_form()
    notification = Notification.objects.create(
        breach=breach,
        version=len(versions) + 1,
        kind=kind,
        form=form["form"],
        answers=ap_form.answer_sections(
            breach, kind, previous, breach.organisation.default_language
        ),
        note=note.strip(),
        created_by=actor_label(actor),
    )
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.notification_prepared",
        obj=breach,
        new={"version": notification.version, "kind": kind, "form": notification.form},
    )
    return notification


@transaction.atomic
def record_submission(notification, *, actor, submitted_at, authority_reference="",
                      delay_reason=None):  # fmt: skip
    """Record that a version was submitted to the supervisory authority, with its reference
    number. A first notification after the 72 hours needs the reason for the delay (Art. 33(1))."""
    breach = notification.breach
    if notification.submitted_at is not None:
        raise BreachError(_("This version is recorded as submitted already."))
    if submitted_at > timezone.now() + timedelta(minutes=5):
        raise BreachError(_("The moment of submission cannot be in the future."))
    if submitted_at < breach.aware_at:
        raise BreachError(_("The notification cannot precede the moment of awareness."))
    if delay_reason is not None and delay_reason.strip() != breach.delay_reason:
        breach.delay_reason = delay_reason.strip()
        breach.save(update_fields=["delay_reason", "updated_at"])
    if (
        notification.kind == Notification.Kind.INITIAL
        and clock.is_late(breach, submitted_at)
        and not breach.delay_reason
    ):
        raise BreachError(
            _("The notification is after the 72 hours: give the reason for the delay.")
        )
    notification.submitted_at = submitted_at
    notification.authority_reference = authority_reference.strip()
    # the answer on the delay follows the submission as recorded, with its reason
    ap_form.refresh_answer(notification, "delay", breach.organisation.default_language)
    notification.save()
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.notified",
        obj=breach,
        new={
            "version": notification.version,
            "kind": notification.kind,
            "submitted_at": submitted_at,
            "reference": notification.authority_reference,
            "late": clock.is_late(breach, submitted_at),
        },
    )
    return notification


@transaction.atomic
def record_reference(notification, *, actor, authority_reference):
    """The authority's reference number, when it comes after the submission."""
    if not authority_reference.strip():
        raise BreachError(_("Give the reference number."))
    old = notification.authority_reference
    notification.authority_reference = authority_reference.strip()
    notification.save(update_fields=["authority_reference"])
    record_entry(
        notification.breach.organisation,
        actor=actor,
        action="breach.reference",
        obj=notification.breach,
        old={"version": notification.version, "reference": old},
        new={"version": notification.version, "reference": notification.authority_reference},
    )
    return notification


def notification_pdf(notification):
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "breaches/notification_pdf.html",
        {"notification": notification, "breach": notification.breach},
    )
    return HTML(string=html).write_pdf()


# Informing the people (Art. 34) ----------------------------------------------------------------


@transaction.atomic
def record_communication(breach, *, actor, communication, exemption="", note="",
                         communicated_at=None):  # fmt: skip
    """How the people are informed: letters, a public notice (with where and when), or the
    Art. 34(3) exemption with its ground."""
    if communication not in Communication.values or not communication:
        raise BreachError(_("Choose how the people are informed."))
    if communication == Communication.EXEMPT and not exemption:
        raise BreachError(_("Choose the ground of the exemption."))
    if communication in (Communication.EXEMPT, Communication.PUBLIC) and not note.strip():
        raise BreachError(
            _("Explain where the notice was published, or why the exemption applies.")
        )
    fields = ("communication", "exemption", "communication_note", "communicated_at")
    breach = Breach.objects.select_for_update().get(pk=breach.pk)  # the stored values
    old = _values(breach, fields)
    breach.communication = communication
    breach.exemption = exemption if communication == Communication.EXEMPT else ""
    breach.communication_note = note.strip()
    if communicated_at is not None:
        breach.communicated_at = communicated_at
    breach.save()
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.communication",
        obj=breach,
        old=old,
        new=_values(breach, fields),
    )
    return breach


def letter_missing(breach, language="nl"):
    """What Art. 34(2) needs in the letter in `language` that the register entry lacks in that
    language (names of fields). A letter carries only texts of its own language: a text
    written in the other language alone is missing too, never copied in untranslated."""
    other = "en" if language == "nl" else "nl"

    def has(name):
        return bool(breach.text(name, language).strip())

    missing = []
    if not has("description"):
        missing.append(_("what happened"))
    if not has("consequences"):
        missing.append(_("likely consequences for the people"))
    if not (has("measures_taken") or has("measures_planned")):
        missing.append(_("measures taken"))
    if not (has("contact_point") or breach.organisation.privacy_email):
        missing.append(_("contact point for the people"))
    only_other = {
        "measures_taken": _("measures taken"),
        "measures_planned": _("measures planned"),
        "advice_to_people": _("what people can do themselves"),
        "contact_point": _("contact point for the people"),
    }
    for name, label in only_other.items():
        if not has(name) and breach.text(name, other).strip() and label not in missing:
            missing.append(label)
    return missing


def notice_missing(breach, language):
    """The texts the notice to a client-controller in `language` would lack: what happened,
    and each text written in the other language only."""
    other = "en" if language == "nl" else "nl"
    missing = []
    labels = {
        "description": _("what happened"),
        "consequences": _("likely consequences for the people"),
        "measures_taken": _("measures taken"),
        "measures_planned": _("measures planned"),
    }
    for name, label in labels.items():
        mine, theirs = breach.text(name, language).strip(), breach.text(name, other).strip()
        if not mine and (name == "description" or theirs):
            missing.append(label)
    return missing


def _refuse_missing(kind, missing_by_language):
    """Raise a BreachError naming, per language, the texts a letter or notice lacks."""
    parts = []
    for language, missing in missing_by_language.items():
        if missing:
            names = ", ".join(str(m) for m in missing)
            if kind == "letter":
                text = (
                    _("The Dutch letter needs: %(missing)s.")
                    if language == "nl"
                    else _("The English letter needs: %(missing)s.")
                )
            else:
                text = (
                    _("The Dutch notice needs: %(missing)s.")
                    if language == "nl"
                    else _("The English notice needs: %(missing)s.")
                )
            parts.append(text % {"missing": names})
    if parts:
        raise BreachError(" ".join(parts))


@transaction.atomic
def send_letters(breach, *, actor, recipients, per_minute=60):
    """Queue the Art. 34 letter to each address that has not had one for this breach.

    `recipients` are (email, language) or (email, language, name); addresses are compared
    trimmed and in lower case, so one person gets one letter however the address was written.

    The mailing, its recipients and the task are written together; the worker sends them at
    most once each (`jobs.mailing`). Returns the letter, or None when every address had one.
    """
    from waarborg.breaches.tasks import send_letter

    if not recipients:
        raise BreachError(_("The address list is empty."))
    languages = sorted({_letter_language(language) for _email, language, *_name in recipients})
    _refuse_missing("letter", {lang: letter_missing(breach, lang) for lang in languages})
    Breach.objects.select_for_update().filter(pk=breach.pk).first()
    had = {
        normalise_email(email)
        for email in LetterRecipient.objects.filter(breach=breach).values_list("email", flat=True)
    }
    new = {}
    for email, language, *name in recipients:
        email = normalise_email(email)
        if email and email not in had and email not in new:
            new[email] = (language, name[0] if name else "")
    if not new:
        return None
    letter = Letter.objects.create(
        breach=breach, per_minute=per_minute, created_by=actor_label(actor)
    )
    LetterRecipient.objects.bulk_create(
        LetterRecipient(letter=letter, breach=breach, email=email, language=language, name=name)
        for email, (language, name) in new.items()
    )
    if breach.communication != Communication.LETTERS:
        breach.communication = Communication.LETTERS
        breach.save(update_fields=["communication", "updated_at"])
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.letters_queued",
        obj=breach,
        new={"letter": letter.pk, "recipients": len(new), "skipped": len(recipients) - len(new)},
    )
    transaction.on_commit(lambda: send_letter.enqueue(letter.pk))
    return letter


def deliver_letter(letter_id, *, actor):
    """Send the pending letters of a mailing, throttled, at most once each; a run cut off
    continues with the next address and marks the interrupted one uncertain."""
    from waarborg.jobs.mailing import deliver

    letter = Letter.objects.select_related("breach__organisation").get(pk=letter_id)
    if letter.status == Letter.Status.DONE:
        return letter
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.SENDING)
    breach = letter.breach
    deliver(
        letter.recipients.all(),
        lambda recipient: _send_letter(breach, recipient),
        per_minute=letter.per_minute,
    )
    with transaction.atomic():
        finished = Letter.objects.filter(pk=letter.pk, status=Letter.Status.SENDING).update(
            status=Letter.Status.DONE, finished_at=timezone.now()
        )
        if finished:
            Breach.objects.filter(pk=breach.pk, communicated_at__isnull=True).update(
                communicated_at=timezone.now()
            )
            record_entry(
                breach.organisation,
                actor=actor,
                action="breach.letters_sent",
                obj=breach,
                new={"letter": letter.pk, **letter.counts()},
            )
    letter.refresh_from_db()
    return letter


def _letter_language(language):
    return "en" if (language or "")[:2] == "en" else "nl"


def letter_context(breach, language):
    """What the letter or notice in `language` says: the staff's texts in that language only."""
    organisation = breach.organisation
    texts = {name: breach.text(name, language) for name in TRANSLATED_FIELDS}
    return {
        "organisation": organisation,
        "breach": breach,
        "texts": texts,
        "contact": texts["contact_point"] or organisation.privacy_email,
    }


def _send_letter(breach, recipient):
    from waarborg.core.emails import send_templated

    language = _letter_language(recipient.language)
    # The texts may have changed since the mailing was queued: a letter that would now lack
    # one in its language fails rather than go out incomplete or mixed.
    breach.refresh_from_db()
    _refuse_missing("letter", {language: letter_missing(breach, language)})
    privacy = breach.organisation.privacy_email
    send_templated(
        "breaches/emails/letter",
        to=recipient.email,
        language=language,
        context={**letter_context(breach, language), "name": recipient.name},
        reply_to=[privacy] if privacy else None,  # answers reach the privacy contact
    )


@transaction.atomic
def add_found_recipients(breach, *, actor, per_minute=60):
    """Queue the letter to the people found in the connected systems of the breach
    (`recipients.find_addresses`), read again now so only what the sources hold is added.
    Returns (letter or None, what was found); the audit entry has the counts per source."""
    from waarborg.breaches.recipients import find_addresses

    found = find_addresses(breach)
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.letters_found",
        obj=breach,
        new=found.summary(),
    )
    letter = None
    if found.recipients:
        letter = send_letters(
            breach, actor=actor, recipients=found.recipients, per_minute=per_minute
        )
    return letter, found


@transaction.atomic
def preview_found_recipients(breach, *, actor):
    """What `add_found_recipients` would add; the reading is audited (counts only)."""
    from waarborg.breaches.recipients import find_addresses

    found = find_addresses(breach)
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.addresses_read",
        obj=breach,
        new=found.summary(),
    )
    return found


# The processor side (Art. 33(2)) ---------------------------------------------------------------


def affected_controllers(breach):
    """The client-controllers whose data the breach affects: those on whose behalf its
    activities are processed, and the clients of the services (processors app) that perform
    those activities or use the processor involved as a sub-processor."""
    from django.db.models import Q

    from waarborg.processors.models import Service
    from waarborg.register.models import Party, ProcessingActivity

    activities = list(breach.activities.values_list("pk", flat=True))
    ids = set(
        breach.activities.filter(
            role=ProcessingActivity.Role.PROCESSOR, controller__isnull=False
        ).values_list("controller_id", flat=True)
    )
    in_services = Q(activities__in=activities)
    if breach.processor_id:
        in_services |= Q(sub_processors=breach.processor_id)
    services = Service.objects.filter(in_services, organisation=breach.organisation)
    ids |= set(services.values_list("clients", flat=True))
    ids.discard(None)
    return Party.objects.filter(organisation=breach.organisation, pk__in=ids)


@transaction.atomic
def notify_controller(breach, *, actor, controller, email, language="nl"):
    """Tell a client-controller of the breach, with the facts it needs for its own
    notification; the moment is recorded per client."""
    from django.core.validators import validate_email

    if controller not in affected_controllers(breach):
        raise BreachError(_("This party is not a client whose data the breach affects."))
    language = _letter_language(language)
    _refuse_missing("notice", {language: notice_missing(breach, language)})
    try:
        validate_email(email)
    except Exception:
        raise BreachError(_("Give a valid e-mail address.")) from None
    notice = ControllerNotice.objects.create(
        breach=breach,
        controller=controller,
        email=email,
        language=language,
        sent_at=timezone.now(),
        sent_by=actor_label(actor),
    )
    record_entry(
        breach.organisation,
        actor=actor,
        action="breach.controller_notified",
        obj=breach,
        new={"controller": controller.key, "email": email, "sent_at": notice.sent_at},
    )

    def send():
        from waarborg.core.emails import send_templated

        send_templated(
            "breaches/emails/controller",
            to=email,
            language=language,
            context={**letter_context(breach, language), "controller": controller},
        )

    transaction.on_commit(send)
    return notice
