"""A breach (Art. 33(5): every one is recorded, reported or not), its timeline, the versions of
its notification to the supervisory authority, the letters to the people and the notices to
client-controllers when the organisation is their processor."""

from datetime import UTC, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedTextField, normalise
from waarborg.core.models import Organisation, Term
from waarborg.register.models import Party, ProcessingActivity, System

NOTIFY_WITHIN = timedelta(hours=72)  # Art. 33(1): from the moment of awareness
# The texts typed by staff that go into the letters to the people and the notices to clients.
TRANSLATED_FIELDS = (
    "description",
    "consequences",
    "measures_taken",
    "measures_planned",
    "advice_to_people",
    "contact_point",
)


class Cause(models.TextChoices):
    DEVICE = "device", _("Lost or stolen device or papers")
    WRONG_RECIPIENT = "wrong_recipient", _("Sent to the wrong recipient")
    HACKING = "hacking", _("Hacking or phishing")
    MALWARE = "malware", _("Malware (such as ransomware)")
    PUBLISHED = "published", _("Published by mistake")
    OTHER = "other", _("Other")


class Encryption(models.TextChoices):
    UNKNOWN = "", _("Not known yet")
    YES = "yes", _("Yes: encrypted or otherwise unintelligible")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class RiskDecision(models.TextChoices):
    """Art. 33(1): notify the supervisory authority unless the breach is unlikely to result in
    a risk to the rights and freedoms of the people."""

    UNDECIDED = "", _("Not decided yet")
    UNLIKELY = "unlikely", _("Unlikely to result in a risk: not notified")
    RISK = "risk", _("A risk: notify the supervisory authority")


class HighRiskDecision(models.TextChoices):
    """Art. 34(1): inform the people when the breach is likely to result in a high risk."""

    UNDECIDED = "", _("Not decided yet")
    NOT_HIGH = "not_high", _("Not likely a high risk: the people are not informed")
    HIGH = "high", _("Likely a high risk: inform the people")


class Communication(models.TextChoices):
    """How the people are informed (Art. 34), or why they are not (Art. 34(3))."""

    NONE = "", _("Not chosen yet")
    LETTERS = "letters", _("A letter to each person")
    PUBLIC = "public", _("A public notice (letters would take disproportionate effort)")
    EXEMPT = "exempt", _("Not informed: an exemption of Art. 34(3) applies")


class Exemption(models.TextChoices):
    UNINTELLIGIBLE = "a", _("(a) the data were unintelligible to others, e.g. encrypted")
    MEASURES = "b", _("(b) measures taken since make the high risk no longer likely")
    # A public notice is then due instead (Art. 34(3)(c)); recorded as the public notice.
    DISPROPORTIONATE = "c", _("(c) it would take disproportionate effort")


# ENISA, Recommendations for a methodology of the assessment of severity of personal data
# breaches (2013): the values each criterion may take.
DPC_CHOICES = [
    (1, _("1: simple data (name, contact details)")),
    (2, _("2: behavioural data (location, habits, preferences)")),
    (3, _("3: financial data (income, transactions, bank details)")),
    (4, _("4: sensitive data (health, special categories, criminal data)")),
]
EI_CHOICES = [
    (Decimal("0.25"), _("0.25: negligible (identifying the people is hardly possible)")),
    (Decimal("0.50"), _("0.5: limited")),
    (Decimal("0.75"), _("0.75: significant")),
    (Decimal("1.00"), _("1: maximum (the people are identified directly)")),
]
CB_CONFIDENTIALITY = [
    (Decimal("0.00"), _("0: none")),
    (Decimal("0.25"), _("+0.25: exposed to known recipients")),
    (Decimal("0.50"), _("+0.5: exposed to an unknown number of recipients")),
]
CB_INTEGRITY = [
    (Decimal("0.00"), _("0: none")),
    (Decimal("0.25"), _("+0.25: altered, can be recovered")),
    (Decimal("0.50"), _("+0.5: altered, cannot be recovered")),
]
CB_AVAILABILITY = [
    (Decimal("0.00"), _("0: none")),
    (Decimal("0.25"), _("+0.25: temporarily unavailable")),
    (Decimal("0.50"), _("+0.5: permanently unavailable")),
]
CB_MALICIOUS = [
    (Decimal("0.00"), _("0: no sign of malicious intent")),
    (Decimal("0.50"), _("+0.5: malicious intent")),
]


def decimal_field(label, choices, default=None):
    return models.DecimalField(
        label,
        max_digits=3,
        decimal_places=2,
        choices=choices,
        null=default is None,
        blank=default is None,
        default=default,
    )


