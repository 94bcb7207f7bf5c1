"""Checking, publishing and comparing privacy statements."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.audit.actions import actor_label, json_ready, record_entry
from waarborg.core.taxonomy import TermIndex
from waarborg.notices import statement
from waarborg.notices.models import NoticeSettings, NoticeVersion
from waarborg.register.yamlio import register_data

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class PublishError(Exception):
    def __init__(self, message, problems=()):
        super().__init__(str(message))
        self.message = message
        self.problems = list(problems)


@dataclass
class Problem:
    level: str  # "error" blocks publishing; "warning" is shown
    message: str
    kind: str = ""
    key: str = ""
    section: str = ""  # the section of the item's form where it is fixed


def settings_for(organisation):
    found = NoticeSettings.objects.filter(organisation=organisation).first()
    return found or NoticeSettings(organisation=organisation)


def settings_data(notice_settings):
    return {
        "grouping": notice_settings.grouping,
        "introduction": notice_settings.introduction or {},
        "closing": notice_settings.closing or {},
        "section_notes": notice_settings.section_notes or {},
    }


def check(snapshot, index):
    """What the statement cannot say well yet (Art. 13): the rules of the checks that concern
    the statement, over this snapshot. Errors of the blocking rules stop publishing."""
    from waarborg.checks.findings import statement_findings
    from waarborg.register.forms import section_of

    problems = []
    for finding in statement_findings(snapshot, index):
        blocking = finding.rule.statement is True and finding.severity == "error"
        message = str(finding.message)
        if finding.key and not message.startswith(finding.name):
            message = f"{finding.name}: {message}"
        kind = finding.kind if finding.key and finding.kind != "organisation" else ""
        section = section_of(kind, finding.rule.field) if kind else ""
        level = "error" if blocking else "warning"
        problems.append(Problem(level, message, kind, finding.key, section))
    return problems


def current_snapshot(organisation):
    """The register's data, the cookies the latest scans of the organisation's websites
    found (the statement's cookie table) and the certifications the organisation states (the
    security section)."""
    from waarborg.cookies.report import snapshot_rows
    from waarborg.processors.models import ProcessorSettings

    data = register_data(organisation)
    cookies = snapshot_rows(organisation)
    if cookies:
        data["cookies"] = cookies
    own = ProcessorSettings.objects.filter(organisation=organisation).first()
    if own is not None and own.certifications:
        data["certifications"] = own.certifications
    return data


def preview(organisation, language, snapshot, index):
    """The statement as it would be published now, from an already loaded snapshot."""
    layout = settings_data(settings_for(organisation))
    return statement.render(statement.build(snapshot, index, layout, language))


def draft_snapshot(organisation):
    """What the next version would be rendered from: the register and layout as they are
    now, in the form a published version stores them."""
    layout = settings_data(settings_for(organisation))
    return json_ready({"register": current_snapshot(organisation), "layout": layout})


def latest_versions(organisation):
    """The newest published version per language: {language: NoticeVersion}."""
    latest = {}
    for version in NoticeVersion.objects.filter(organisation=organisation).order_by("number"):
        latest[version.language] = version
    return latest


@transaction.atomic
def publish_statement(organisation, *, actor, own_label="", effective_on=None):
    """Render the statement in every language and store it as a new immutable version,
    with the organisation's own version number and date of effect when it gives them."""
    index = TermIndex(organisation)
    snapshot = current_snapshot(organisation)
    errors = [p for p in check(snapshot, index) if p.level == "error"]
    if errors:
        raise PublishError(_("The statement cannot be published yet."), errors)
    layout = settings_data(settings_for(organisation))
    full = json_ready({"register": snapshot, "layout": layout})
    previous = (
        NoticeVersion.objects.select_for_update()
        .filter(organisation=organisation)
        .order_by("-number")
        .first()
    )
    if previous is not None and previous.snapshot == full:
        raise PublishError(
            _("Nothing changed since version %(number)s.") % {"number": previous.number}
        )
    number = previous.number + 1 if previous else 1
    now = timezone.now()
    snapshot_json = json.dumps(full, sort_keys=True, cls=DjangoJSONEncoder)
    versions = []
    for language in LANGUAGES:
        content = statement.build(snapshot, index, layout, language)
        content.own_label, content.effective_on = own_label, effective_on
        html, text = statement.render(content), statement.render_markdown(content)
        versions.append(
            NoticeVersion.objects.create(
                organisation=organisation,
                number=number,
                language=language,
                published_at=now,
                published_by=actor_label(actor),
                own_label=own_label,
                effective_on=effective_on,
                html=html,
                text=text,
                snapshot=full,
                hash=NoticeVersion.compute_hash(html, text, snapshot_json),
            )
        )
    record_entry(
        organisation,
        actor=actor,
        action="notices.statement.published",
        obj=versions[0],
        new={
            "number": number,
            "own_label": own_label,
            "effective_on": effective_on.isoformat() if effective_on else None,
            "languages": LANGUAGES,
            "hashes": {v.language: v.hash for v in versions},
        },
    )
    return versions


