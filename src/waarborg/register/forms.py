"""Staff forms for register items, built from the same schema as the YAML file."""

import re

from django import forms
from django.forms.models import fields_for_model
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from waarborg.core.access import scoped
from waarborg.core.dates import PeriodField, parse_period, period_for_input
from waarborg.core.fields import TranslatedFormField, translated
from waarborg.core.models import TermKind
from waarborg.core.taxonomy import terms_for
from waarborg.register.models import ProcessingActivity, RetentionRule, Status
from waarborg.register.schema import DPIA_FIELDS, KINDS, canonical, check_domains, check_stages

# Short help per field in plain language, citing the article it comes from.
HELP = {
    "key": _("A short name for links and the YAML file; made from the name when left empty."),
    "role": _(
        "Controller: you decide why and how. Processor: you process for a client (Art. 28, "
        "Art. 30(2)). Joint controller: you decide together with another (Art. 26)."
    ),
    "controller": _(
        "For the processor role: the client on whose behalf you process (Art. 30(2)(a))."
    ),
    "purpose": _("Why you process these data, in words a customer understands (Art. 30(1)(b))."),
    "purpose_terms": _("The kinds of purpose, from a public vocabulary (W3C DPV)."),
    "legal_basis": _("One of the six grounds of Art. 6(1) GDPR. Not needed in the processor role."),
    "legal_basis_detail": _(
        "For legitimate interests: the interest you pursue (Art. 13(1)(d)). For a legal "
        "obligation: the law. For consent: how it is asked."
    ),
    "art9_ground": _(
        "Only when special categories are processed (health, religion, ...): the exception of "
        "Art. 9(2) that allows it."
    ),
    "data_subjects": _("Whose data: the groups of people (Art. 30(1)(c))."),
    "data_categories": _("Which data (Art. 30(1)(c)). Special categories are marked."),
    "source": _("Data not obtained from the person: say from whom (Art. 14(2)(f))."),
    "recipients": _("Who receives the data: processors and other recipients (Art. 30(1)(d))."),
    "systems": _("Where the data live: requests and retention act there."),
    "retention_rules": _("How long the data are kept (Art. 30(1)(f), Art. 13(2)(a))."),
    "retention_note": _("Criteria for the period, if a rule does not say it all."),
    "security_measures": _("The technical and organisational measures (Art. 30(1)(g), Art. 32)."),
    "direct_marketing": _(
        "The data are used to approach people with offers, by post, phone or e-mail. An "
        "objection to it is always granted, at once (Art. 21(2) and (3))."
    ),
    "automated_decisions": _(
        "Decisions made by a computer alone that affect people significantly (Art. 22)."
    ),
    "requirement": _(
        "Whether people must provide the data, and what happens if they do not (Art. 13(2)(e))."
    ),
    "contact": _(
        "The party's contact details: an e-mail address (the letter goes by e-mail) or a "
        "postal address (a letter for the post)."
    ),
    "country": _("Where the party is established."),
    "language": _(
        "The language of the notices it gets. Left empty: Dutch for a party in the "
        "Netherlands or Belgium, English for others."
    ),
    "locations": _("Countries where the party stores or accesses the data (Art. 30(1)(e))."),
    "transfer_mechanism": _(
        "Needed for a country outside the EEA (Art. 44-49). Privacy Shield is invalid since "
        "16 July 2020; the EU-US Data Privacy Framework covers only certified importers."
    ),
    "scc_module": _("Which module of the 2021 standard contractual clauses applies."),
    "agreement_signed_on": _("The processing agreement required by Art. 28(3)."),
    "dpf_checked_on": _(
        "Only for a US party under the DPF: the date you found it on the list of certified "
        "organisations (dataprivacyframework.gov). Check again every year."
    ),
    "subject_type": _(
        "Whether the people are natural persons (consumers, eenmanszaak, vof, maatschap) or "
        "businesses: calls and e-mail to natural persons need opt-in (Telecommunicatiewet 11.7)."
    ),
    "duration": _(
        "In words: 7 years, 14 months, 4 weeks, or at once. Empty only when a scheme or "
        "contract sets the period and you do not know it."
    ),
    "bound": _(
        "Minimum: a law requires keeping the data this long (e.g. 7 years, art. 52 AWR). "
        "Maximum: after this the data go."
    ),
    "legal_source": _("The law or guidance the period comes from."),
    "review_interval": _("How often the measure is checked, e.g. 1 year or 6 months."),
    "stages": _(
        "One line per stage before the period above: period; counted from; action. For "
        "example: at once; from the end of the relationship; restrict."
    ),
    "manual_instructions": _(
        "How a handler finds, exports or erases one person's data here when no connector exists."
    ),
}

