"""Screenings and assessments (Art. 35 GDPR).

A screening is kept as it was answered (a new row each time); the newest one of an activity
drives the activity's `dpia` field. An assessment is edited as a draft and signed; each
signature freezes a version, and a later change starts the next draft.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedTextField, translated
from waarborg.core.models import Organisation
from waarborg.register.models import ProcessingActivity, SecurityMeasure


class Screening(models.Model):
    class Outcome(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        ADVISABLE = "advisable", _("Advisable")
        NEEDED = "needed", _("Needed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    activity = models.ForeignKey(
        ProcessingActivity, on_delete=models.CASCADE, related_name="screenings"
    )
    activity_version = models.PositiveIntegerField()
    basis = models.CharField(max_length=20)  # criteria.basis() of the activity when screened
    answers = models.JSONField(default=dict)  # {criterion id: bool}
    note = models.TextField(_("note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    reason = TranslatedTextField(_("reason"), multiline=True)
    lists_checked_on = models.DateField()  # the version of the data file it was answered on
    screened_on = models.DateField(_("screened on"))
    screened_by = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.activity.key}: {self.outcome}"

    def is_stale(self):
        """The activity changed since in what the screening rests on."""
        from waarborg.dpia.criteria import basis

        return basis(self.activity) != self.basis


class Assessment(models.Model):
    """A DPIA of one activity or a group of similar activities (Art. 35(1), last sentence)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Accept the residual risk")
        CHANGE = "change", _("Change the processing")
        CONSULT = "consult", _("Consult the AP first (Art. 36)")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    activities = models.ManyToManyField(
        ProcessingActivity, related_name="assessments", verbose_name=_("processing activities")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # Art. 35(7)(a): the description, prefilled from the register and completed by hand.
    description = models.JSONField(default=dict, blank=True)  # {part: text}
    # Art. 35(7)(b): necessity and proportionality, one answer per question.
    necessity = models.JSONField(default=dict, blank=True)  # {question: text}
    advice = models.TextField(_("advice of the DPO or privacy officer"), blank=True)
    advice_by = models.CharField(_("advice given by"), max_length=200, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    consulted_on = models.DateField(_("AP consulted on"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    review_on = models.DateField(_("review date"), null=True, blank=True)
    # {activity key: version} when signed: a later version means the DPIA needs review.
    activity_versions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("DPIA")
        verbose_name_plural = _("DPIAs")

    def __str__(self):
        return self.title

    @property
    def is_signed(self):
        return self.status == self.Status.SIGNED

    def changed_activities(self):
        """The activities changed since the signature (a newer version in the register)."""
        if not self.is_signed:
            return []
        return [
            activity
            for activity in self.activities.all()
            if activity.version > self.activity_versions.get(activity.key, activity.version)
        ]

    def residual_high(self):
        return any(risk.residual_level == HIGH for risk in self.risks.all())


class AssessmentVersion(models.Model):
    """A signed assessment as it was signed: the whole document as data."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    signed_by = models.CharField(max_length=200)
    signed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "version"], name="one_row_per_assessment_version"
            )
        ]

    def __str__(self):
        return f"{self.assessment} v{self.version}"


# Severity and likelihood on the CNIL's four-point scale.
SCALE = [
    (1, _("Negligible")),
    (2, _("Limited")),
    (3, _("Significant")),
    (4, _("Maximum")),
]
LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVEL_LABELS = {LOW: _("low"), MEDIUM: _("medium"), HIGH: _("high")}


def level(severity, likelihood):
    """The risk level of a cell of the map: high when both are significant or maximum, or one
    is maximum and the other at least limited; low when both are at most limited."""
    least, most = sorted((severity, likelihood))
    if least >= 3 or (most == 4 and least >= 2):
        return HIGH
    if severity <= 2 and likelihood <= 2:
        return LOW
    return MEDIUM


class Risk(models.Model):
    """A risk to people (Art. 35(7)(c)), before and after its measures (Art. 35(7)(d))."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Illegitimate access to data")
        CHANGE = "change", _("Unwanted change of data")
        DISAPPEARANCE = "disappearance", _("Disappearance of data")
        OTHER = "other", _("Other risk to people")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="risks")
    kind = models.CharField(_("kind of risk"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    impacts = models.TextField(_("impacts on people"), blank=True)
    threats = models.TextField(_("threats"), blank=True)
    sources = models.TextField(_("risk sources"), blank=True)
    severity = models.PositiveSmallIntegerField(_("severity"), choices=SCALE)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=SCALE)
    residual_severity = models.PositiveSmallIntegerField(
        _("severity after measures"), choices=SCALE
    )
    residual_likelihood = models.PositiveSmallIntegerField(
        _("likelihood after measures"), choices=SCALE
    )
    measures = models.ManyToManyField(
        SecurityMeasure, blank=True, related_name="risks", verbose_name=_("measures")
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title

    @property
    def level(self):
        return level(self.severity, self.likelihood)

    @property
    def residual_level(self):
        return level(self.residual_severity, self.residual_likelihood)

    def measure_names(self):
        return [translated(m.name) for m in self.measures.all()]