@transaction.atomic
def save_notice_settings(organisation, *, actor, grouping, introduction, closing, section_notes):
    notice_settings = settings_for(organisation)
    old = settings_data(notice_settings) if notice_settings.pk else None
    notice_settings.grouping = grouping
    notice_settings.introduction = introduction
    notice_settings.closing = closing
    notice_settings.section_notes = {k: v for k, v in section_notes.items() if v}
    notice_settings.save()
    record_entry(
        organisation,
        actor=actor,
        action="notices.settings.updated",
        obj=notice_settings,
        old=old,
        new=settings_data(notice_settings),
    )
    return notice_settings


EMAIL_HEADERS = ("email", "e-mail", "e-mailadres", "emailadres", "e-mailaddress", "emailaddress")
LANGUAGE_HEADERS = ("language", "taal", "lang")


def parse_recipients(text, default_language):
    """Addresses from pasted lines or a CSV (`email[,language]`, or with a header row naming
    the columns, separated by commas or, as Dutch Excel writes, semicolons), all or nothing.

    Returns [(email, language)] without duplicates; raises PublishError listing every bad line.
    """

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    found, problems = {}, []
    from waarborg.core.inputs import InputError, csv_rows

    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()), "")
    # Dutch Excel writes its CSV with semicolons
    delimiter = ";" if ";" in first and "," not in first else ","
    try:
        lines = csv_rows(text, delimiter=delimiter)
    except InputError as error:
        message = _("The address list was not accepted; nothing was sent.")
        raise PublishError(message, [Problem("error", str(error))]) from None
    where = (0, 1)  # the columns of the address and the language, unless a header says
    for number, row in enumerate(lines, start=1):
        cells = [cell.strip() for cell in row]
        if len(cells) == 1 and len(cells[0].split()) == 2:  # typed as "address nl"
            cells = cells[0].split()
        if not cells or not any(cells):
            continue
        names = [cell.lower().replace(" ", "") for cell in cells]
        if any(name in EMAIL_HEADERS for name in names):
            email_at = next(i for i, name in enumerate(names) if name in EMAIL_HEADERS)
            language_at = next((i for i, n in enumerate(names) if n in LANGUAGE_HEADERS), None)
            where = (email_at, language_at)
            continue
        email_at, language_at = where
        picked = [cells[email_at] if email_at < len(cells) else ""]
        if language_at is not None and language_at < len(cells):
            picked.append(cells[language_at])
        cells = picked
        email = cells[0].lower()
        language = (cells[1] if len(cells) > 1 and cells[1] else default_language).lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                Problem(
                    "error",
                    _("line %(line)s: %(value)r is not an e-mail address")
                    % {"line": number, "value": cells[0]},
                )
            )
            continue
        if language not in LANGUAGES:
            problems.append(
                Problem(
                    "error",
                    _("line %(line)s: language %(value)r; use nl or en")
                    % {"line": number, "value": cells[1]},
                )
            )
            continue
        found.setdefault(email, language)
    if problems:
        raise PublishError(_("The address list was not accepted; nothing was sent."), problems)
    if not found:
        raise PublishError(_("The address list is empty."))
    return list(found.items())


