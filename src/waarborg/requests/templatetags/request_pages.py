"""What a request's page says in words of the codes a task's result keeps."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# sources.engine's evidence of what it did to a table's rows
EVIDENCE_ACTIONS = {
    "deleted": _("deleted"),
    "masked": _("personal fields masked"),
    "kept": _("kept as they were"),
    "held": _("kept under a legal hold"),
    "rectified": _("corrected"),
    "flagged": _("marked as restricted"),
    "lifted": _("restriction lifted"),
    "recorded": _("recorded"),
}


@register.filter
def evidence_action(code):
    """'masked' -> 'persoonsvelden gemaskeerd'; an unknown code as it is."""
    return EVIDENCE_ACTIONS.get(code, code)