TERM_FIELDS = {"term", "terms", "countries"}
# The activity form in short sections, in the order a new activity walks them. Every field of
# the schema belongs to exactly one (tests check it); the DPIA fields are shown, not edited.
ACTIVITY_SECTIONS = [
    ("what", _("What"), ["name", "key", "status", "role", "controller"]),
    (
        "why",
        _("Why and on which basis"),
        [
            "purpose",
            "purpose_terms",
            "legal_basis",
            "legal_basis_detail",
            "art9_ground",
            "direct_marketing",
        ],
    ),
    (
        "whose",
        _("Whose data"),
        [
            "data_subjects",
            "data_categories",
            "source",
            "source_detail",
            "subject_type",
            "requirement",
            "requirement_consequence",
        ],
    ),
    ("recipients", _("Who receives it and where"), ["recipients", "systems"]),
    ("retention", _("How long"), ["retention_rules", "retention_note"]),
    (
        "security",
        _("Security"),
        [
            "security_measures",
            "dpia",
            "dpia_screened_on",
            "dpia_reason",
            "dpia_done_on",
            "automated_decisions",
            "automated_decisions_detail",
            "reviewed_at",
        ],
    ),
]
SECTIONS = {"activities": ACTIVITY_SECTIONS}


def sections_of(kind_name):
    """(name, label, fields) of each section of a kind's form; empty for a one-page form."""
    return SECTIONS.get(kind_name, [])


def section_of(kind_name, field):
    """The name of the section of a kind's form that holds `field` ('' if none)."""
    return next((name for name, _l, fields in sections_of(kind_name) if field in fields), "")


# Set by the DPIA screening and sign-off, not by hand: the form keeps what is stored.
DERIVED = set(DPIA_FIELDS)


class DomainsField(forms.CharField):
    """A party's web domains, one per line or separated by commas."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        domains = [d.strip() for d in re.split(r"[\s,]+", value or "") if d.strip()]
        error = check_domains(domains)
        if error:
            raise forms.ValidationError(error)
        return domains


def _choice(choices, text):
    """The code of a choice typed as its code, its label or the label's first words."""
    wanted = " ".join(text.lower().split())
    for code, label in choices:
        label = str(label).lower()
        if wanted in (code, label, label.split(" (")[0]):
            return code
    return None


def stage_in_words(stage):
    """An earlier stage for people: 'direct; vanaf het einde van de relatie; afschermen'."""
    rule = RetentionRule
    return "; ".join(
        (
            period_for_input(stage.get("duration", "")),
            str(dict(rule.Trigger.choices).get(stage.get("trigger"), stage.get("trigger"))),
            str(dict(rule.EndAction.choices).get(stage.get("action"), stage.get("action"))).split(
                " ("
            )[0],
        )
    )


