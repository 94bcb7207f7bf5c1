"""Data subject requests (Art. 15-22 GDPR), their tasks per system or party, and their files.

A closed request keeps a minimal record; files (originals, uploads, ID copies, packages) are
stored encrypted in the database and deleted on the organisation's schedule.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.core.models import OpaqueToken, Organisation, Term
from waarborg.register.models import Party, System

FILE_PURPOSE = "request-file"


class Kind(models.TextChoices):
    ACCESS = "access", _("Access (Art. 15)")
    RECTIFICATION = "rectification", _("Rectification (Art. 16)")
    ERASURE = "erasure", _("Erasure (Art. 17)")
    RESTRICTION = "restriction", _("Restriction (Art. 18)")
    OBJECTION = "objection", _("Objection (Art. 21)")
    PORTABILITY = "portability", _("Data portability (Art. 20)")
    WITHDRAWAL = "withdrawal", _("Withdrawal of consent (Art. 7(3))")


class Channel(models.TextChoices):
    WEB = "web", _("privacy centre")
    EMAIL = "email", _("e-mail")
    LETTER = "letter", _("letter")
    PHONE = "phone", _("phone")
    API = "api", _("API")
    IN_PERSON = "in_person", _("in person")


class Status(models.TextChoices):
    AWAITING_IDENTITY = "awaiting_identity", _("Waiting for identity")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.AWAITING_IDENTITY, Status.IN_PROGRESS)


class Verification(models.TextChoices):
    EMAIL_LINK = "email_link", _("link sent to the e-mail address")
    STAFF = "staff", _("by staff, another way")
    ID_DOCUMENT = "id_document", _("copy of an identity document")


# The identifiers a request can carry, by the names SQL sources know them (annotation identities).
IDENTIFIERS = {"email": "email", "phone_number": "phone", "customer_number": "customer_number"}


class ClaimedDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by staff: the claimed identifiers are the person's")
    IGNORED = "ignored", _("Not used: only the verified identifiers count")


class Outcome(models.TextChoices):
    GRANTED = "granted", _("Granted")
    PARTLY = "partly", _("Partly granted")
    REFUSED = "refused", _("Refused")
    FORWARDED = "forwarded", _("Forwarded to the controller")
    WITHDRAWN = "withdrawn", _("Withdrawn by the person")


class RefusalGround(models.TextChoices):
    UNFOUNDED = "unfounded", _("Manifestly unfounded (Art. 12(5))")
    EXCESSIVE = "excessive", _("Excessive, in particular repetitive (Art. 12(5))")
    IDENTITY = "identity", _("Identity not established (Art. 12(6))")
    EXEMPTION = "exemption", _("An exemption applies (Art. 17(3), 23 GDPR; UAVG art. 41)")
    COMPELLING = (
        "compelling",
        _("Compelling legitimate grounds that override the person's interests (Art. 21(1))"),
    )
    LEGAL_CLAIMS = (
        "legal_claims",
        _("Needed for the establishment, exercise or defence of legal claims (Art. 21(1))"),
    )


# Grounds only an objection under Art. 21(1) can be refused on.
OBJECTION_GROUNDS = (RefusalGround.COMPELLING, RefusalGround.LEGAL_CLAIMS)
# Legal bases an Art. 21(1) objection applies to: Art. 6(1)(e) and (f).
OBJECTABLE_BASES = ("public_task", "legitimate_interests")


class RestrictionGround(models.TextChoices):
    ACCURACY = "accuracy", _("The accuracy is contested (Art. 18(1)(a))")
    UNLAWFUL = "unlawful", _("Unlawful, but the person wants it kept (Art. 18(1)(b))")
    LEGAL_CLAIMS = "legal_claims", _("The person needs it for legal claims (Art. 18(1)(c))")
    OBJECTION = "objection", _("An objection is pending (Art. 18(1)(d))")


class RequestSettings(models.Model):
    """How an organisation handles requests; one row per organisation, made on first use."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="request_settings"
    )
    pause_for_identity = models.BooleanField(
        _("the deadline starts when the identity is established"),
        default=False,
        help_text=_("Off: the month runs from receipt (the safe default)."),
    )
    verification_days = models.PositiveSmallIntegerField(
        _("days a verification link stays valid"), default=14
    )
    package_days = models.PositiveSmallIntegerField(
        _("days an access package can be downloaded"), default=30
    )
    purge_days = models.PositiveSmallIntegerField(
        _("days after closure that uploads and packages are deleted"), default=30
    )
    max_upload_mb = models.PositiveSmallIntegerField(_("largest upload (MB)"), default=20)
    restrict_on_objection = models.BooleanField(
        _("an objection restricts the processing concerned at once, pending the decision"),
        default=False,
        help_text=_("Art. 18(1)(d): set it when the privacy statement promises it."),
    )
    copies_to_known_address = models.BooleanField(
        _("copies only to a known address, otherwise an identity check"),
        default=False,
        help_text=_(
            "On: an access or portability package goes out only when the verified address was "
            "found on file, or staff checked the identity another way."
        ),
    )
    # the day the daily reminder went out: a retried run does not send it twice
    reminded_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return str(self.organisation)


