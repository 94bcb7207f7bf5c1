from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.consent.models import Channel, ConsentPurpose, Mechanism
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
            "active",
        ]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = ProcessingActivity.objects.filter(
            organisation=organisation, status=Status.ACTIVE
        ).order_by("key")
        self.fields["channel"].choices = Channel.choices
        self.fields["mechanism"].choices = Mechanism.choices
        if self.instance.pk:
            self.fields["key"].disabled = True
            current = self.instance.current_version()
            self.initial["wording"] = current.wording if current else {}


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
