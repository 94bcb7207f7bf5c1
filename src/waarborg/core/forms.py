from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from waarborg.core.actions import ORGANISATION_FIELDS, reset_password
from waarborg.core.models import Organisation, Role


class AuditedSetPasswordForm(SetPasswordForm):
    """The new password of an e-mailed reset link, set through the audited action."""

    def save(self, commit=True):
        return reset_password(self.user, password=self.cleaned_data["new_password1"])


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        # The sign-in setting is the organisation's, but no part of its register (YAML).
        fields = [*ORGANISATION_FIELDS, "mfa_required"]
        help_texts = {
            "name": _("As registered with the Chamber of Commerce (KvK)."),
            "kvk_number": _("Shown in the privacy statement (Art. 13(1)(a) GDPR)."),
            "privacy_email": _("Where people send questions and requests about their data."),
            "dpo_name": _(
                "Only if you have appointed a data protection officer (FG) under Art. 37 GDPR."
            ),
            "representative": _("Only for organisations established outside the EU (Art. 27)."),
            "supervisory_authority": _("Where people can complain (Art. 77 GDPR)."),
        }

    def __init__(self, *args, owner=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not owner:  # how members sign in is for an owner to decide
            del self.fields["mfa_required"]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.HANDLER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AccountForm(forms.Form):
    """Create the account that accepts an invitation."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class MomentInput(forms.DateTimeInput):
    """A date and time picked in the browser's own control (its value "2026-12-07T14:05" is
    the same in every language), for every form with a moment in it."""

    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")
