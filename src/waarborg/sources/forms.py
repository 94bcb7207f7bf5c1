from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ANNOTATION = 1_000_000


class ConnectForm(forms.Form):
    url = forms.CharField(
        label=_("Database URL"),
        required=False,
        max_length=1000,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "postgresql://user:password@host/database, mysql://… or sqlite:////path/to/file. "
            "Stored encrypted. Leave empty to keep the current one."
        ),
    )
    annotation = forms.CharField(
        label=_("Annotation (YAML)"),
        required=False,
        max_length=MAX_ANNOTATION,
        widget=forms.Textarea(attrs={"rows": 18, "class": "code", "spellcheck": "false"}),
        help_text=_("Fides' dataset format; see the documentation. Or upload a file below."),
    )
    annotation_file = forms.FileField(label=_("Annotation file"), required=False)

    def __init__(self, *args, has_url=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_url = has_url

    def clean(self):
        data = super().clean()
        upload = data.get("annotation_file")
        if upload:
            if upload.size > MAX_ANNOTATION:
                raise forms.ValidationError(_("The annotation file is too large."))
            data["annotation"] = upload.read().decode("utf-8", errors="replace")
        if not data.get("url") and not self.has_url:
            self.add_error("url", _("Give the address of the database."))
        return data


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone_number = forms.CharField(label=_("Phone number"), required=False, max_length=40)
    customer_number = forms.CharField(label=_("Customer number"), required=False, max_length=80)

    def clean(self):
        data = super().clean()
        # a field with an error of its own says what is wrong; "at least one" would contradict it
        if not self.errors and not any(
            data.get(name) for name in ("email", "phone_number", "customer_number")
        ):
            raise forms.ValidationError(_("Fill in at least one of the fields."))
        return data