class SubjectRequest(models.Model):
    """One request of a data subject, from intake to closure."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reference = models.CharField(_("reference"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    customer_number = models.CharField(_("customer number"), max_length=80, blank=True)
    postal_address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("For letters by post: street, postal code, city."),
    )
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    kvk_number = models.CharField(_("KvK number"), max_length=20, blank=True)
    company_address = models.TextField(_("company address"), blank=True)
    description = models.TextField(_("description"), blank=True)
    restriction_ground = models.CharField(
        _("ground for the restriction"),
        max_length=15,
        choices=RestrictionGround.choices,
        blank=True,
    )
    activities = models.ManyToManyField(
        "register.ProcessingActivity",
        blank=True,
        related_name="+",
        verbose_name=_("processing objected to"),
    )
    restricted_pending_at = models.DateTimeField(
        _("restricted pending the decision"), null=True, blank=True
    )
    transmit_to = models.CharField(
        _("transmit directly to (controller)"), max_length=200, blank=True
    )
    transmit_email = models.EmailField(_("that controller's e-mail address"), blank=True)
    transmitted_at = models.DateTimeField(_("transmitted"), null=True, blank=True)
    transmission_not_feasible = models.TextField(
        _("direct transmission not technically feasible, because"), blank=True
    )
    direct_marketing = models.BooleanField(
        _("objection to direct marketing"),
        default=False,
        help_text=_("Art. 21(2): absolute; it stops every direct-marketing purpose at once."),
    )
    subject_groups = models.ManyToManyField(
        Term, blank=True, related_name="+", verbose_name=_("groups of people")
    )
    received_at = models.DateTimeField(_("received"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_IDENTITY
    )
    verified_at = models.DateTimeField(_("identity established"), null=True, blank=True)
    verification = models.CharField(
        _("identity established by"), max_length=20, choices=Verification.choices, blank=True
    )
    verification_note = models.CharField(
        _("how the identity was established"), max_length=500, blank=True
    )
    # Which identifiers the person proved (see IDENTIFIERS): the address the link went to, a
    # number called back. Every other identifier on the request is only claimed.
    verified_identifiers = models.JSONField(default=list, blank=True)
    claimed_decision = models.CharField(
        _("claimed identifiers"), max_length=10, choices=ClaimedDecision.choices, blank=True
    )
    claimed_reason = models.TextField(
        _("reason of the decision on claimed identifiers"), blank=True
    )
    identity_checked_at = models.DateTimeField(
        _("identity checked by staff"), null=True, blank=True
    )
    identity_check_note = models.CharField(
        _("how staff checked the identity"), max_length=500, blank=True
    )
    id_requested_at = models.DateTimeField(_("ID copy asked"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    refusal_ground = models.CharField(
        _("ground for refusal"), max_length=12, choices=RefusalGround.choices, blank=True
    )
    answer_note = models.TextField(_("explanation in the answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # After an erasure request closes, the identity is replaced by this keyed hash (Art. 17).
    identity_hash = models.CharField(max_length=64, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="request_reference_per_org"
            )
        ]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self):
        return f"{self.reference} ({self.get_kind_display()})"

    @property
    def deadline(self):
        return self.extended_to or self.due_on

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def days_left(self, today=None):
        if self.deadline is None:
            return None
        return (self.deadline - (today or timezone.localdate())).days

    def urgency(self, today=None):
        """'overdue', 'soon' (due within 7 days) or '' for an open request."""
        left = self.days_left(today)
        if not self.is_open or left is None:
            return ""
        if left < 0:
            return "overdue"
        return "soon" if left <= 7 else ""

    def can_extend(self, today=None):
        """Art. 12(3): extension only while the first month runs, and only once."""
        today = today or timezone.localdate()
        return self.is_open and not self.extended_to and self.due_on and today <= self.due_on

    @property
    def is_verified(self):
        return self.verified_at is not None


class TaskKind(models.TextChoices):
    SYSTEM = "system", _("Data in a system")
    NOTIFY = "notify", _("Tell a recipient (Art. 19)")
    FORWARD = "forward", _("Forward to the controller")
    LEDGER = "ledger", _("Consent ledger")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    FAILED = "failed", _("Failed")
    WAIVED = "waived", _("Waived by a privacy officer")


class TaskOutcome(models.TextChoices):
    """How a task ended: the answer to the person is built from these, and only these."""

    DONE = "done", _("Done")
    NOTHING_FOUND = "nothing_found", _("Nothing found")
    LEGAL_HOLD = "legal_hold", _("Kept under a legal hold (give the reason)")
    RESTRICTED = "restricted", _("Restricted")
    NOT_APPLICABLE = "not_applicable", _("Not applicable (give the reason)")


# Outcomes that need a reason the person reads.
OUTCOMES_WITH_REASON = (TaskOutcome.LEGAL_HOLD, TaskOutcome.NOT_APPLICABLE)

# Notes Waarborg adds to a system task's instructions, recorded by code in the task's result
# ("notes") so that each staff member reads them in their own language.
TASK_NOTES = {
    "marketing_stop": _(
        "Stop using the person's data for direct marketing in this system at once "
        "(Art. 21(3)): put them on its do-not-contact list."
    ),
    "restricted_at_once": _(
        "Restricted at once in the connected database, pending the decision on the "
        "objection (Art. 18(1)(d))."
    ),
    "restrict_at_once": _(
        "Restrict the processing at once, pending the decision on the objection (Art. 18(1)(d))."
    ),
}


class RequestTask(models.Model):
    """One piece of work of a request: a system to search or change, a party to tell."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices)
    system = models.ForeignKey(
        System, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    party = models.ForeignKey(
        Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("task"), max_length=300)
    automatic = models.BooleanField(_("automatic"), default=False)
    instructions = models.TextField(_("instructions"), blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_for_person = models.BooleanField(
        _("the notes are for the person"),
        default=False,
        help_text=_("On: the notes appear in the answer and the report."),
    )
    outcome = models.CharField(_("outcome"), max_length=15, choices=TaskOutcome.choices, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    waiver_reason = models.TextField(_("reason for the waiver"), blank=True)
    # Lifting a restriction (Art. 18(3)): the person is told first, then it is lifted.
    lift_announced_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    # What an automatic run found or did: rows per table, evidence, held data with reasons.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # When the system's mail and document sources were last searched (see DocumentHit).
    documents_searched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in (TaskStatus.OPEN, TaskStatus.FAILED)

    @property
    def is_waived(self):
        return self.status == TaskStatus.WAIVED

    @property
    def shown_instructions(self):
        """The instructions in the reader's (active) language: Waarborg's notes and the system's
        own instructions for finding a person's data. A task recorded before its notes were
        kept by code shows the text stored when it was made."""
        codes = self.result.get("notes") if isinstance(self.result, dict) else None
        if self.kind != TaskKind.SYSTEM or self.system is None or codes is None:
            return self.instructions
        from django.utils.translation import get_language

        from waarborg.core.fields import translated

        parts = [str(TASK_NOTES[code]) for code in codes if code in TASK_NOTES]
        own = translated(self.system.manual_instructions, get_language())
        return "\n".join([*parts, own] if own else parts)

    @property
    def party_email(self):
        """The e-mail address in the party's contact details, if any (else letters go by post)."""
        from waarborg.requests.actions.common import _email_in

        return _email_in(self.party.contact) if self.party_id else ""

    @property
    def waiting_letters(self):
        return [letter for letter in self.letters.all() if letter.waits_for_post]


class FileKind(models.TextChoices):
    ORIGINAL = "original", _("The request as received")
    RESULT = "result", _("Result of a task")
    ID_COPY = "id_copy", _("Copy of an identity document")
    PACKAGE = "package", _("Answer package")
    LETTER = "letter", _("Letter")
    KVK = "kvk", _("Extract of the KvK (trade register)")
    MANDATE = "mandate", _("A representative's mandate")


# Documents that establish who asks: each kept only until staff have checked it.
IDENTITY_DOCUMENTS = (FileKind.ID_COPY, FileKind.KVK, FileKind.MANDATE)
DOCUMENT_PURPOSES = {
    FileKind.ID_COPY: _("to establish the person's identity (Art. 12(6)); deleted after the check"),
    FileKind.KVK: _(
        "to establish that the company exists and who may represent it; deleted after the check"
    ),
    FileKind.MANDATE: _(
        "to establish that the representative may act for the person; deleted after the check"
    ),
}


class RequestFile(models.Model):
    """A file of a request, encrypted at rest (Fernet, key derived for this purpose)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="files")
    task = models.ForeignKey(
        RequestTask, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_by = models.CharField(max_length=254, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def content(self):
        from waarborg.core.crypto import decrypt_bytes

        return decrypt_bytes(self.data, FILE_PURPOSE)

    def is_expired(self, now=None):
        return self.expires_at is not None and (now or timezone.now()) >= self.expires_at


class LetterTemplate(models.Model):
    """An organisation's own wording of a letter or e-mail; the shipped one applies otherwise."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("letter"), max_length=40)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key", "language"], name="one_letter_per_key_language"
            )
        ]

    def __str__(self):
        return f"{self.key} ({self.language})"


class LetterChannel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    POST = "post", _("post")


class RequestLetter(models.Model):
    """A letter as it was written, to the person or (with its task) to a party told of the
    request (Art. 19): sent by e-mail at once, or waiting to be printed and posted until staff
    confirm the day it went (nothing is called sent before)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="letters")
    task = models.ForeignKey(
        "RequestTask", on_delete=models.CASCADE, null=True, blank=True, related_name="letters"
    )
    key = models.CharField(_("letter"), max_length=40)
    channel = models.CharField(_("by"), max_length=5, choices=LetterChannel.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_by = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.request.reference} {self.key}"

    @property
    def waits_for_post(self):
        return self.channel == LetterChannel.POST and self.sent_on is None


class RequestLink(OpaqueToken):
    """The opaque id in a link e-mailed about a request: the verification of the address, the
    upload of an ID copy, the download of a package (see core/links.py). A verification link
    is spent once it verified; the others work until they expire."""

    class Kind(models.TextChoices):
        VERIFY = "verify", _("verification")
        ID_UPLOAD = "id_upload", _("ID upload")
        DOWNLOAD = "download", _("download")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(SubjectRequest, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    package = models.ForeignKey(
        "RequestFile", on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )
    # a keyed tag of the address the link was sent to: changing the address voids the link
    address_tag = models.CharField(max_length=12, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.kind} {self.token_hash[:12]}…"


class CalendarFeed(OpaqueToken):
    """A member's secret address of their deadline calendar (an ICS feed) in one organisation.

    The calendar provider (Outlook, Google) fetches it without signing in, so the address is
    the only key: random, stored as its SHA-256, one per member and organisation. Renewing
    replaces the row, which voids the old address; revoking deletes it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The language of the events, the one the member worked in when making the address.
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_calendar_feed_per_member"
            )
        ]

    def __str__(self):
        return f"calendar {self.token_hash[:12]}…"


