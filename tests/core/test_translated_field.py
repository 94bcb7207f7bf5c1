"""A translated text field keeps whether it is required through the migrations' state: its
blank defaults to True, so a field declared blank=False must say so when deconstructed."""

from waarborg.core.fields import TranslatedTextField


def _rebuilt(field):
    _name, _path, args, kwargs = field.deconstruct()
    return TranslatedTextField(*args, **kwargs)


def test_a_required_translated_field_stays_required_when_rebuilt():
    required = TranslatedTextField("name", blank=False)
    assert _rebuilt(required).blank is False
    assert _rebuilt(required).formfield().text_required is True


def test_an_optional_translated_field_stays_optional_when_rebuilt():
    optional = TranslatedTextField("note", multiline=True)
    rebuilt = _rebuilt(optional)
    assert rebuilt.blank is True and rebuilt.multiline is True
    assert rebuilt.formfield().text_required is False
