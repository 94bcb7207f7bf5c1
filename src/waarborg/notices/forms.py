from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedFormField
from waarborg.notices.models import NoticeSettings

SECTIONS = [
    ("who", _("Who we are")),
    ("processing", _("What we do with your data")),
    ("recipients", _("Who receives your data")),
    ("retention", _("How long we keep your data")),
    ("cookies", _("Cookies")),
    ("rights", _("Your rights")),
    ("objection", _("Your right to object")),
]


class NoticeSettingsForm(forms.Form):
    grouping = forms.ChoiceField(
        label=_("Group the statement"),
        choices=NoticeSettings.Grouping.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "By purpose (one part per processing activity) or by group of people "
            "(customers, applicants, ...), as your readers look for it."
        ),
    )
    introduction = TranslatedFormField(label=_("Introduction"), multiline=True)
    closing = TranslatedFormField(label=_("Closing text"), multiline=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in SECTIONS:
            self.fields[f"note_{key}"] = TranslatedFormField(
                label=_("Note under “%(section)s”") % {"section": label}, multiline=True
            )

    def notes(self):
        return {key: self.cleaned_data[f"note_{key}"] for key, _label in SECTIONS}