HIT_PURPOSE = "request-document-hit"


class HitDecision(models.TextChoices):
    PENDING = "pending", _("To review")
    INCLUDED = "included", _("Included")
    EXCLUDED = "excluded", _("Excluded")


class HitHold(models.TextChoices):
    """Why an item of an erasure request stays (Art. 17(3)(b) GDPR), or that it goes anyway."""

    NONE = "", _("No hold")
    RECOGNISED = "recognised", _("Kept under a statutory minimum")
    HANDLER = "handler", _("Kept by the handler")
    RELEASED = "released", _("To delete: the handler lifted the hold")


class HitErasure(models.TextChoices):
    NONE = "", _("Not deleted")
    DELETED = "deleted", _("Deleted from the mailbox")
    BY_HAND = "by_hand", _("Deleted by hand")


class DocumentHit(models.Model):
    """A message or file of a system's mail or document source in which the person's verified
    identifiers were found, for a handler to review: nothing of it leaves before a handler
    included it, and then as its original only when nothing was redacted in it and it is still
    the one reviewed (its hash), else as its text with the redactions burnt in. What was found
    (title, where, snippets, the original's hash) and the strings to redact are stored
    encrypted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(RequestTask, on_delete=models.CASCADE, related_name="document_hits")
    source = models.ForeignKey(
        "documents.DocumentSource", on_delete=models.CASCADE, related_name="+"
    )
    ref = models.CharField(max_length=1000)
    found_encrypted = models.TextField()
    confidence = models.FloatField()
    decision = models.CharField(
        _("decision"), max_length=10, choices=HitDecision.choices, default=HitDecision.PENDING
    )
    redactions_encrypted = models.TextField(blank=True)
    decided_by = models.CharField(max_length=254, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # an erasure request: a legal hold that keeps the item, and what was done to it
    hold = models.CharField(max_length=12, choices=HitHold.choices, blank=True, default="")
    hold_rule = models.ForeignKey(
        "register.RetentionRule", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hold_until = models.DateField(null=True, blank=True)
    hold_note = models.CharField(max_length=500, blank=True)
    hold_by = models.CharField(max_length=254, blank=True)
    erasure = models.CharField(max_length=10, choices=HitErasure.choices, blank=True, default="")
    erased_by = models.CharField(max_length=254, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-confidence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "source", "ref"], name="hit_once_per_task")
        ]

    def __str__(self):
        return self.found.get("title") or self.ref

    @property
    def found(self):
        """{"title", "where", "kind", "matched", "snippets": [[before, match, after]]}."""
        import json

        from waarborg.core.crypto import decrypt_text

        return json.loads(decrypt_text(self.found_encrypted, HIT_PURPOSE))

    @property
    def found_date(self):
        """The item's date as found (a message's date, a file's last change), or None."""
        from datetime import date

        try:
            return date.fromisoformat(self.found.get("date") or "")
        except ValueError:
            return None

    @property
    def redactions(self):
        import json

        from waarborg.core.crypto import decrypt_text

        if not self.redactions_encrypted:
            return []
        return json.loads(decrypt_text(self.redactions_encrypted, HIT_PURPOSE))

    @property
    def is_reviewed(self):
        return self.decision != HitDecision.PENDING

    @property
    def is_held(self):
        return self.hold in (HitHold.RECOGNISED, HitHold.HANDLER)

    @property
    def is_mail(self):
        return self.source.kind == "imap"

    @property
    def mbox_message(self):
        """The number of the message in its MBOX file, for an item that is one; else None."""
        return self.found.get("message") if self.source.kind == "folder" else None