class Breach(models.Model):
    """A personal data breach and what is known and decided about it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("short description"), max_length=200)
    # Facts (Art. 33(3)(a), 33(5))
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ongoing = models.BooleanField(_("still going on"), default=False)
    aware_at = models.DateTimeField(
        _("we became aware"),
        help_text=_("The 72 hours to notify the supervisory authority count from this moment."),
    )
    discovered_how = models.TextField(_("how it was found"), blank=True)
    # What the people and client-controllers are told is kept in Dutch and English: a letter
    # carries the text of its own language only (see actions.letter_missing).
    description = TranslatedTextField(_("what happened"), multiline=True, blank=False)
    confidentiality = models.BooleanField(_("loss of confidentiality (seen by others)"))
    integrity = models.BooleanField(_("loss of integrity (changed)"))
    availability = models.BooleanField(_("loss of availability (lost or unreachable)"))
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    activities = models.ManyToManyField(
        ProcessingActivity, blank=True, related_name="+", verbose_name=_("processing activities")
    )
    systems = models.ManyToManyField(
        System, blank=True, related_name="+", verbose_name=_("systems")
    )
    data_categories = models.ManyToManyField(
        Term, blank=True, related_name="+", verbose_name=_("data categories")
    )
    data_subjects = models.ManyToManyField(
        Term, blank=True, related_name="+", verbose_name=_("groups of people")
    )
    records_count = models.PositiveIntegerField(_("records, about"), null=True, blank=True)
    people_count = models.PositiveIntegerField(_("people, about"), null=True, blank=True)
    vulnerable_people = models.BooleanField(
        _("vulnerable people among them (children, patients, clients of social services)"),
        default=False,
    )
    encrypted = models.CharField(
        _("encrypted or otherwise unintelligible"),
        max_length=10,
        choices=Encryption.choices,
        blank=True,
    )
    processor = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("processor involved"),
    )
    # Effects and measures (Art. 33(3)(c)-(d))
    cross_border = models.TextField(
        _("people or establishments in other EU countries"),
        blank=True,
        help_text=_("Needed for the cross-border questions of the notification (Art. 56)."),
    )
    consequences = TranslatedTextField(_("likely consequences for the people"), multiline=True)
    measures_before = models.TextField(_("measures in place before the breach"), blank=True)
    measures_taken = TranslatedTextField(_("measures taken"), multiline=True)
    measures_planned = TranslatedTextField(_("measures planned"), multiline=True)
    # Risk: the ENISA score is advice; the decisions below are the privacy officer's.
    dpc = models.PositiveSmallIntegerField(
        _("data processing context (DPC)"), choices=DPC_CHOICES, null=True, blank=True
    )
    ei = decimal_field(_("ease of identification (EI)"), EI_CHOICES)
    cb_confidentiality = decimal_field(
        _("circumstances: confidentiality"), CB_CONFIDENTIALITY, Decimal("0")
    )
    cb_integrity = decimal_field(_("circumstances: integrity"), CB_INTEGRITY, Decimal("0"))
    cb_availability = decimal_field(_("circumstances: availability"), CB_AVAILABILITY, Decimal("0"))
    cb_malicious = decimal_field(_("circumstances: malicious intent"), CB_MALICIOUS, Decimal("0"))
    risk_decision = models.CharField(
        _("notify the supervisory authority?"),
        max_length=10,
        choices=RiskDecision.choices,
        blank=True,
    )
    risk_reason = models.TextField(_("reason for this decision"), blank=True)
    high_risk_decision = models.CharField(
        _("inform the people?"), max_length=10, choices=HighRiskDecision.choices, blank=True
    )
    high_risk_reason = models.TextField(_("reason for this decision"), blank=True)
    decided_by = models.CharField(max_length=254, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    delay_reason = models.TextField(
        _("reason for notifying after 72 hours"),
        blank=True,
        help_text=_("Required when the notification is late (Art. 33(1))."),
    )
    # Informing the people (Art. 34)
    communication = models.CharField(
        _("informing the people"), max_length=10, choices=Communication.choices, blank=True
    )
    exemption = models.CharField(
        _("ground of the exemption"), max_length=1, choices=Exemption.choices, blank=True
    )
    communication_note = models.TextField(
        _("explanation (where and when the notice was published, or why the exemption applies)"),
        blank=True,
    )
    communicated_at = models.DateTimeField(_("people informed on"), null=True, blank=True)
    contact_point = TranslatedTextField(
        _("contact point for the people"),
        help_text=_("Who people can turn to; the privacy contact of the organisation if empty."),
    )
    advice_to_people = TranslatedTextField(_("what people can do themselves"), multiline=True)
    # The reminders of the clock (at 24 and 48 hours), each sent once.
    reminded_24_at = models.DateTimeField(null=True, blank=True)
    reminded_48_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-aware_at", "-pk"]
        verbose_name = _("data breach")
        verbose_name_plural = _("data breaches")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="breach_number")
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def reference(self):
        return f"DL-{self.aware_at.year}-{self.number:03d}"

    @property
    def deadline(self):
        """72 hours from awareness, counted through nights, weekends and holidays (Art. 33(1)):
        elapsed time, so a change of daylight-saving time shifts the clock on the wall."""
        # In UTC: adding to a datetime in Europe/Amsterdam would add wall-clock hours.
        return self.aware_at.astimezone(UTC) + NOTIFY_WITHIN

    def notification(self):
        """The first notification sent to the supervisory authority, or None."""
        return (
            self.notifications.filter(submitted_at__isnull=False)
            .order_by("submitted_at", "pk")
            .first()
        )

    def text(self, name, language):
        """The text of translated field `name` in `language` only: empty when that language
        has none (never the other language's text)."""
        return normalise(getattr(self, name)).get(language[:2], "")

    def natures(self):
        labels = []
        if self.confidentiality:
            labels.append(_("confidentiality"))
        if self.integrity:
            labels.append(_("integrity"))
        if self.availability:
            labels.append(_("availability"))
        return labels


ATTACHMENT_PURPOSE = "breaches.attachment"
MAX_ATTACHMENT = 20 * 1024 * 1024


class Note(models.Model):
    """One entry of a breach's timeline: a note and, optionally, a file, kept encrypted (it
    may well hold the leaked data itself)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField(_("when"))
    text = models.TextField(_("note"))
    attachment_name = models.CharField(_("attachment"), max_length=255, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_data = models.BinaryField(null=True, blank=True)
    author = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return self.text[:80]

    def attachment_bytes(self):
        from waarborg.core.crypto import decrypt_bytes

        return decrypt_bytes(bytes(self.attachment_data), ATTACHMENT_PURPOSE)


class Notification(models.Model):
    """One version of the notification to the supervisory authority: the first, a follow-up
    (Art. 33(4): in phases) or a withdrawal. Its answers are kept as they were sent."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Notification")
        FOLLOW_UP = "follow_up", _("Follow-up notification")
        WITHDRAWAL = "withdrawal", _("Withdrawal")

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="notifications")
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    form = models.CharField(_("form of the authority"), max_length=40)
    answers = models.JSONField(default=list)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    authority_reference = models.CharField(
        _("reference number of the authority"), max_length=60, blank=True
    )
    created_by = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "version"], name="notification_version")
        ]

    def __str__(self):
        return f"{self.breach.reference} v{self.version}"

    @property
    def form_label(self):
        """The form it was made with, as a person reads it: "the AP's form of 1 January 2026"."""
        from datetime import date

        from django.utils.translation import gettext

        from waarborg.core.dates import format_day

        try:
            day = date.fromisoformat(self.form.removeprefix("ap_form_"))
        except ValueError:
            return self.form
        return gettext("the AP's form of %(day)s") % {"day": format_day(day)}


