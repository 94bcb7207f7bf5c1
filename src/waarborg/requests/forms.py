import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from waarborg.core.fields import translated
from waarborg.core.forms import MomentInput
from waarborg.core.models import Term, TermKind
from waarborg.core.taxonomy import terms_for
from waarborg.register.models import ProcessingActivity
from waarborg.requests.models import (
    Channel,
    ClaimedDecision,
    Kind,
    RefusalGround,
    RequestSettings,
    RestrictionGround,
    TaskOutcome,
)


def clean_kvk(value):
    """'1234 5678' -> '12345678'; a KvK number has exactly 8 digits."""
    text = re.sub(r"[\s.\-]", "", value or "")
    if text and not re.fullmatch(r"\d{8}", text):
        raise forms.ValidationError(_("A KvK number has exactly 8 digits."))
    return text


class BusinessFields:
    """The business requester's fields, checked alike at the public form and staff intake:
    a KvK number of 8 digits, and a company's number or address only with its name."""

    def clean_kvk_number(self):
        return clean_kvk(self.cleaned_data.get("kvk_number"))

    def clean(self):
        cleaned = super().clean()
        company = (cleaned.get("kvk_number") or "") or (cleaned.get("company_address") or "")
        if company.strip() and not (cleaned.get("company_name") or "").strip():
            self.add_error("company_name", _("Give the company's name as well."))
        return cleaned


# Each right in one plain line for the public form, with its article for the small print.
KIND_PLAIN = {
    Kind.ACCESS: (_("See what we have about you"), "15"),
    Kind.RECTIFICATION: (_("Have it corrected"), "16"),
    Kind.ERASURE: (_("Have it erased"), "17"),
    Kind.RESTRICTION: (_("Have its use paused for a while"), "18"),
    Kind.PORTABILITY: (_("Get your data to take elsewhere"), "20"),
    Kind.OBJECTION: (_("Stop a use of your data"), "21"),
    Kind.WITHDRAWAL: (_("Withdraw your consent"), "7(3)"),
}


