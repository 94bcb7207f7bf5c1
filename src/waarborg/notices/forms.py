from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import TranslatedFormField
from waarborg.notices.models import NoticeSettings

SECTIONS = [
    ("who", _("Who we are")),
    ("processing", _("What we do with your data")),
    ("recipients", _("Who receives your data")),
    ("retention", _("How long we keep your data")),
    ("security", _("How we protect your data")),
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


class ChangeNoticeForm(forms.Form):
    from_number = forms.TypedChoiceField(label=_("From version"), coerce=int)
    to_number = forms.TypedChoiceField(label=_("To version"), coerce=int)
    addresses = forms.CharField(
        label=_("Addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line: an e-mail address, optionally followed by a comma and the "
            "language (nl or en)."
        ),
    )
    csv_file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_("Columns: email, language. A header line is allowed."),
    )
    per_minute = forms.IntegerField(
        label=_("Messages per minute"),
        min_value=1,
        max_value=600,
        initial=60,
        help_text=_("Sending is spread out so your mail server and your readers are not flooded."),
    )

    def __init__(self, numbers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, n) for n in numbers]
        self.fields["from_number"].choices = choices
        self.fields["to_number"].choices = choices
        if len(numbers) > 1:
            self.fields["from_number"].initial, self.fields["to_number"].initial = (
                numbers[1],
                numbers[0],
            )

    def clean_csv_file(self):
        from waarborg.core.inputs import MAX_CSV_BYTES

        upload = self.cleaned_data.get("csv_file")
        if upload and upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(
                _("The file is too large: at most %(mb)s MB.")
                % {"mb": MAX_CSV_BYTES // (1024 * 1024)}
            )
        return upload

    def address_text(self):
        upload = self.cleaned_data.get("csv_file")
        text = self.cleaned_data.get("addresses", "")
        if upload:
            text += "\n" + upload.read().decode("utf-8-sig", errors="replace")
        return text


class PublishForm(forms.Form):
    own_label = forms.CharField(
        label=_("Your own version number"),
        max_length=40,
        required=False,
        help_text=_("As you number your statements, e.g. 3.1. Leave empty if you do not."),
    )
    effective_on = forms.DateField(
        label=_("In force from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