@transaction.atomic
def notify_change(organisation, *, actor, from_number, to_number, recipients, per_minute=60):
    """Queue an e-mail about the change from one version to another to each recipient.

    The notice, its recipients and the background task are written in one transaction: a
    crash leaves either all of them or nothing. A list of thousands of addresses is written by
    the worker (`jobs.imports`), so that the request does not hold the write lock.
    """
    from waarborg.jobs import imports
    from waarborg.notices.models import ChangeNotice, ChangeNoticeRecipient
    from waarborg.notices.tasks import send_change_notice

    numbers = set(
        NoticeVersion.objects.filter(
            organisation=organisation, number__in=[from_number, to_number]
        ).values_list("number", flat=True)
    )
    if numbers != {from_number, to_number} or from_number >= to_number:
        raise PublishError(_("Choose two published versions, the older one first."))
    notice = ChangeNotice.objects.create(
        organisation=organisation,
        from_number=from_number,
        to_number=to_number,
        per_minute=per_minute,
        created_by=actor_label(actor),
    )
    record_entry(
        organisation,
        actor=actor,
        action="notices.change_notice.queued",
        obj=notice,
        new={"from": from_number, "to": to_number, "recipients": len(recipients)},
    )
    if len(recipients) >= imports.BACKGROUND_FROM:
        # A long list is written by the worker in batches; then the sending is queued.
        imports.queue_import(
            organisation,
            actor=actor,
            kind="addresses",
            target=str(notice.pk),
            rows=[list(recipient) for recipient in recipients],
        )
        return notice
    ChangeNoticeRecipient.objects.bulk_create(
        ChangeNoticeRecipient(notice=notice, email=email, language=language)
        for email, language in recipients
    )
    send_change_notice.enqueue(notice.pk)
    return notice


def deliver_change_notice(notice_id, *, actor):
    """Send the pending messages of a change notice, throttled, at most once each
    (`jobs.mailing`), and end it "sent" with its audit entry, once.

    Resumable: a run cut off (worker killed, SIGTERM) continues with the next pending
    address; the one whose sending was interrupted is marked uncertain.
    """
    from waarborg.jobs.mailing import deliver
    from waarborg.notices.models import ChangeNotice

    notice = ChangeNotice.objects.select_related("organisation").get(pk=notice_id)
    if notice.status == ChangeNotice.Status.DONE:
        return notice
    ChangeNotice.objects.filter(pk=notice.pk).update(status=ChangeNotice.Status.SENDING)
    changes = _material_changes(notice)
    deliver(
        notice.recipients.all(),
        lambda recipient: _send_change(notice, recipient, changes(recipient.language)),
        per_minute=notice.per_minute,
    )
    with transaction.atomic():
        finished = ChangeNotice.objects.filter(
            pk=notice.pk, status=ChangeNotice.Status.SENDING
        ).update(status=ChangeNotice.Status.DONE, finished_at=timezone.now())
        if finished:  # two workers that both reach the end write one entry
            record_entry(
                notice.organisation,
                actor=actor,
                action="notices.change_notice.sent",
                obj=notice,
                new=notice.counts(),
            )
    notice.refresh_from_db()
    return notice


def _material_changes(notice):
    """A function: language -> the material changes between the notice's versions, worked
    out once per language."""
    from waarborg.notices.diff import diff

    versions = {
        v.number: v
        for v in NoticeVersion.objects.filter(
            organisation=notice.organisation,
            language="nl",
            number__in=[notice.from_number, notice.to_number],
        )
    }
    index = TermIndex(notice.organisation)
    found = {}

    def changes(language):
        if language not in found:
            found[language] = [
                change
                for change in diff(
                    versions[notice.from_number].snapshot,
                    versions[notice.to_number].snapshot,
                    index,
                    language,
                )
                if change.material
            ]
        return found[language]

    return changes


def _send_change(notice, recipient, changes):
    from django.urls import reverse

    from waarborg.core.emails import absolute_url, send_templated

    organisation = notice.organisation
    link = absolute_url(reverse("center:statement", args=[organisation.slug, recipient.language]))
    send_templated(
        "notices/emails/change",
        to=recipient.email,
        language=recipient.language,
        context={
            "organisation": organisation,
            "changes": changes,
            "link": link,
            "number": notice.to_number,
        },
    )