class IntakeForm(BusinessFields, forms.Form):
    """The public request form of the privacy center. The direct-marketing box counts only
    for an objection: with another kind it is ignored, whatever the browser sent."""

    kind = forms.ChoiceField(
        label=_("What do you want?"), choices=Kind.choices, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send a link to confirm that the address is yours."),
    )
    phone = forms.CharField(label=_("Phone (optional)"), max_length=40, required=False)
    customer_number = forms.CharField(
        label=_("Customer number (optional)"), max_length=80, required=False
    )
    postal_address = forms.CharField(
        label=_("Your postal address (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
        help_text=_("Street and number, postcode and town. It helps us find your data."),
    )
    company_name = forms.CharField(
        label=_("Company name (if you ask for a company)"), max_length=200, required=False
    )
    kvk_number = forms.CharField(
        label=_("KvK number of the company"),
        max_length=20,
        required=False,
        help_text=_("8 digits, as in the register of the Chamber of Commerce."),
    )
    company_address = forms.CharField(
        label=_("Address of the company"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label=_("Explain your request (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For a correction: what is wrong and what it should be. For an objection: "
            "to what, and why."
        ),
    )
    direct_marketing = forms.BooleanField(
        label=_("My objection is to direct marketing (newsletters, offers, calls)"),
        required=False,
    )
    language = forms.ChoiceField(label=_("Language of our answer"), choices=settings.LANGUAGES)
    transmit_to = forms.CharField(
        label=_("Data portability: send my data directly to (organisation, optional)"),
        max_length=200,
        required=False,
    )
    transmit_email = forms.EmailField(
        label=_("Its e-mail address for the transfer"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") != Kind.OBJECTION:
            cleaned["direct_marketing"] = False
        return cleaned

    def kind_options(self):
        """The radio buttons of `kind`, each with its plain line and its article."""
        plain = {str(kind): line for kind, line in KIND_PLAIN.items()}
        options = []
        for radio in self["kind"]:
            line, article = plain[str(radio.data["value"])]
            options.append({"radio": radio, "plain": line, "article": article})
        return options


class StaffIntakeForm(BusinessFields, forms.Form):
    """A request received by e-mail, letter or phone, entered by staff."""

    kind = forms.ChoiceField(label=_("Kind of request"), choices=Kind.choices)
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(c.value, c.label) for c in Channel if c not in (Channel.WEB, Channel.API)],
    )
    received_at = forms.DateTimeField(
        label=_("Received on"),
        required=False,
        widget=MomentInput(),
        help_text=_("Empty: now. The deadline counts from here."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    customer_number = forms.CharField(label=_("Customer number"), max_length=80, required=False)
    postal_address = forms.CharField(
        label=_("Postal address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed without an e-mail address: every letter then goes by post."),
    )
    company_name = forms.CharField(
        label=_("Company name (a business requester)"), max_length=200, required=False
    )
    kvk_number = forms.CharField(label=_("KvK number"), max_length=20, required=False)
    company_address = forms.CharField(
        label=_("Company address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    direct_marketing = forms.BooleanField(label=_("Objection to direct marketing"), required=False)
    language = forms.ChoiceField(label=_("Language of the person"), choices=settings.LANGUAGES)
    subject_groups = forms.ModelMultipleChoiceField(
        label=_("Groups of people"),
        queryset=Term.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every system of the register is searched."),
    )
    original = forms.FileField(
        label=_("The original (e-mail, scan of the letter, call note)"), required=False
    )
    restriction_ground = forms.ChoiceField(
        label=_("Restriction: the ground (Art. 18(1))"),
        choices=[("", "—"), *RestrictionGround.choices],
        required=False,
    )
    activities = forms.ModelMultipleChoiceField(
        label=_("Objection: the processing objected to"),
        queryset=ProcessingActivity.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every processing on Art. 6(1)(e) or (f) of these groups."),
    )
    transmit_to = forms.CharField(
        label=_("Portability: transmit directly to (controller)"), max_length=200, required=False
    )
    transmit_email = forms.EmailField(label=_("That controller's e-mail address"), required=False)

    KIND_FIELDS = {
        "restriction_ground": [Kind.RESTRICTION],
        "direct_marketing": [Kind.OBJECTION],
        "activities": [Kind.OBJECTION],
        "transmit_to": [Kind.PORTABILITY],
        "transmit_email": [Kind.PORTABILITY],
    }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_groups"].queryset = terms_for(organisation, TermKind.DATA_SUBJECT)
        self.fields["activities"].queryset = ProcessingActivity.objects.filter(
            organisation=organisation
        ).order_by("key")
        self.fields["activities"].label_from_instance = _activity_label
        self.fields["language"].initial = organisation.default_language

    def kind_fields(self):
        """For kinds.js: the fields shown for some kinds only, "name:kind,kind name:kind"."""
        return " ".join(f"{name}:{','.join(kinds)}" for name, kinds in self.KIND_FIELDS.items())


def _activity_label(activity):
    name = translated(activity.name) or activity.key
    if activity.direct_marketing:
        # an objection to it is never refused (Art. 21(2)-(3)); say so where it is chosen
        return _("%(name)s (direct marketing: the objection is always granted)") % {"name": name}
    return name


IDENTIFIER_CHOICES = [
    ("email", _("the e-mail address")),
    ("phone_number", _("the phone number")),
    ("customer_number", _("the customer number")),
]


class VerifyForm(forms.Form):
    note = forms.CharField(
        label=_("How was the identity established?"),
        max_length=500,
        help_text=_("For example: known customer, called back on the number on file."),
    )
    identifiers = forms.MultipleChoiceField(
        label=_("Identifiers you checked"),
        choices=IDENTIFIER_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only these are used for automatic look-ups; the others stay claimed. An address "
            "you did not check can still be verified by its link."
        ),
    )


class ClaimedForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ClaimedDecision.choices)
    reason = forms.CharField(
        label=_("Reason (kept in the audit trail)"), widget=forms.Textarea(attrs={"rows": 2})
    )


class IdentityCheckForm(forms.Form):
    note = forms.CharField(label=_("How was the identity checked?"), max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the person receives it)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("To do"))] + TaskOutcome.choices, required=False
    )
    reason = forms.CharField(
        label=_("Reason (the person reads it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for a legal hold and for not applicable."),
    )
    assignee = forms.ModelChoiceField(
        label=_("Handler"), queryset=None, required=False, empty_label="—"
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    for_person = forms.BooleanField(
        label=_("The notes are for the person (they appear in the answer)"), required=False
    )
    upload = forms.FileField(label=_("Result (CSV, JSON, PDF or any file)"), required=False)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users


class RectifyForm(forms.Form):
    changes = forms.CharField(
        label=_("Corrections, one per line: table.column = new value"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_changes(self):
        changes = {}
        for number, line in enumerate(self.cleaned_data["changes"].splitlines(), 1):
            if not line.strip():
                continue
            target, sign, value = line.partition("=")
            if not sign or "." not in target.strip():
                raise forms.ValidationError(
                    _("Line %(number)s is not 'table.column = value'."), params={"number": number}
                )
            changes[target.strip()] = value.strip()
        if not changes:
            raise forms.ValidationError(_("Give at least one correction."))
        return changes


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Why is the restriction lifted?"), max_length=500)


class NotFeasibleForm(forms.Form):
    reason = forms.CharField(
        label=_("Why direct transmission is not technically feasible (the person reads it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the waiver (the person reads it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Explanation in the answer (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    partly = forms.BooleanField(
        label=_("Only partly granted (the answer names the complaint and court routes)"),
        required=False,
    )


class RefuseForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=RefusalGround.choices)
    reasons = forms.CharField(
        label=_("Reasons (the person receives them)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    partly = forms.BooleanField(label=_("Refused only in part"), required=False)


class ForwardForm(forms.Form):
    party = forms.ModelChoiceField(label=_("Client (controller)"), queryset=None)
    note = forms.CharField(
        label=_("Note to the client (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, parties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = parties


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Handler"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RequestSettings
        fields = [
            "pause_for_identity",
            "verification_days",
            "package_days",
            "purge_days",
            "max_upload_mb",
            "restrict_on_objection",
            "copies_to_known_address",
        ]


class LetterForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 18})
    )


class IdUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is the document?"),
        choices=[
            ("id_copy", _("A copy of my identity document (BSN and photo masked)")),
            ("kvk", _("An extract of the KvK (for a company)")),
            ("mandate", _("A mandate: I act for someone else")),
        ],
        initial="id_copy",
        required=False,
    )
    document = forms.FileField(label=_("Copy of your identity document"))
