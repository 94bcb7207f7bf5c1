from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.breaches.models import (
    Breach,
    Communication,
    Exemption,
    HighRiskDecision,
    Notification,
    RiskDecision,
)
from waarborg.core.forms import MomentInput
from waarborg.core.inputs import InputError, check_moment
from waarborg.core.models import TermKind
from waarborg.core.taxonomy import terms_for
from waarborg.register.models import Party, ProcessingActivity, System


def _check_moments(form, names):
    for name in names:
        value = form.cleaned_data.get(name)
        if value is not None:
            try:
                check_moment(value)
            except InputError as error:
                form.add_error(name, str(error))


class BreachForm(forms.ModelForm):
    """The facts, effects and measures of a breach (Art. 33(3), 33(5))."""

    class Meta:
        model = Breach
        fields = [
            "title",
            "aware_at",
            "started_at",
            "ended_at",
            "ongoing",
            "discovered_how",
            "description",
            "confidentiality",
            "integrity",
            "availability",
            "cause",
            "activities",
            "systems",
            "data_categories",
            "data_subjects",
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
        ]
        widgets = {
            "aware_at": MomentInput(),
            "started_at": MomentInput(),
            "ended_at": MomentInput(),
            "activities": forms.CheckboxSelectMultiple,
            "systems": forms.CheckboxSelectMultiple,
            "data_categories": forms.CheckboxSelectMultiple,
            "data_subjects": forms.CheckboxSelectMultiple,
            **{
                name: forms.Textarea(attrs={"rows": 3})
                # The texts for the people are in Dutch and English (TranslatedTextField).
                for name in ("discovered_how", "cross_border", "measures_before")
            },
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["activities"].queryset = ProcessingActivity.objects.filter(organisation=organisation)
        fields["systems"].queryset = System.objects.filter(organisation=organisation)
        fields["data_categories"].queryset = terms_for(organisation, TermKind.DATA_CATEGORY)
        fields["data_subjects"].queryset = terms_for(organisation, TermKind.DATA_SUBJECT)
        fields["processor"].queryset = Party.objects.filter(
            organisation=organisation,
            kind__in=[Party.Kind.PROCESSOR, Party.Kind.SUB_PROCESSOR],
        )
        fields["data_categories"].label_from_instance = _category_label
        for name in ("records_count", "people_count"):
            fields[name].validators.append(_at_most(MAX_COUNT))

    def clean(self):
        cleaned = super().clean()
        _check_moments(self, ("aware_at", "started_at", "ended_at"))
        if not any(cleaned.get(n) for n in ("confidentiality", "integrity", "availability")):
            self.add_error(
                "confidentiality",
                _("Tick at least one: confidentiality, integrity or availability."),
            )
        return cleaned

    def split(self):
        """(facts, links) for the actions."""
        links = {n: list(self.cleaned_data[n]) for n in ("activities", "systems")}
        links["data_categories"] = list(self.cleaned_data["data_categories"])
        links["data_subjects"] = list(self.cleaned_data["data_subjects"])
        facts = {n: v for n, v in self.cleaned_data.items() if n not in links}
        return facts, links


# What the database column holds, and the API's limit too.
MAX_COUNT = 2_000_000_000


def _at_most(limit):
    def check(value):
        from django.core.exceptions import ValidationError
        from django.utils.formats import number_format

        if value is not None and value > limit:
            raise ValidationError(
                _("Give a number of at most %(limit)s; an estimate will do.")
                % {"limit": number_format(limit, force_grouping=True)},
                code="max_value",
            )

    return check


def _category_label(term):
    marks = []
    if term.special or term.criminal:
        marks.append(str(_("special category")))
    if term.national_id:
        marks.append(str(_("national number")))
    return f"{term.label()} ({', '.join(marks)})" if marks else term.label()


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Breach
        fields = [
            "dpc",
            "ei",
            "cb_confidentiality",
            "cb_integrity",
            "cb_availability",
            "cb_malicious",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dpc"].required = True
        self.fields["ei"].required = True


class DecisionForm(forms.Form):
    risk_decision = forms.ChoiceField(
        label=_("Notify the supervisory authority? (Art. 33(1))"), choices=RiskDecision.choices
    )
    risk_reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    high_risk_decision = forms.ChoiceField(
        label=_("Inform the people? (Art. 34(1))"),
        choices=HighRiskDecision.choices,
        required=False,
    )
    high_risk_reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    at = forms.DateTimeField(
        label=_("When"), required=False, widget=MomentInput(), help_text=_("Empty: now.")
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def clean(self):
        cleaned = super().clean()
        _check_moments(self, ("at",))
        return cleaned


class PrepareForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Notification.Kind.choices)
    note = forms.CharField(
        label=_("What is new, or why it is withdrawn"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SubmissionForm(forms.Form):
    submitted_at = forms.DateTimeField(
        label=_("Submitted to the authority on"), widget=MomentInput()
    )
    authority_reference = forms.CharField(
        label=_("Reference number of the authority"), max_length=60, required=False
    )
    delay_reason = forms.CharField(
        label=_("Reason for the delay (when after 72 hours)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        _check_moments(self, ("submitted_at",))
        return cleaned


class ReferenceForm(forms.Form):
    authority_reference = forms.CharField(
        label=_("Reference number of the authority"), max_length=60
    )


class CommunicationForm(forms.Form):
    communication = forms.ChoiceField(
        label=_("How are the people informed?"),
        choices=[c for c in Communication.choices if c[0] != Communication.LETTERS],
    )
    exemption = forms.ChoiceField(
        label=_("Ground of the exemption (Art. 34(3))"),
        choices=[("", "—"), *Exemption.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("Where and when the notice was published, or why the exemption applies"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    communicated_at = forms.DateTimeField(
        label=_("Published on"), required=False, widget=MomentInput()
    )

    def clean(self):
        cleaned = super().clean()
        _check_moments(self, ("communicated_at",))
        return cleaned


class LetterForm(forms.Form):
    addresses = forms.CharField(
        label=_("Addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One a line: e-mail address, then optionally nl or en."),
    )
    upload = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_(
            "A column of e-mail addresses and optionally one of languages (nl or en); a header "
            "row (E-mailadres;Taal) and Dutch Excel's semicolons are fine. One wrong address "
            "refuses the whole list, so that nobody is missed unnoticed."
        ),
    )
    per_minute = forms.IntegerField(
        label=_("Messages per minute"), min_value=1, max_value=600, initial=60
    )


class FoundLetterForm(forms.Form):
    per_minute = forms.IntegerField(
        label=_("Messages per minute"), min_value=1, max_value=600, initial=60
    )


class ControllerForm(forms.Form):
    controller = forms.ModelChoiceField(label=_("Client"), queryset=Party.objects.none())
    email = forms.EmailField(label=_("E-mail address"))
    language = forms.ChoiceField(
        label=_("Language"), choices=[("nl", _("Dutch")), ("en", _("English"))]
    )

    def __init__(self, *args, controllers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["controller"].queryset = controllers
