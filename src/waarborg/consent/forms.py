from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.consent.models import Asked, Channel, ConsentPurpose, MailingHook, Mechanism
from waarborg.core.fields import TranslatedFormField
from waarborg.core.models import Role
from waarborg.register.models import ProcessingActivity, Status


class PurposeForm(forms.ModelForm):
    wording = TranslatedFormField(
        label=_("Wording"),
        multiline=True,
        required=True,
        help_text=_(
            "What people agree to, word for word. Changing it makes a new version; "
            "the cookie banner then asks again."
        ),
    )

    class Meta:
        model = ConsentPurpose
        fields = [
            "key",
            "name",
            "activity",
            "channel",
            "mechanism",
            "direct_marketing",
            "cookie_category",
            "consumers",
            "asks_name",
            "asks_address",
            "active",
        ]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = ProcessingActivity.objects.filter(
            organisation=organisation, status=Status.ACTIVE
        ).order_by("key")
        self.fields["channel"].choices = Channel.choices
        self.fields["mechanism"].choices = Mechanism.choices
        for name in ("asks_name", "asks_address"):  # a form without them asks for neither
            self.fields[name].required = False
        if self.instance.pk:
            self.fields["key"].disabled = True
            current = self.instance.current_version()
            self.initial["wording"] = current.wording if current else {}

    def clean_asks_name(self):
        return self.cleaned_data.get("asks_name") or Asked.NO

    def clean_asks_address(self):
        return self.cleaned_data.get("asks_address") or Asked.NO


class PersonForm(forms.Form):
    key = forms.CharField(label=_("E-mail address, phone number or consent id"), max_length=254)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Subscriber list (CSV)"),
        help_text=_("Columns: email or phone, and what proof you have: date, source, ip, page."),
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. “Web shop”"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.HANDLER)


class HookForm(forms.Form):
    service = forms.ChoiceField(label=_("Mailing service"), choices=MailingHook.Service.choices)
    list_id = forms.CharField(
        label=_("List id"),
        max_length=100,
        required=False,
        help_text=_("The service's id of the list; events of other lists are then ignored."),
    )