class Letter(models.Model):
    """A mailing of the Art. 34 letter to a list of people, sent by the worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Sent")

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="letters")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    per_minute = models.PositiveIntegerField(_("messages per minute"), default=60)
    created_by = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.breach.reference}: {self.created_at:%Y-%m-%d}"

    def counts(self):
        rows = self.recipients.values_list("status").annotate(models.Count("id"))
        return {status: count for status, count in rows}

    def progress(self):
        """[(label, count)] of its recipients per status, for the breach page."""
        counts = self.counts()
        return [
            (label, counts[value])
            for value, label in LetterRecipient.Status.choices
            if counts.get(value)
        ]


class LetterRecipient(models.Model):
    """One person's letter. An address gets one letter per breach, whichever mailing."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Unknown: sending was interrupted")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="recipients")
    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)
    name = models.CharField(max_length=200, blank=True)  # for the greeting, where known
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "email"], name="one_breach_letter_each")
        ]

    def __str__(self):
        return self.email


class ControllerNotice(models.Model):
    """Art. 33(2): the notice to a client-controller whose data the breach affects, when the
    organisation processes on its behalf; the time it was sent is its proof."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="controller_notices")
    controller = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default="nl")
    sent_at = models.DateTimeField(_("notified on"))
    sent_by = models.CharField(max_length=254)

    class Meta:
        ordering = ["sent_at"]

    def __str__(self):
        return f"{self.breach.reference} -> {self.controller}"
