from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.core.dates import PeriodField
from waarborg.retention.models import BuiltinKind


class SettingsForm(forms.Form):
    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in BuiltinKind:
            self.fields[kind.value] = PeriodField(
                label=kind.label,
                required=False,
                initial=current.period(kind) if current else "",
                help_text=_("For example 30 days or 2 years; empty keeps it without end."),
            )
        self.fields["max_share"] = forms.IntegerField(
            label=_("Largest share of a table the sweep takes without asking (%)"),
            required=False,  # left out: the share stays as it is
            min_value=1,
            max_value=100,
            initial=current.max_share if current else 50,
            help_text=_(
                "A rule that would delete or anonymise more of its table waits for your "
                "confirmation; the nightly sweep skips it and tells you."
            ),
        )


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.TextInput()
    )
