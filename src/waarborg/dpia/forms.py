"""Staff forms of the screening and the assessment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from waarborg.core.access import scoped
from waarborg.core.fields import translated
from waarborg.dpia import criteria
from waarborg.dpia.document import DESCRIPTION_PARTS, NECESSITY_QUESTIONS
from waarborg.dpia.models import SCALE, Assessment, Risk
from waarborg.register.models import ProcessingActivity, SecurityMeasure, Status

DATE = {"type": "date"}


def field_name(criterion):
    return criterion.id.replace(".", "-")


class ScreeningForm(forms.Form):
    """One yes/no per criterion of both lists; the register's suggestions are shown beside."""

    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything that explains the answers, e.g. why the scale is small."),
    )

    def __init__(self, *args, suggestions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lists = criteria.load()
        self.suggestions = suggestions or {}
        for criterion in self.lists.all:
            self.fields[field_name(criterion)] = forms.BooleanField(
                label=criterion.label, required=False, help_text=criterion.help
            )

    def rows(self, which):
        """(criterion, bound field, the register's suggestion) for one list."""
        return [
            (c, self[field_name(c)], self.suggestions.get(c.id, ""))
            for c in getattr(self.lists, which)
        ]

    @property
    def ap_rows(self):
        return self.rows("ap")

    @property
    def wp248_rows(self):
        return self.rows("wp248")

    def answers(self):
        return {c.id: self.cleaned_data[field_name(c)] for c in self.lists.all}


class StartForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    activities = forms.MultipleChoiceField(
        label=_("Processing activities"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One activity, or a group of similar activities with similar risks."),
    )

    def __init__(self, organisation, *args, needing=False, **kwargs):
        """`needing`: offer only the activities whose screening says a DPIA is needed or
        advisable (the overview's form; any activity can be started from its screening)."""
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        rows = scoped(ProcessingActivity, organisation).exclude(status=Status.RETIRED)
        if needing:
            rows = rows.filter(dpia__in=["needed", "advisable"])
        self.fields["activities"].choices = [
            (a.key, translated(a.name) or a.key) for a in rows.order_by("key")
        ]

    def chosen(self):
        keys = self.cleaned_data["activities"]
        return list(scoped(ProcessingActivity, self.organisation).filter(key__in=keys))


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in DESCRIPTION_PARTS:
            self.fields[f"description-{name}"] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 3})
            )
        for name, label, question in NECESSITY_QUESTIONS:
            self.fields[f"necessity-{name}"] = forms.CharField(
                label=label,
                required=False,
                help_text=question,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @classmethod
    def initial_of(cls, assessment):
        initial = {"title": assessment.title}
        initial.update({f"description-{k}": v for k, v in assessment.description.items()})
        initial.update({f"necessity-{k}": v for k, v in assessment.necessity.items()})
        return initial

    def parts(self, prefix):
        return [self[name] for name in self.fields if name.startswith(prefix + "-")]

    def values(self, prefix):
        return {
            name.split("-", 1)[1]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix + "-")
        }


class RiskForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of risk"), choices=Risk.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    impacts = forms.CharField(
        label=_("Impacts on people"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What it would mean for the people if it happened."),
    )
    threats = forms.CharField(
        label=_("Threats"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("How it could happen."),
    )
    sources = forms.CharField(
        label=_("Risk sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who or what could cause it: staff, outsiders, a supplier, an accident."),
    )
    severity = forms.TypedChoiceField(label=_("Severity"), choices=SCALE, coerce=int)
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), choices=SCALE, coerce=int)
    residual_severity = forms.TypedChoiceField(
        label=_("Severity after measures"), choices=SCALE, coerce=int
    )
    residual_likelihood = forms.TypedChoiceField(
        label=_("Likelihood after measures"), choices=SCALE, coerce=int
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The security measures of the register that address this risk."),
    )

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        rows = scoped(SecurityMeasure, organisation).exclude(status=Status.RETIRED)
        self.fields["measures"].choices = [
            (m.key, translated(m.name) or m.key) for m in rows.order_by("key")
        ]

    def values(self):
        data = dict(self.cleaned_data)
        keys = data.pop("measures")
        data["measures"] = list(scoped(SecurityMeasure, self.organisation).filter(key__in=keys))
        return data


class MeasureForm(forms.Form):
    risk = forms.TypedChoiceField(label=_("For the risk"), coerce=int)
    name_nl = forms.CharField(label=_("Name in Dutch"), max_length=300)
    name_en = forms.CharField(label=_("Name in English"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=SecurityMeasure.Kind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    key = forms.SlugField(
        label=_("Key"),
        max_length=80,
        required=False,
        help_text=_("Made from the name when left empty."),
    )

    def __init__(self, assessment, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].choices = [
            (risk.pk, f"R{number}: {risk.title}")
            for number, risk in enumerate(assessment.risks.all(), start=1)
        ]


class SignForm(forms.Form):
    advice = forms.CharField(
        label=_("Advice of the DPO or privacy officer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Art. 35(2): the controller seeks the advice of the DPO, where designated."),
    )
    advice_by = forms.CharField(label=_("Advice given by"), max_length=200, required=False)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Assessment.Decision.choices, widget=forms.RadioSelect
    )
    decision_reason = forms.CharField(
        label=_("Reasons for the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consulted_on = forms.DateField(
        label=_("AP consulted on"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs=DATE),
    )
    signed_by = forms.CharField(label=_("Signed by"), max_length=200)
    signed_on = forms.DateField(
        label=_("Signed on"), widget=forms.DateInput(format="%Y-%m-%d", attrs=DATE)
    )
    review_on = forms.DateField(
        label=_("Review date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs=DATE),
        help_text=_("When the DPIA is looked at again; at the latest when the processing changes."),
    )
