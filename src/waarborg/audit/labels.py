"""What an audit entry's action code means, in the reader's language: "retention.sweep" reads
"Opschoning uitgevoerd". A code without a label (a new one) is shown as its words."""

import json
import re

from django.utils.translation import gettext_lazy as _

from waarborg.core.masking import mask_values

LABELS = {
    "dpia.risk.created": _("DPIA risk added"),
    "documents.connect": _("Mail or document source connected"),
    "documents.disconnect": _("Mail or document source disconnected"),
    "documents.delete_messages": _("Messages deleted from a mailbox"),
    "documents.deletion_recovered": _("A cut-off deletion from a mailbox checked"),
    "documents.settings": _("Settings of a mail or document source changed"),
    "documents.find": _("Person looked up in mail and documents"),
    "documents.index": _("Mail and documents indexed"),
    "documents.index_retention": _("Old index of mail and documents cleared"),
    "documents.index_started": _("Indexing of mail and documents started"),
    "processors.agreement.saved": _("Processing agreement saved"),
    "processors.change.announced": _("Sub-processor change announced"),
    "processors.change.answered": _("Client's answer to a sub-processor change recorded"),
    "processors.change.applied": _("Sub-processor change took effect"),
    "processors.change.planned": _("Sub-processor change planned"),
    "processors.change.reason": _("Reason of a sub-processor change changed"),
    "processors.change.sent": _("Sub-processor change notices sent"),
    "processors.instruction.recorded": _("Client instruction recorded"),
    "processors.objection.resolved": _("Objection to a sub-processor resolved"),
    "processors.service.saved": _("Service saved"),
    "processors.settings.updated": _("Processor settings changed"),
    "processors.statement.published": _("Data Pro Statement published"),
    "request.document_reviewed": _("Mail or document hit reviewed"),
    "request.document_hold": _("Erasure: legal hold on a message or file set or lifted"),
    "request.document_deleted_by_hand": _("Erasure: message or file ticked off as deleted by hand"),
    "request.documents_deleted": _("Erasure: messages deleted from a mailbox"),
    "request.documents_delete_started": _("Erasure: deletion from a mailbox started"),
    "request.document_read": _("A found message or file read for its review"),
    "request.documents_found": _("Request: mail and documents searched"),
    "api.key_add": _("API key added"),
    "api.key_revoke": _("API key revoked"),
    "audit.prune": _("Old audit entries removed"),
    "catalogue.confirm": _("Catalogue entry checked"),
    "breach.assess": _("Breach severity scored"),
    "breach.communication": _("Informing the people recorded"),
    "breach.controller_notified": _("Client told of the breach"),
    "breach.decide": _("Breach decisions recorded"),
    "breach.addresses_read": _("Addresses read from connected systems for breach letters"),
    "breach.letters_found": _("Breach letters: addresses added from connected systems"),
    "breach.letters_queued": _("Breach letters queued"),
    "breach.letters_sent": _("Breach letters sent"),
    "breach.file_open": _("Breach file opened"),
    "breach.note": _("Breach note added"),
    "breach.notification_prepared": _("Breach notification prepared"),
    "breach.notified": _("Breach notification submitted"),
    "breach.record": _("Breach recorded"),
    "breach.reference": _("Authority's reference recorded"),
    "breach.reminder": _("Breach reminder sent"),
    "breach.update": _("Breach changed"),
    "checks.finding.dismissed": _("Finding dismissed"),
    "checks.finding.restored": _("Finding restored"),
    "consent.import": _("Consent list imported"),
    "consent.purpose_change": _("Consent purpose changed"),
    "core.invitation.accepted": _("Invitation accepted"),
    "core.invitation.created": _("Invitation sent"),
    "core.invitation.revoked": _("Invitation revoked"),
    "core.membership.created": _("Member added"),
    "core.membership.removed": _("Member removed"),
    "core.membership.role_changed": _("Role changed"),
    "core.organisation.created": _("Organisation created"),
    "core.organisation.updated": _("Organisation details changed"),
    "core.password_reset": _("Password reset"),
    "notices.change_notice.queued": _("Change notice queued"),
    "notices.change_notice.sent": _("Change notice sent"),
    "notices.settings.updated": _("Statement settings changed"),
    "notices.statement.published": _("Privacy statement published"),
    "register.imported": _("Register imported"),
    "register.term.created": _("List entry added"),
    "request.address_verified": _("Address verified"),
    "request.answer": _("Request answered"),
    "request.ask_id": _("ID copy asked for"),
    "request.assign": _("Request assigned"),
    "request.calendar_link": _("Deadline calendar link made"),
    "request.calendar_revoke": _("Deadline calendar link revoked"),
    "request.claimed_decision": _("Decision on claimed identifiers"),
    "request.close": _("Request closed"),
    "request.create": _("Request received"),
    "request.download": _("Package downloaded"),
    "request.extend": _("Deadline extended"),
    "request.file_open": _("File opened"),
    "request.forward": _("Request forwarded"),
    "request.forwarded": _("Forward posted, person told"),
    "request.id_checked": _("ID copy checked"),
    "request.id_uploaded": _("ID copy uploaded"),
    "request.identity_checked": _("Identity checked"),
    "request.letter_reset": _("Letter text restored"),
    "request.letter_save": _("Letter text changed"),
    "request.package": _("Package made"),
    "request.package_failed": _("Package not made: a mailbox could not be reached"),
    "request.purge_files": _("Request files deleted"),
    "request.recipient_notified": _("Recipient told"),
    "request.recipient_letter_written": _("Letter to a recipient written for the post"),
    "request.refuse": _("Request refused"),
    "request.resend_verification": _("Verification sent again"),
    "request.settings": _("Request settings changed"),
    "request.task_done": _("Task done"),
    "request.task_failed": _("Task failed"),
    "request.task_update": _("Task updated"),
    "request.task_waived": _("Task waived"),
    # by a link, an ID document or staff: the entry's values say how
    "request.verify": _("Identity established"),
    "retention.confirm": _("Large deletion confirmed"),
    "retention.fail": _("Retention sweep failed"),
    "retention.item": _("Retention rule carried out"),
    "retention.queue": _("Retention sweep queued"),
    "retention.resume": _("Retention sweep resumed"),
    "retention.review_done": _("Review confirmed"),
    "retention.review_due": _("Review task made"),
    "retention.settings": _("Retention settings changed"),
    "retention.sweep": _("Retention sweep done"),
    "signin.failed": _("Sign-in failed (wrong password)"),
    "signin.locked": _("Sign-in locked after too many wrong passwords"),
    "signin.mfa_added": _("Second factor added"),
    "signin.mfa_failed": _("Sign-in failed (wrong code)"),
    "signin.mfa_removed": _("Second factor removed"),
    "signin.password_changed": _("Password changed"),
    "signin.provider_removed": _("Sign-in provider removed"),
    "signin.provider_set": _("Sign-in provider set up"),
    "signin.recovery_codes_generated": _("New recovery codes made"),
    "signin.succeeded": _("Signed in"),
    "source.access": _("Person looked up in a database"),
    "source.check": _("Database checked"),
    "source.connect": _("Database connected"),
    "source.disconnect": _("Database disconnected"),
    "source.erase": _("Person erased in a database"),
    "source.erase_dry_run": _("Erasure tried (dry run)"),
    "source.rectify": _("Person's data corrected in a database"),
    "source.restrict": _("Person's data restricted in a database"),
    "source.unrestrict": _("Restriction lifted in a database"),
    "request.restriction_lift_announced": _("Person told the restriction will be lifted"),
    "request.restriction_lifted": _("Restriction lifted"),
    "request.restricted_pending": _("Restricted pending the objection"),
    "request.objection_upheld": _("Objection upheld: processing stopped"),
    "consent.hook_add": _("Mailing service webhook added"),
    "consent.hook_revoke": _("Mailing service webhook revoked"),
    "consent.purpose_add": _("Consent purpose added"),
    "cookies.override": _("Cookie classified"),
    "cookies.override_remove": _("Cookie classification removed"),
    "cookies.scan_done": _("Cookie scan done"),
    "cookies.scan_fail": _("Cookie scan failed"),
    "cookies.scan_request": _("Cookie scan asked for"),
    "cookies.settings": _("Banner settings changed"),
    "cookies.website_add": _("Website added"),
    "cookies.website_change": _("Website changed"),
    "cookies.website_delete": _("Website deleted"),
    "dpia.assessment.created": _("DPIA started"),
    "dpia.assessment.reopened": _("DPIA reopened"),
    "dpia.assessment.signed": _("DPIA signed"),
    "dpia.assessment.updated": _("DPIA changed"),
    "dpia.risk.deleted": _("DPIA risk removed"),
    "dpia.risk.updated": _("DPIA risk changed"),
    "dpia.screening.recorded": _("DPIA screening recorded"),
    "jobs.import.queued": _("Import queued"),
    "register.activity.created": _("Processing activity added"),
    "register.activity.updated": _("Processing activity changed"),
    "register.activity.retired": _("Processing activity retired"),
    "register.party.created": _("Party added"),
    "register.party.updated": _("Party changed"),
    "register.party.retired": _("Party retired"),
    "register.system.created": _("System added"),
    "register.system.updated": _("System changed"),
    "register.system.retired": _("System retired"),
    "register.retention_rule.created": _("Retention rule added"),
    "register.retention_rule.updated": _("Retention rule changed"),
    "register.retention_rule.retired": _("Retention rule retired"),
    "register.security_measure.created": _("Security measure added"),
    "register.security_measure.updated": _("Security measure changed"),
    "register.security_measure.retired": _("Security measure retired"),
    "request.claimed_unconfirmed": _("Claimed identifier not confirmed"),
    "request.letter_posted": _("Letter posted"),
    "request.transmission_not_feasible": _("Direct transmission not feasible"),
    "request.transmitted": _("Data sent to the controller named"),
}


