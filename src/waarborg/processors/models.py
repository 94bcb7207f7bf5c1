"""Services, clients, agreements (Art. 28(3)), instructions, sub-processor changes (Art. 28(2))
and Data Pro Statements."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedTextField, translated
from waarborg.core.models import OpaqueToken, Organisation
from waarborg.register.models import Party, ProcessingActivity, key_validator

# Art. 28(3)(a)-(h) and the duty to warn (last subparagraph), in the order of the article.
CHECKLIST = [
    ("a", _("(a) processes only on documented instructions, including on transfers")),
    ("b", _("(b) the people authorised to process are bound to confidentiality")),
    ("c", _("(c) takes the security measures of Art. 32")),
    ("d", _("(d) the conditions for engaging sub-processors (Art. 28(2) and (4))")),
    ("e", _("(e) helps the controller answer requests of data subjects")),
    ("f", _("(f) helps with Art. 32 to 36 (security, breaches, DPIA)")),
    ("g", _("(g) deletes or returns the data at the end of the service")),
    ("h", _("(h) makes available the information to show compliance; allows audits")),
    ("warn", _("informs the controller if an instruction infringes the law")),
]
CHECKLIST_KEYS = [key for key, _label in CHECKLIST]


class ProcessorSettings(models.Model):
    """What a firm states about itself as a processor: its Data Pro Statements' common part."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="processor_settings"
    )
    data_pro_joined_on = models.DateField(
        _("joined the NLdigital Data Pro Code on"),
        null=True,
        blank=True,
        help_text=_("Leave empty unless the organisation has joined the Code."),
    )
    drawn_up_by = models.CharField(_("drawn up by"), max_length=200, blank=True)
    contact = models.CharField(_("contact for questions"), max_length=300, blank=True)
    updates_announced = TranslatedTextField(_("how updates are announced"), multiline=True)
    certifications = TranslatedTextField(_("certifications"), multiline=True)
    breach_protocol = TranslatedTextField(_("breach protocol"), multiline=True)
    rights_help = TranslatedTextField(_("help with requests of data subjects"), multiline=True)
    end_of_service = TranslatedTextField(_("deletion or return at the end"), multiline=True)

    def __str__(self):
        return str(self.organisation)


class Service(models.Model):
    """A service the organisation provides to clients as a processor ("managed hosting")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = TranslatedTextField(_("name"), blank=False)
    description = TranslatedTextField(_("the service and its intended use"), multiline=True)
    activities = models.ManyToManyField(
        ProcessingActivity, blank=True, related_name="services", verbose_name=_("processing")
    )
    sub_processors = models.ManyToManyField(
        Party, blank=True, related_name="services_using", verbose_name=_("sub-processors")
    )
    clients = models.ManyToManyField(
        Party, blank=True, related_name="services", verbose_name=_("clients")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="service_key_unique")
        ]

    def __str__(self):
        return translated(self.name) or self.key

    def sub_processors_for(self, client):
        """The sub-processors in use for `client`: the service's, without the new one of an
        announced change not (yet) in effect for that client (an open objection, no consent
        yet, excluded) but with the one it replaces, which that client keeps; and without the
        replaced one where the change is in effect for it."""
        in_use = {party.pk: party for party in self.sub_processors.all()}
        rows = (
            ChangeClient.objects.filter(
                client=client,
                change__organisation_id=self.organisation_id,
                change__services=self,
            )
            .exclude(change__status=SubProcessorChange.Status.DRAFT)
            .select_related("change__party", "change__replaces")
            .order_by("change__effective_on", "change_id")
        )
        for row in rows:
            new, old = row.change.party, row.change.replaces
            if row.applied_at is not None:
                in_use[new.pk] = new
                if old is not None:
                    in_use.pop(old.pk, None)
            else:
                in_use.pop(new.pk, None)
                if old is not None:
                    in_use[old.pk] = old
        return sorted(in_use.values(), key=lambda party: party.key)


class Agreement(models.Model):
    """A processing agreement (Art. 28(3)): with a client for a service (we are processor), or
    with one of our processors (we are controller)."""

    class Side(models.TextChoices):
        PROCESSOR = "processor", _("We process for the client")
        CONTROLLER = "controller", _("Our processor processes for us")

    class SubProcessing(models.TextChoices):
        GENERAL = "general", _("General written authorisation (announce, objection period)")
        SPECIFIC = "specific", _("Specific prior consent (ask, wait for a yes)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("with")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("service"),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    term = models.CharField(_("term"), max_length=200, blank=True)
    document = models.FileField(_("document"), upload_to="processors/agreements/", blank=True)
    sub_processing = models.CharField(
        _("sub-processors"),
        max_length=10,
        choices=SubProcessing.choices,
        default=SubProcessing.GENERAL,
    )
    objection_days = models.PositiveIntegerField(_("objection period in days"), default=14)
    checklist = models.JSONField(_("Art. 28(3) checklist"), default=dict, blank=True)
    subject_matter = models.TextField(_("subject matter"), blank=True)
    duration = models.CharField(_("duration of the processing"), max_length=200, blank=True)
    nature = models.TextField(_("nature of the processing"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    data_types = models.TextField(_("types of personal data"), blank=True)
    data_subjects = models.TextField(_("categories of data subjects"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-signed_on", "pk"]

    def __str__(self):
        return f"{self.party} / {self.service or '-'}"

    def missing(self):
        """The labels of the Art. 28(3) points the agreement does not cover yet."""
        return [label for key, label in CHECKLIST if not self.checklist.get(key)]


class Instruction(models.Model):
    """A documented instruction of a client (Art. 28(3)(a)), and who carried it out when."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        TICKET = "ticket", _("Ticket")
        PHONE = "phone", _("Telephone")
        LETTER = "letter", _("Letter")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="instructions")
    service = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True)
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    reference = models.CharField(_("reference (ticket, message)"), max_length=200, blank=True)
    asked = models.TextField(_("what was asked"))
    carried_out_by = models.CharField(_("carried out by"), max_length=200, blank=True)
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)
    recorded_by = models.CharField(max_length=254)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        from waarborg.core.dates import format_day

        return f"{self.client}: {format_day(self.received_on)}"


