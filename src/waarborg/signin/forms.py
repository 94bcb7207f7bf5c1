from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.signin.models import ProviderKind


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form with Waarborg's labels; the reset link is on the page itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail address")
        self.fields["login"].widget.attrs.update(autofocus=True, placeholder="")
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs.update(placeholder="")


class ProviderSignInForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )


class IdentityProviderForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProviderKind.choices)
    domains = forms.CharField(
        label=_("E-mail domains"),
        help_text=_("Separated by commas, such as firma.nl, firma.be."),
    )
    client_id = forms.CharField(label=_("Client ID"), max_length=200)
    secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Leave empty to keep the secret already saved."),
    )
    tenant = forms.CharField(
        label=_("Tenant ID"),
        required=False,
        max_length=100,
        help_text=_("Microsoft Entra ID only: the directory (tenant) ID of the organisation."),
    )

    def clean_domains(self):
        return [part.strip() for part in self.cleaned_data["domains"].split(",") if part.strip()]