def action_label(code):
    """The label of an action code; an unknown code as its words ("jobs.import.queued" ->
    "jobs import queued")."""
    label = LABELS.get(code)
    if label is not None:
        return str(label)
    return code.replace(".", " ").replace("_", " ")


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _in_words(value):
    """A recorded value as a person reads it: a period in words ('7 jaar', not 'P7Y'), a date
    or moment as people write it; anything else as it was recorded."""
    from waarborg.core.dates import DURATION, format_day, format_moment, humanise_duration

    if isinstance(value, dict):
        return {key: _in_words(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_words(item) for item in value]
    if not isinstance(value, str):
        return value
    text = value.strip()
    if len(text) > 1 and DURATION.match(text):
        return humanise_duration(text)
    if _ISO_DAY.match(text):
        return format_day(text)
    if _ISO_MOMENT.match(text):
        return format_moment(text)
    return value


def in_words(values):
    """Old or new values as readable() gives them, with periods and dates in words."""
    if values is None:
        return "—"
    return readable(_in_words(values))


def readable(values):
    """Old or new values as indented JSON a person can read (accents as they are), with any
    password in a URL hidden: entries written before URLs were masked keep it (the chain
    covers them as written), so it is hidden where they are shown."""
    if values is None:
        return "—"
    return json.dumps(
        mask_values(values), indent=2, ensure_ascii=False, sort_keys=True, default=str
    )


# Objects whose name is a text in two languages: an entry about one is shown with its name in
# the reader's language (the entry keeps the name as recorded, in the language of the moment).
NAMED_IN_TWO_LANGUAGES = (
    "register.processingactivity",
    "register.party",
    "register.system",
    "register.retentionrule",
    "register.securitymeasure",
    "consent.consentpurpose",
    "processors.service",
)


def current_names(entries, organisation):
    """{(object_type, object_id): the object's name now, in the active language} for the
    entries' objects of this organisation that still exist and are named in two languages."""
    from django.apps import apps

    wanted = {}
    for entry in entries:
        if entry.object_type in NAMED_IN_TWO_LANGUAGES and entry.object_id.isdigit():
            wanted.setdefault(entry.object_type, set()).add(int(entry.object_id))
    names = {}
    for label, ids in wanted.items():
        model = apps.get_model(label)
        for obj in model.objects.filter(organisation=organisation, pk__in=ids):
            names[(label, str(obj.pk))] = str(obj)
    return names
