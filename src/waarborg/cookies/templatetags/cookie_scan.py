from django import template

from waarborg.cookies import report
from waarborg.cookies.models import Pass

register = template.Library()


@register.simple_tag
def pass_label(value):
    return Pass(value).label if value in Pass.values else value


@register.simple_tag
def category_label(value):
    return report.CATEGORY_LABELS.get(value, value)


@register.simple_tag
def lifetime(days):
    return report.lifetime(days)


@register.simple_tag
def progress_bar(done, total):
    from django.utils.html import format_html

    return format_html(
        '<progress value="{}" max="{}">{} / {}</progress>', done, total or 1, done, total
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)
