from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.core.dates import parse_duration
from waarborg.retention.models import BuiltinKind


class SettingsForm(forms.Form):
    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in BuiltinKind:
            self.fields[kind.value] = forms.CharField(
                label=kind.label,
                required=False,
                max_length=40,
                initial=current.period(kind) if current else "",
                help_text=_("ISO 8601, e.g. P30D, P2Y; empty keeps it without end"),
            )

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if value:
                try:
                    parse_duration(value)
                except ValueError:
                    self.add_error(name, _("Write a period such as P30D, P6M or P2Y."))
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.TextInput()
    )
