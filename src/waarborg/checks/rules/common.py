"""Small questions the rules ask of register items (plain data, as in the YAML file)."""

import re

from waarborg.core.models import TermKind

MARKETING_PURPOSES = {"dpv:DirectMarketing"}
# Own customers: the soft opt-in and the existing-customer exception of Tw 11.7 cover them.
CUSTOMER_GROUPS = {"customer", "customer_contact"}
FINANCIAL_CATEGORIES = {"user.financial", "user.financial.invoice"}


def controller_side(context):
    """Activities in use where the organisation decides (controller or joint controller)."""
    return [a for a in context.activities if a["role"] != "processor"]


def all_text(value):
    """Every language of a text field (or a plain string), lower-cased, for a word search."""
    if not value:
        return ""
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values()).lower()
    return str(value).lower()


def texts(item, *fields):
    return " ".join(all_text(item.get(name)) for name in fields)


def mentions(text, *patterns):
    return any(re.search(pattern, text) for pattern in patterns)


def category_terms(context, item):
    return [
        term
        for code in item.get("data_categories", [])
        if (term := context.term(TermKind.DATA_CATEGORY, code)) is not None
    ]


def is_marketing(item):
    return bool(MARKETING_PURPOSES & set(item.get("purpose_terms", [])))


def non_customer_groups(context, item):
    return [
        context.label(TermKind.DATA_SUBJECT, code)
        for code in item.get("data_subjects", [])
        if code not in CUSTOMER_GROUPS
    ]


def uses_email(item):
    return "user.contact.email" in item.get("data_categories", []) or "user.contact" in item.get(
        "data_categories", []
    )


def calls(item):
    """Telemarketing: phone numbers, and the purpose speaks of calling."""
    categories = set(item.get("data_categories", []))
    if not categories & {"user.contact.phone_number", "user.contact"}:
        return False
    return mentions(texts(item, "purpose", "name"), r"\bbel", r"telefo", r"\bcall", r"\bphone")


def sms(item):
    return "user.contact.phone_number" in item.get("data_categories", []) and mentions(
        texts(item, "purpose", "name"), r"\bsms", r"text message", r"whatsapp"
    )
