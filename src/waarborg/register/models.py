"""The register of processing activities (Art. 30 GDPR) and what it refers to.

Every item has a `key`: a short, stable name unique within its organisation and kind, used in
the YAML file (register as code) and in links between items.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedTextField, translated
from waarborg.core.models import Organisation, Term

key_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]*$",
    _("Lower-case letters, digits, dots, hyphens and underscores; begin with a letter or digit."),
)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")


class RegisterItem(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["key"]

    def __str__(self):
        return translated(getattr(self, "name", None)) or self.key

    @property
    def is_retired(self):
        return self.status == Status.RETIRED


def unique_key(model):
    return models.UniqueConstraint(
        fields=["organisation", "key"], name=f"{model}_key_unique_per_org"
    )


class SecurityMeasure(RegisterItem):
    """A technical or organisational measure (Art. 32 GDPR), reviewed at an interval."""

    class Kind(models.TextChoices):
        TECHNICAL = "technical", _("Technical")
        ORGANISATIONAL = "organisational", _("Organisational")

    name = TranslatedTextField(_("name"), blank=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = TranslatedTextField(_("description"), multiline=True)
    review_interval = models.CharField(
        _("review interval"), max_length=40, blank=True, help_text=_("ISO 8601, e.g. P1Y")
    )
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)

    class Meta(RegisterItem.Meta):
        verbose_name = _("security measure")
        verbose_name_plural = _("security measures")
        constraints = [unique_key("securitymeasure")]


class RetentionRule(RegisterItem):
    """How long data is kept, from which moment, and what happens at the end."""

    class Trigger(models.TextChoices):
        COLLECTED = "collected", _("from collection")
        LAST_CONTACT = "last_contact", _("from the last contact")
        END_OF_RELATIONSHIP = "end_of_relationship", _("from the end of the relationship")
        END_OF_FISCAL_YEAR = "end_of_fiscal_year", _("from the end of the fiscal year")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("from the withdrawal of consent")
        UNSUBSCRIBED = "unsubscribed", _("from unsubscribing")

    class Bound(models.TextChoices):
        MAXIMUM = "maximum", _("at most (then it goes)")
        MINIMUM = "minimum", _("at least (required by law)")
        # A scheme or contract the organisation takes part in sets the period (the eHerkenning
        # Afsprakenstelsel, a franchise agreement): not law, and its period may be unknown here.
        SCHEME = "scheme", _("set by a scheme or contract we take part in")

    class EndAction(models.TextChoices):
        DELETE = "delete", _("delete")
        ANONYMISE = "anonymise", _("anonymise")
        RESTRICT = "restrict", _("restrict (keep, no longer used)")

    name = TranslatedTextField(_("name"), blank=False)
    duration = models.CharField(
        _("period"),
        max_length=40,
        blank=True,
        help_text=_(
            "ISO 8601: P7Y is 7 years, P5M 5 months, P4W 4 weeks. Empty only when a scheme or "
            "contract sets the period and you do not know it."
        ),
    )
    trigger = models.CharField(_("counted"), max_length=30, choices=Trigger.choices)
    bound = models.CharField(_("kind of period"), max_length=10, choices=Bound.choices)
    legal_source = models.CharField(
        _("legal source"),
        max_length=300,
        blank=True,
        help_text=_("The law, or the scheme or contract that sets the period, and its article."),
    )
    end_action = models.CharField(
        _("at the end"), max_length=10, choices=EndAction.choices, default=EndAction.DELETE
    )
    description = TranslatedTextField(_("explanation"), multiline=True)
    # Earlier steps before the period above ends, e.g. restrict at the end of the relationship
    # and delete 7 years after the end of the financial year: [{duration, trigger, action}].
    stages = models.JSONField(
        _("earlier stages"),
        default=list,
        blank=True,
        help_text=_(
            "One line per stage before the period above: period, counted from, action; "
            "e.g. P0D end_of_relationship restrict."
        ),
    )

    class Meta(RegisterItem.Meta):
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [unique_key("retentionrule")]


class Party(RegisterItem):
    """A legal entity the organisation deals with about personal data."""

    class Kind(models.TextChoices):
        PROCESSOR = "processor", _("Processor")
        SUB_PROCESSOR = "sub_processor", _("Sub-processor")
        RECIPIENT = "recipient", _("Recipient (own controller)")
        JOINT_CONTROLLER = "joint_controller", _("Joint controller")
        CLIENT_CONTROLLER = "client_controller", _("Client (we process on its behalf)")
        AUTHORITY = "authority", _("Public authority")

    class SccModule(models.TextChoices):
        C2C = "1", _("Module 1: controller to controller")
        C2P = "2", _("Module 2: controller to processor")
        P2P = "3", _("Module 3: processor to processor")
        P2C = "4", _("Module 4: processor to controller")

    name = TranslatedTextField(_("name"), blank=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = TranslatedTextField(_("what they do"), multiline=True)
    country = models.CharField(_("country of establishment"), max_length=2)
    locations = models.JSONField(_("processing locations"), default=list, blank=True)
    contact = models.CharField(_("contact details"), max_length=300, blank=True)
    language = models.CharField(
        _("language for notices"), max_length=5, choices=settings.LANGUAGES, blank=True
    )
    transfer_mechanism = models.CharField(_("transfer mechanism"), max_length=20, blank=True)
    scc_module = models.CharField(
        _("SCC module"), max_length=1, choices=SccModule.choices, blank=True
    )
    transfer_assessment_on = models.DateField(
        _("transfer impact assessment on"), null=True, blank=True
    )
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    agreement_document = models.CharField(
        _("agreement document or link"), max_length=500, blank=True
    )
    agreement_review_on = models.DateField(_("agreement review date"), null=True, blank=True)
    web_domains = models.JSONField(
        _("web domains"),
        default=list,
        blank=True,
        help_text=_(
            "The domains its servers use (google-analytics.com, youtube.com): the cookie scan "
            "matches the hosts a website contacts to the parties that receive data."
        ),
    )
    dpf_checked_on = models.DateField(
        _("certified under the EU-US Data Privacy Framework, checked on"),
        null=True,
        blank=True,
        help_text=_("The date the party was found on the DPF list (dataprivacyframework.gov)."),
    )
    sub_processors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="processors",
        verbose_name=_("sub-processors"),
    )

    class Meta(RegisterItem.Meta):
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [unique_key("party")]

    # Dutch in the Netherlands and Flanders; a party that reads English instead records it.
    DUTCH_COUNTRIES = ("NL", "BE")

    def notice_language(self):
        """The language of notices to this party: its own, else guessed from its country."""
        if self.language:
            return self.language
        return "nl" if self.country in self.DUTCH_COUNTRIES else "en"


class System(RegisterItem):
    """Where personal data lives: an application, a database, a folder, a mailbox."""

    name = TranslatedTextField(_("name"), blank=False)
    description = TranslatedTextField(_("description"), multiline=True)
    operator = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="systems",
        verbose_name=_("run by"),
    )
    data_categories = models.ManyToManyField(
        Term, blank=True, related_name="+", verbose_name=_("data categories")
    )
    data_subjects = models.ManyToManyField(
        Term, blank=True, related_name="+", verbose_name=_("groups of people")
    )
    retention_rules = models.ManyToManyField(
        RetentionRule, blank=True, related_name="systems", verbose_name=_("retention rules")
    )
    manual_instructions = TranslatedTextField(
        _("instructions for finding a person's data"), multiline=True
    )

    class Meta(RegisterItem.Meta):
        verbose_name = _("system")
        verbose_name_plural = _("systems")
        constraints = [unique_key("system")]


class ProcessingActivity(RegisterItem):
    """One processing activity of the register (Art. 30(1) as controller, 30(2) as processor)."""

    class Role(models.TextChoices):
        CONTROLLER = "controller", _("Controller")
        JOINT_CONTROLLER = "joint_controller", _("Joint controller")
        PROCESSOR = "processor", _("Processor")

    class Source(models.TextChoices):
        DIRECT = "direct", _("From the person")
        INDIRECT = "indirect", _("From others")

    class Requirement(models.TextChoices):
        NONE = "none", _("Not required")
        STATUTORY = "statutory", _("Required by law")
        CONTRACTUAL = "contractual", _("Required by a contract")
        PRECONDITION = "precondition", _("Needed to enter into a contract")

    class SubjectType(models.TextChoices):
        NATURAL_PERSONS = "natural_persons", _("Natural persons (consumers, eenmanszaak, vof)")
        BUSINESSES = "businesses", _("Businesses (legal persons)")
        BOTH = "both", _("Both")

    class Dpia(models.TextChoices):
        # Driven by the DPIA app's screening and sign-off (waarborg.dpia).
        NOT_SCREENED = "not_screened", _("Not screened")
        NOT_NEEDED = "not_needed", _("Not needed")
        ADVISABLE = "advisable", _("Advisable")
        NEEDED = "needed", _("Needed, not done yet")
        DONE = "done", _("Done")

    role = models.CharField(_("our role"), max_length=20, choices=Role.choices)
    name = TranslatedTextField(_("name"), blank=False)
    purpose = TranslatedTextField(_("purposes"), multiline=True, blank=False)
    purpose_terms = models.ManyToManyField(
        Term, blank=True, related_name="+", verbose_name=_("kinds of purpose")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=30, blank=True)
    legal_basis_detail = TranslatedTextField(_("justification of the legal basis"), multiline=True)
    # Art. 21(2)-(3): an objection to processing for direct marketing is absolute and immediate.
    direct_marketing = models.BooleanField(_("for direct marketing"), default=False)
    art9_ground = models.CharField(_("exception for special categories"), max_length=30, blank=True)
    data_subjects = models.ManyToManyField(
        Term, blank=True, related_name="+", verbose_name=_("groups of people")
    )
    data_categories = models.ManyToManyField(
        Term, blank=True, related_name="+", verbose_name=_("data categories")
    )
    # Telemarketing and e-mail to natural persons need opt-in (Telecommunicatiewet 11.7).
    subject_type = models.CharField(
        _("the people are"), max_length=20, choices=SubjectType.choices, blank=True
    )
    source = models.CharField(
        _("where the data comes from"),
        max_length=10,
        choices=Source.choices,
        default=Source.DIRECT,
    )
    source_detail = TranslatedTextField(_("source of the data"), multiline=True)
    recipients = models.ManyToManyField(
        Party, blank=True, related_name="activities", verbose_name=_("recipients and processors")
    )
    controller = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities_for",
        verbose_name=_("on behalf of (controller)"),
    )
    systems = models.ManyToManyField(
        System, blank=True, related_name="activities", verbose_name=_("systems")
    )
    retention_rules = models.ManyToManyField(
        RetentionRule, blank=True, related_name="activities", verbose_name=_("retention rules")
    )
    retention_note = TranslatedTextField(_("retention explained"), multiline=True)
    security_measures = models.ManyToManyField(
        SecurityMeasure, blank=True, related_name="activities", verbose_name=_("security measures")
    )
    automated_decisions = models.BooleanField(_("automated decision-making"), default=False)
    automated_decisions_detail = TranslatedTextField(
        _("automated decisions explained"), multiline=True
    )
    dpia = models.CharField(
        _("DPIA"), max_length=12, choices=Dpia.choices, default=Dpia.NOT_SCREENED
    )
    dpia_screened_on = models.DateField(_("DPIA screening on"), null=True, blank=True)
    dpia_reason = TranslatedTextField(_("DPIA screening outcome explained"), multiline=True)
    dpia_done_on = models.DateField(_("DPIA done on"), null=True, blank=True)
    requirement = models.CharField(
        _("providing the data is"),
        max_length=15,
        choices=Requirement.choices,
        default=Requirement.NONE,
    )
    requirement_consequence = TranslatedTextField(
        _("consequence of not providing the data"), multiline=True
    )
    reviewed_at = models.DateField(_("last reviewed"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta(RegisterItem.Meta):
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")
        constraints = [unique_key("processingactivity")]


class ActivityVersion(models.Model):
    """A processing activity as it was before a change (its register entry, as in the YAML)."""

    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.CharField(max_length=254)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "version"], name="one_row_per_version")
        ]

    def __str__(self):
        return f"{self.activity.key} v{self.version}"
