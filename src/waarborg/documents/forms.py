from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.documents.models import INDEX_DAYS, Auth, Kind

MAX_PATTERNS = 10_000


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class FolderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    path = forms.CharField(
        label=_("Folder"),
        max_length=1000,
        help_text=_(
            "The full path on the server, e.g. /srv/gedeeld/klanten. Only folders the operator "
            "allows (WAARBORG_DOCUMENT_DIRS) can be connected."
        ),
    )
    include = forms.CharField(
        label=_("Only these files"),
        required=False,
        max_length=MAX_PATTERNS,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("Patterns, one a line, such as *.pdf or offertes/*. Empty: every file."),
    )
    exclude = forms.CharField(
        label=_("Leave out"),
        required=False,
        max_length=MAX_PATTERNS,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("Patterns, one a line, such as archief/*."),
    )


class MailFolders:
    """The cleaning of a mailbox's folders and trash folder, for the forms that have them."""

    def clean_mail_folders(self):
        folders = _lines(self.cleaned_data["mail_folders"])
        if len(folders) > 100:
            raise forms.ValidationError(_("Give at most 100 mail folders."))
        return folders or ["INBOX"]

    def clean_trash_folder(self):
        return self.cleaned_data["trash_folder"].strip() or "Trash"


class MailboxForm(MailFolders, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    host = forms.CharField(
        label=_("IMAP server"), max_length=253, help_text=_("For example imap.example.nl")
    )
    port = forms.IntegerField(
        label=_("Port"),
        initial=993,
        min_value=1,
        max_value=65535,
        help_text=_("IMAP over TLS; usually 993."),
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=254,
        help_text=_("For Microsoft 365: the mailbox's address, such as info@example.nl."),
    )
    auth = forms.ChoiceField(
        label=_("Sign in with"),
        choices=Auth.choices,
        initial=Auth.PASSWORD,
        required=False,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        max_length=1000,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again. An app password works best."),
    )
    tenant = forms.CharField(
        label=_("Tenant"),
        required=False,
        max_length=200,
        help_text=_(
            "Microsoft 365 only: the directory (tenant) id or domain, such as "
            "example.onmicrosoft.com."
        ),
    )
    client_id = forms.CharField(label=_("Application (client) id"), required=False, max_length=200)
    client_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=2000,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted and never shown again."),
    )
    token_url = forms.URLField(
        label=_("Token endpoint"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Leave empty for Microsoft's. Only an https address."),
    )
    mail_folders = forms.CharField(
        label=_("Mail folders"),
        required=False,
        max_length=MAX_PATTERNS,
        initial="INBOX",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_("One a line, such as INBOX and Sent. Empty: INBOX."),
    )
    write_access = forms.BooleanField(
        label=_("May delete messages"),
        required=False,
        help_text=_(
            "Only for erasure requests, after an explicit confirmation. Otherwise Waarborg only "
            "reads (not even the read flag changes)."
        ),
    )
    trash_folder = forms.CharField(
        label=_("Trash folder"),
        max_length=200,
        initial="Trash",
        required=False,
        help_text=_("Where deleted messages go first. Empty: Trash."),
    )

    def clean(self):
        data = super().clean()
        data["auth"] = data.get("auth") or Auth.PASSWORD
        if data["auth"] == Auth.OAUTH2:
            for name in ("tenant", "client_id", "client_secret"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Needed to sign in with a Microsoft 365 app."))
            data.pop("password", None)
        else:
            if not data.get("password"):
                self.add_error("password", _("Give the mailbox's password."))
            for name in ("tenant", "client_id", "client_secret", "token_url"):
                data.pop(name, None)
        return data


class PersonForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone_number = forms.CharField(label=_("Phone number"), required=False, max_length=40)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    customer_number = forms.CharField(label=_("Customer number"), required=False, max_length=80)

    FIELDS = ("email", "phone_number", "name", "customer_number")

    def clean_phone_number(self):
        from waarborg.documents.index.keyterms import normal_phone

        value = self.cleaned_data["phone_number"].strip()
        if value and normal_phone(value) is None:
            raise forms.ValidationError(
                _("This is not a phone number, such as 06 1234 5678 or +31 20 123 4567.")
            )
        return value

    def clean(self):
        data = super().clean()
        # a field with an error of its own says what is wrong; "at least one" would contradict it
        if not self.errors and not any(data.get(name) for name in self.FIELDS):
            raise forms.ValidationError(_("Fill in at least one of the fields."))
        return data


class SettingsForm(MailFolders, forms.Form):
    """The settings of a connected source that can change without connecting it anew: its
    name, what of it is read, whether messages may be deleted, the index's retention, and a
    mailbox's new password. Another folder, server or user is another source."""

    # the same fields as when it was connected (each form instance copies them)
    name = FolderForm.base_fields["name"]
    include = FolderForm.base_fields["include"]
    exclude = FolderForm.base_fields["exclude"]
    mail_folders = MailboxForm.base_fields["mail_folders"]
    write_access = MailboxForm.base_fields["write_access"]
    trash_folder = MailboxForm.base_fields["trash_folder"]
    password = forms.CharField(
        label=_("New password"),
        required=False,
        max_length=1000,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Empty: the stored one stays. A new one is tested before it is saved."),
    )
    index_days = forms.IntegerField(
        label=_("Days the index is kept without being brought up to date"),
        min_value=1,
        max_value=3650,
        initial=INDEX_DAYS,
    )
    kept_patterns = forms.CharField(
        label=_("Kept under a statutory minimum"),
        required=False,
        max_length=MAX_PATTERNS,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
        help_text=_(
            "Files (patterns such as administratie/*) or mail folders (such as Facturen), one a "
            "line, that the law keeps: an erasure request lists what it finds there as kept."
        ),
    )
    kept_rule = forms.ModelChoiceField(
        label=_("Statutory minimum that keeps them"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_('A retention rule of the system of the kind "at least (required by law)".'),
    )

    FOLDER = ("name", "include", "exclude", "kept_patterns", "kept_rule", "index_days")
    MAILBOX = (
        "name", "mail_folders", "write_access", "trash_folder", "password", "kept_patterns",
        "kept_rule", "index_days",
    )  # fmt: skip

    def __init__(self, *args, source, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "name": source.name,
                "include": source.include,
                "exclude": source.exclude,
                "mail_folders": "\n".join(source.mail_folders or []),
                "write_access": source.write_access,
                "trash_folder": source.trash_folder,
                "index_days": source.index_days,
                "kept_patterns": source.kept_patterns,
                "kept_rule": source.kept_rule_id,
            },
        )
        super().__init__(*args, **kwargs)
        from waarborg.register.models import RetentionRule
        from waarborg.requests.document_holds import minimum_rules

        rules = [rule.pk for rule in minimum_rules(source.system)]
        self.fields["kept_rule"].queryset = RetentionRule.objects.filter(pk__in=rules)
        kept = self.FOLDER if source.kind == Kind.FOLDER else self.MAILBOX
        if source.kind == Kind.IMAP and source.auth != Auth.PASSWORD:
            kept = tuple(name for name in kept if name != "password")
        for name in list(self.fields):
            if name not in kept:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if _lines(data.get("kept_patterns") or "") and not data.get("kept_rule"):
            self.add_error("kept_rule", _("Choose the statutory minimum that keeps these."))
        return data
