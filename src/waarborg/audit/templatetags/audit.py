from django import template

from waarborg.audit.labels import action_label

register = template.Library()


@register.filter
def audit_label(code):
    """An audit action code in words, in the active language."""
    return action_label(code)
