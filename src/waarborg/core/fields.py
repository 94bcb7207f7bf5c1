"""Text kept in Dutch and English side by side: {"nl": "...", "en": "..."} in a JSON column.

Dutch is required where the field is; English falls back to Dutch when left empty, so a firm
that writes only Dutch still gets a complete (if Dutch) English statement.
"""

from django import forms
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("nl", "en")


def translated(value, language=None):
    """The text of `value` in `language` (default: the active one), falling back to Dutch."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    language = (language or get_language() or "nl")[:2]
    return value.get(language) or value.get("nl") or value.get("en") or ""


def normalise(value):
    """A canonical dict with both languages, stripped; {} when both are empty."""
    if not value:
        return {}
    if isinstance(value, str):
        value = {"nl": value}
    cleaned = {lang: (value.get(lang) or "").strip() for lang in LANGUAGES}
    return cleaned if any(cleaned.values()) else {}


class TranslatedWidget(forms.MultiWidget):
    template_name = "core/widgets/translated.html"

    def __init__(self, multiline=False, attrs=None):
        widget = forms.Textarea(attrs={"rows": 3}) if multiline else forms.TextInput()
        super().__init__([widget, type(widget)(attrs=widget.attrs)], attrs)

    def get_context(self, name, value, attrs):
        """Each language's input is named by the field's label and its language (the label
        of form_fields.html has the id `<field id>-label`), so a screen reader says "Naam,
        Nederlands" and the label's `for` need not point at one of the two."""
        context = super().get_context(name, value, attrs)
        base = context["widget"]["attrs"].get("id")
        if base:
            for sub in context["widget"]["subwidgets"]:
                sub_id = sub["attrs"].get("id")
                if sub_id:
                    sub["attrs"]["aria-labelledby"] = f"{base}-label {sub_id}-lang"
                    sub["lang_id"] = f"{sub_id}-lang"
        return context

    def decompress(self, value):
        value = normalise(value)
        return [value.get("nl", ""), value.get("en", "")]


class TranslatedFormField(forms.MultiValueField):
    def __init__(self, *, multiline=False, required=False, **kwargs):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        fields = [forms.CharField(required=False), forms.CharField(required=False)]
        super().__init__(
            fields,
            widget=TranslatedWidget(multiline=multiline),
            required=False,
            require_all_fields=False,
            **kwargs,
        )
        self.text_required = required

    def compress(self, data_list):
        nl, en = (list(data_list) + ["", ""])[:2]
        return normalise({"nl": nl, "en": en})

    def clean(self, value):
        result = super().clean(value)
        if self.text_required and not result.get("nl"):
            raise forms.ValidationError(_("Fill in at least the Dutch text."), code="required")
        return result


class TranslatedTextField(models.JSONField):
    """A model field holding `{"nl": ..., "en": ...}`."""

    def __init__(self, *args, multiline=False, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.multiline:
            kwargs["multiline"] = True
        # blank defaults to True here, not to Field's False: written out only when it is not,
        # so a required field stays required in the migrations' state.
        kwargs.pop("blank", None)
        if not self.blank:
            kwargs["blank"] = False
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return TranslatedFormField(
            multiline=self.multiline,
            required=not self.blank,
            label=kwargs.get("label", self.verbose_name),
            help_text=kwargs.get("help_text", self.help_text),
        )
