"""Staff forms of the processor side; every choice of a row is limited to the organisation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedFormField
from waarborg.processors.models import (
    CHECKLIST,
    Agreement,
    ChangeClient,
    Instruction,
    ProcessorSettings,
    Service,
)
from waarborg.register.models import Party, ProcessingActivity, Status, key_validator

DATE = forms.DateInput(attrs={"type": "date"})


def _parties(organisation, *kinds):
    rows = Party.objects.filter(organisation=organisation).exclude(status=Status.RETIRED)
    return rows.filter(kind__in=kinds) if kinds else rows


class ServiceForm(forms.Form):
    key = forms.CharField(label=_("key"), max_length=80, validators=[key_validator])
    name = TranslatedFormField(label=_("name"), required=True)
    description = TranslatedFormField(label=_("the service and its intended use"), multiline=True)
    activities = forms.ModelMultipleChoiceField(
        label=_("processing (the register's activities as processor)"),
        queryset=ProcessingActivity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sub_processors = forms.ModelMultipleChoiceField(
        label=_("sub-processors"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    clients = forms.ModelMultipleChoiceField(
        label=_("clients"),
        queryset=Party.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = ProcessingActivity.objects.filter(
            organisation=organisation, role=ProcessingActivity.Role.PROCESSOR
        )
        self.fields["sub_processors"].queryset = _parties(
            organisation, Party.Kind.PROCESSOR, Party.Kind.SUB_PROCESSOR
        )
        self.fields["clients"].queryset = _parties(organisation, Party.Kind.CLIENT_CONTROLLER)

    @staticmethod
    def initial_for(service):
        return {
            "key": service.key,
            "name": service.name,
            "description": service.description,
            "activities": list(service.activities.all()),
            "sub_processors": list(service.sub_processors.all()),
            "clients": list(service.clients.all()),
        }


class AgreementForm(forms.ModelForm):
    checklist = forms.MultipleChoiceField(
        label=_("the agreement provides that the processor"),
        choices=CHECKLIST,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    upload = forms.FileField(label=_("document"), required=False)

    class Meta:
        model = Agreement
        fields = [
            "side",
            "party",
            "service",
            "signed_on",
            "ends_on",
            "term",
            "sub_processing",
            "objection_days",
            "subject_matter",
            "duration",
            "nature",
            "purpose",
            "data_types",
            "data_subjects",
        ]
        widgets = {"signed_on": DATE, "ends_on": DATE}

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = _parties(
            organisation,
            Party.Kind.CLIENT_CONTROLLER,
            Party.Kind.PROCESSOR,
            Party.Kind.SUB_PROCESSOR,
        )
        self.fields["service"].queryset = Service.objects.filter(organisation=organisation)
        if self.instance.pk:
            self.initial["checklist"] = [k for k, v in self.instance.checklist.items() if v]

    def fields_for_action(self):
        data = dict(self.cleaned_data)
        return {
            "side": data.pop("side"),
            "party": data.pop("party"),
            "service": data.pop("service"),
            "checklist": data.pop("checklist"),
            "document": data.pop("upload"),
            **data,
        }


class InstructionForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = [
            "service",
            "received_on",
            "channel",
            "reference",
            "asked",
            "carried_out_by",
            "carried_out_on",
        ]
        widgets = {"received_on": DATE, "carried_out_on": DATE}

    def __init__(self, organisation, client, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            organisation=organisation, clients=client
        )


class ChangeForm(forms.Form):
    services = forms.ModelMultipleChoiceField(
        label=_("services"), queryset=Service.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    party = forms.ModelChoiceField(label=_("new sub-processor"), queryset=Party.objects.none())
    replaces = forms.ModelChoiceField(
        label=_("replaces"), queryset=Party.objects.none(), required=False
    )
    effective_on = forms.DateField(label=_("takes effect on"), widget=DATE)
    reason = TranslatedFormField(
        label=_("reason"),
        multiline=True,
        help_text=_("Goes into the message to each client, in the client's language."),
    )

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.filter(organisation=organisation)
        parties = _parties(organisation, Party.Kind.PROCESSOR, Party.Kind.SUB_PROCESSOR)
        self.fields["party"].queryset = parties
        self.fields["replaces"].queryset = parties


class ReasonForm(forms.Form):
    reason = TranslatedFormField(label=_("reason"), multiline=True)


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("answer"),
        choices=[c for c in ChangeClient.Answer.choices if c[0]],
        # shown without its label in each client's row of the table
        widget=forms.Select(attrs={"aria-label": _("answer")}),
    )
    note = forms.CharField(label=_("note"), required=False, max_length=2000)


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("outcome"),
        choices=[c for c in ChangeClient.Resolution.choices if c[0]],
        widget=forms.Select(attrs={"aria-label": _("outcome")}),
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ProcessorSettings
        fields = [
            "data_pro_joined_on",
            "drawn_up_by",
            "contact",
            "updates_announced",
            "certifications",
            "breach_protocol",
            "rights_help",
            "end_of_service",
        ]
        widgets = {"data_pro_joined_on": DATE}
