from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.consent.models import CookieCategory
from waarborg.cookies.models import CookieOverride, CookieSettings, Website
from waarborg.core.fields import TranslatedFormField


class WebsiteForm(forms.ModelForm):
    url = forms.URLField(label=_("start address"), max_length=500, assume_scheme="https")
    sitemap_url = forms.URLField(
        label=_("sitemap"), max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Website
        fields = ["url", "sitemap_url", "page_limit", "monthly"]
        help_texts = {
            "url": _("The page the scan starts at, e.g. https://www.example.nl/."),
            "sitemap_url": _("Optional: the pages listed there are visited too."),
        }

    page_limit = forms.IntegerField(
        label=_("page limit"),
        initial=20,
        help_text=_("At most this many pages per pass (1 to 200)."),
        error_messages={
            "min_value": _("The page limit is between 1 and 200."),
            "max_value": _("The page limit is between 1 and 200."),
        },
        min_value=1,
        max_value=200,
    )


class OverrideForm(forms.ModelForm):
    category = forms.ChoiceField(label=_("Category"), choices=CookieCategory.choices)
    purpose = TranslatedFormField(label=_("Purpose"), required=False)

    class Meta:
        model = CookieOverride
        fields = ["name", "category", "purpose", "exempt"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exempt") and cleaned.get("category") != "analytics":
            self.add_error("exempt", _("Only analytics cookies can meet the AP's conditions."))
        return cleaned

    def validate_unique(self):
        """An existing override of the name is replaced, not refused."""


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CookieSettings
        fields = ["consent_mode"]
