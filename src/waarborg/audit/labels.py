"""What an audit entry's action code means, in the reader's language: "retention.sweep" reads
"Opschoning uitgevoerd". A code without a label (a new one) is shown as its words."""

import json

from django.utils.translation import gettext_lazy as _

from waarborg.core.masking import mask_values

LABELS = {
    "api.key_add": _("API key added"),
    "api.key_revoke": _("API key revoked"),
    "audit.prune": _("Old audit entries removed"),
    "breach.assess": _("Breach severity scored"),
    "breach.communication": _("Informing the people recorded"),
    "breach.controller_notified": _("Client told of the breach"),
    "breach.decide": _("Breach decisions recorded"),
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
    "request.claimed_decision": _("Decision on claimed identifiers"),
    "request.close": _("Request closed"),
    "request.create": _("Request received"),
    "request.download": _("Package downloaded"),
    "request.extend": _("Deadline extended"),
    "request.file_open": _("File opened"),
    "request.forward": _("Request forwarded"),
    "request.id_checked": _("ID copy checked"),
    "request.id_uploaded": _("ID copy uploaded"),
    "request.identity_checked": _("Identity checked"),
    "request.letter_reset": _("Letter text restored"),
    "request.letter_save": _("Letter text changed"),
    "request.package": _("Package made"),
    "request.purge_files": _("Request files deleted"),
    "request.recipient_notified": _("Recipient told"),
    "request.refuse": _("Request refused"),
    "request.resend_verification": _("Verification sent again"),
    "request.settings": _("Request settings changed"),
    "request.task_done": _("Task done"),
    "request.task_failed": _("Task failed"),
    "request.task_update": _("Task updated"),
    "request.task_waived": _("Task waived"),
    "request.verify": _("Identity confirmed by link"),
    "retention.confirm": _("Large deletion confirmed"),
    "retention.fail": _("Retention sweep failed"),
    "retention.item": _("Retention rule carried out"),
    "retention.queue": _("Retention sweep queued"),
    "retention.resume": _("Retention sweep resumed"),
    "retention.review_done": _("Review confirmed"),
    "retention.review_due": _("Review task made"),
    "retention.settings": _("Retention settings changed"),
    "retention.sweep": _("Retention sweep done"),
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
}


def action_label(code):
    """The label of an action code; an unknown code as its words ("jobs.import.queued" ->
    "jobs import queued")."""
    label = LABELS.get(code)
    if label is not None:
        return str(label)
    return code.replace(".", " ").replace("_", " ")


def readable(values):
    """Old or new values as indented JSON a person can read (accents as they are), with any
    password in a URL hidden: entries written before URLs were masked keep it (the chain
    covers them as written), so it is hidden where they are shown."""
    if values is None:
        return "—"
    return json.dumps(
        mask_values(values), indent=2, ensure_ascii=False, sort_keys=True, default=str
    )