class StagesField(forms.CharField):
    """A retention rule's earlier stages, one line each in words: period; counted from; action
    ("direct; vanaf het einde van de relatie; afschermen")."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(stage_in_words(stage) for stage in value)
        return value

    def to_python(self, value):
        stages = []
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            stage = None
            if len(parts) == 3:
                try:
                    duration = parse_period(parts[0])
                except ValueError:
                    duration = None
                trigger = _choice(RetentionRule.Trigger.choices, parts[1])
                action = _choice(RetentionRule.EndAction.choices, parts[2])
                if duration and trigger and action:
                    stage = {"duration": duration, "trigger": trigger, "action": action}
            if stage is None:
                raise forms.ValidationError(
                    _("Write each stage as: period; counted from; action (%(example)s).")
                    % {"example": stage_in_words(EXAMPLE_STAGE)}
                )
            stages.append(stage)
        error = check_stages(stages)
        if error:
            raise forms.ValidationError(error)
        return stages


EXAMPLE_STAGE = {"duration": "P0D", "trigger": "end_of_relationship", "action": "restrict"}


def _term_choices(organisation, term_kind):
    return [
        (term.code, f"{term.label()}" + (" ⚠" if term.special or term.criminal else ""))
        for term in terms_for(organisation, term_kind).filter(retired=False).order_by("label_nl")
    ]


class ItemForm(forms.Form):
    """A form for one kind of register item; `data()` gives the item as register data."""

    def __init__(self, kind_name, organisation, *args, instance=None, only=None, **kwargs):
        """`only` limits the form to these fields (one section); the others keep `initial`."""
        self.kind = KINDS[kind_name]
        self.organisation = organisation
        self.instance = instance
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(
            self.kind.model,
            fields=[
                spec.name
                for spec in self.kind.fields
                if spec.type not in TERM_FIELDS | {"ref", "refs"}
            ],
        )
        for spec in self.kind.fields:
            if spec.name in DERIVED or (only is not None and spec.name not in only):
                continue
            if spec.type == "duration":
                model_field = self.kind.model._meta.get_field(spec.name)
                model_fields[spec.name] = PeriodField(label=model_field.verbose_name)
            if spec.type in ("stages", "domains"):
                model_field = self.kind.model._meta.get_field(spec.name)
                field_class = StagesField if spec.type == "stages" else DomainsField
                model_fields[spec.name] = field_class(
                    label=model_field.verbose_name, help_text=model_field.help_text
                )
            field = model_fields.get(spec.name) or self._relation_field(spec)
            # the key is made from the name; the schema says when a period may stay empty
            field.required = spec.required and spec.name not in ("key", "duration")
            if isinstance(field, TranslatedFormField):
                field.text_required = spec.required
            field.help_text = HELP.get(spec.name, field.help_text)
            if spec.type == "date":
                field.widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
            self.fields[spec.name] = field
        if "key" in self.fields:
            self.fields["key"].required = False
            if "name" in self.fields:  # a person names the item first; the key follows from it
                order = [name for name in self.fields if name != "key"]
                order.insert(order.index("name") + 1, "key")
                self.order_fields(order)
        if "status" in self.fields:
            self.fields["status"].initial = Status.ACTIVE

    def _relation_field(self, spec):
        label = self.kind.model._meta.get_field(spec.name).verbose_name
        if spec.type in ("term", "terms", "countries"):
            choices = _term_choices(self.organisation, spec.term_kind)
            if spec.type == "term":
                return forms.ChoiceField(label=label, choices=[("", "—"), *choices])
            widget = (
                forms.SelectMultiple(attrs={"size": 8})
                if spec.term_kind == TermKind.COUNTRY
                else forms.CheckboxSelectMultiple(attrs={"class": "columns picker"})
            )
            return forms.MultipleChoiceField(label=label, choices=choices, widget=widget)
        rows = scoped(KINDS[spec.ref_kind].model, self.organisation).exclude(status=Status.RETIRED)
        if self.instance is not None and spec.ref_kind == self.kind.name:
            rows = rows.exclude(pk=self.instance.pk)
        if spec.name == "controller":
            rows = rows.filter(kind="client_controller")
        choices = [(row.key, translated(row.name) or row.key) for row in rows.order_by("key")]
        if spec.type == "ref":
            return forms.ChoiceField(label=label, choices=[("", "—"), *choices])
        return forms.MultipleChoiceField(
            label=label,
            choices=choices,
            widget=forms.CheckboxSelectMultiple(attrs={"class": "columns picker"}),
        )

    def clean(self):
        cleaned = super().clean()
        if "key" in self.fields and not cleaned.get("key") and cleaned.get("name"):
            cleaned["key"] = slugify(translated(cleaned["name"], "nl"))[:80] or ""
        if (
            self.kind.model is ProcessingActivity
            and cleaned.get("role") == ProcessingActivity.Role.PROCESSOR
            and not cleaned.get("controller")
        ):
            self.add_error("controller", _("Choose the client on whose behalf you process."))
        return cleaned

    def data_for_register(self):
        """The item as register data: this form's fields, the others as in `initial`."""
        values = {}
        for spec in self.kind.fields:
            if spec.name not in self.fields:
                if spec.name in self.initial:
                    values[spec.name] = self.initial[spec.name]
                continue
            value = self.cleaned_data.get(spec.name)
            if spec.type in ("ref", "term") and value == "":
                value = None if spec.type == "ref" else ""
            values[spec.name] = value
        return canonical(self.kind, values)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Register file (YAML)"))


class TermForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("List"),
        choices=[
            (TermKind.DATA_CATEGORY, _("Data category")),
            (TermKind.DATA_SUBJECT, _("Group of people")),
            (TermKind.PURPOSE, _("Purpose")),
        ],
    )
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[a-z0-9][a-z0-9._:-]*$",
        max_length=120,
        help_text=_("Lower-case letters, digits, dots and hyphens, e.g. own.meter_readings"),
    )
    label_nl = forms.CharField(label=_("Dutch label"), max_length=200)
    label_en = forms.CharField(label=_("English label"), max_length=200, required=False)
    special = forms.BooleanField(label=_("special category (Art. 9)"), required=False)