class SubProcessorChange(models.Model):
    """A planned addition or replacement of a sub-processor for one or more services
    (Art. 28(2)): announced to each client, and applied per client at its date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not announced yet")
        SENDING = "sending", _("Being announced")
        ANNOUNCED = "announced", _("Announced")
        APPLIED = "applied", _("In effect")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    services = models.ManyToManyField(Service, related_name="changes", verbose_name=_("services"))
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="+", verbose_name=_("new sub-processor")
    )
    replaces = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaces"),
    )
    reason = TranslatedTextField(_("reason"), multiline=True)
    effective_on = models.DateField(_("takes effect on"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    per_minute = models.PositiveIntegerField(_("messages per minute"), default=60)
    created_by = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)
    announced_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        from waarborg.core.dates import format_day

        return f"{self.party} ({format_day(self.effective_on)})"

    def counts(self):
        rows = self.clients.values_list("status").annotate(models.Count("id"))
        return {status: count for status, count in rows}


class ChangeClient(models.Model):
    """One client of a sub-processor change: its message (at most once, `jobs.mailing`), its
    answer and, after an objection, how the privacy officer resolved it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Unknown: sending was interrupted")

    class Answer(models.TextChoices):
        NONE = "", _("No answer")
        OBJECTED = "objected", _("Objected")
        CONSENTED = "consented", _("Consented")

    class Resolution(models.TextChoices):
        NONE = "", _("Open")
        AGREED = "agreed", _("Talked: the client withdraws the objection")
        EXCLUDED = "excluded", _("The client is excluded from the change")
        ENDED = "ended", _("The service ends for the client")

    change = models.ForeignKey(SubProcessorChange, on_delete=models.CASCADE, related_name="clients")
    client = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.SET_NULL, null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Agreement.SubProcessing.choices)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    answer = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=254, blank=True)
    answer_note = models.TextField(blank=True)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.CharField(max_length=254, blank=True)
    # When the daily job put the change into effect for this client (once: `apply_due_changes`).
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["change", "client"], name="one_row_per_change_client")
        ]

    def __str__(self):
        return f"{self.change_id}: {self.client}"

    def objection_ends(self):
        """The last day the client may object: the announcement's day plus the agreement's
        objection period (14 days without an agreement); None before it was announced."""
        announced_at = self.change.announced_at
        if announced_at is None:
            return None
        days = self.agreement.objection_days if self.agreement_id else 14
        return timezone.localdate(announced_at) + datetime.timedelta(days=days)

    def applies(self, today):
        """Whether the change may take effect for this client on `today` (Art. 28(2)): from its
        date; with a general authorisation once the objection period is over and unless the
        client objected and it is not resolved in favour of the change; with specific consent
        only after the client's yes. A client excluded or whose service ended never; a
        client whose message failed not before it answered."""
        if today < self.change.effective_on:
            return False
        if self.resolution in (self.Resolution.EXCLUDED, self.Resolution.ENDED):
            return False
        if self.mode == Agreement.SubProcessing.SPECIFIC:
            return self.answer == self.Answer.CONSENTED or self.resolution == self.Resolution.AGREED
        if self.answer == self.Answer.OBJECTED:
            return self.resolution == self.Resolution.AGREED
        if self.status == self.Status.FAILED and not self.answer:
            # Never told (no address, or the message failed): the period did not start.
            return False
        ends = self.objection_ends()
        return ends is not None and today > ends

    # What `answered_by` holds when the client answered through the link of its message.
    VIA_LINK = "client (link)"

    def answered_by_label(self):
        """Who answered, in the reader's language."""
        if self.answered_by == self.VIA_LINK:
            return _("the client, through the link in the message")
        return self.answered_by

    @property
    def open_objection(self):
        return self.answer == self.Answer.OBJECTED and not self.resolution


class ChangeLink(OpaqueToken):
    """The link in a client's announcement, to object or consent without signing in."""

    row = models.ForeignKey(ChangeClient, on_delete=models.CASCADE, related_name="links")


class DataProStatement(models.Model):
    """A published Data Pro Statement of a service in one language: never changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="statements")
    number = models.PositiveIntegerField(_("version"))
    language = models.CharField(max_length=5, choices=settings.LANGUAGES)
    published_at = models.DateTimeField()
    published_by = models.CharField(max_length=254)
    html = models.TextField()
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "language", "number"], name="one_dps_per_number"
            )
        ]

    def __str__(self):
        return f"{self.service} v{self.number} ({self.language})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("a published statement cannot be changed")
        super().save(*args, **kwargs)
