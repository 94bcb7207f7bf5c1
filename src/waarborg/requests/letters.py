"""Letters and e-mails of requests: shipped in Dutch and English, editable per organisation.

A letter is plain text in Django's template language; its first line is the subject. The
shipped texts live in `letters/<language>/<key>.txt`; an organisation's `LetterTemplate`
replaces one for its own letters.
"""

from functools import lru_cache
from pathlib import Path

from django.core.mail import EmailMessage
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, NodeList, Variable
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waarborg.requests.models import LetterTemplate

HERE = Path(__file__).parent / "letters"

LETTERS = {
    "acknowledgement": gettext_lazy("Acknowledgement with the verification link"),
    "id_request": gettext_lazy("Request for a copy of an identity document"),
    "extension": gettext_lazy("Extension of the deadline"),
    "forwarded": gettext_lazy("To the person: forwarded to the controller"),
    "controller_forward": gettext_lazy("To the client-controller: the forwarded request"),
    "answer_access": gettext_lazy("Answer: access"),
    "answer_portability": gettext_lazy("Answer: data portability"),
    "answer_rectification": gettext_lazy("Answer: rectification"),
    "answer_erasure": gettext_lazy("Answer: erasure"),
    "answer_restriction": gettext_lazy("Answer: restriction"),
    "answer_objection": gettext_lazy("Answer: objection"),
    "answer_withdrawal": gettext_lazy("Answer: withdrawal of consent"),
    "refusal": gettext_lazy("Refusal, in whole or in part"),
    "routes": gettext_lazy("Complaint and court routes (Art. 12(4))"),
    "recipient_notice": gettext_lazy(
        "To a recipient: rectification, erasure or restriction (Art. 19)"
    ),
    "reminder": gettext_lazy("Daily reminder to staff"),
    "restriction_lifting": gettext_lazy("To the person: a restriction will be lifted (Art. 18(3))"),
    "portability_transmission": gettext_lazy(
        "To the controller the person named: the data, transmitted directly (Art. 20(2))"
    ),
}

# The variables every letter may use (see _context in actions/common.py).
COMMON = (
    "organisation",
    "reference",
    "name",
    "email",
    "phone",
    "description",
    "kind",
    "received",
    "due",
    "contact",
    "authority",
)
ANSWER = ("note", "routes", "statements", "recipients", "held", "purposes", "direct_marketing")
# Per letter: the variables it may use besides COMMON, and those its text must contain.
SPEC = {
    "acknowledgement": (("link", "link_valid_until", "pause"), ("reference", "link")),
    "id_request": (("link", "link_valid_until", "note"), ("link",)),
    "extension": (("reason",), ("reason", "due")),
    "forwarded": (("controller", "controller_contact"), ("controller",)),
    "controller_forward": (("controller", "controller_contact", "note"), ("reference",)),
    "answer_access": ((*ANSWER, "link", "link_valid_until"), ("link", "statements")),
    "answer_portability": (
        (*ANSWER, "link", "link_valid_until", "transmitted_to", "not_feasible"),
        ("link",),
    ),
    "answer_rectification": (ANSWER, ("statements",)),
    "answer_erasure": (ANSWER, ("statements",)),
    "answer_restriction": (ANSWER, ("statements",)),
    "answer_objection": ((*ANSWER, "activities"), ("statements",)),
    "answer_withdrawal": (ANSWER, ("purposes",)),
    "refusal": (
        ("ground", "reasons", "partly", "routes", "statements", "recipients"),
        ("ground", "reasons", "routes"),
    ),
    "routes": ((), ("authority",)),
    "recipient_notice": (
        ("action", "done", "note", "systems", "corrected"),
        ("reference", "action", "systems"),
    ),
    "reminder": (("items",), ("items",)),
    "restriction_lifting": (("systems", "restriction_ground"), ("systems",)),
    "portability_transmission": (
        ("controller", "link", "link_valid_until"),
        ("link", "link_valid_until"),
    ),
}


class SandboxEngine(Engine):
    default_builtins = []


# Plain text: nothing is HTML-escaped; only the sandbox's tags and filters exist.
ENGINE = SandboxEngine(autoescape=False, libraries={}, builtins=["waarborg.requests.sandbox"])


class LetterError(Exception):
    pass


def declared(key):
    extra, _required = SPEC.get(key, ((), ()))
    return (*COMMON, *extra)


def required(key):
    return SPEC.get(key, ((), ()))[1]


@lru_cache(maxsize=64)
def shipped(key, language):
    text = (HERE / language / f"{key}.txt").read_text(encoding="utf-8")
    subject, _newline, body = text.partition("\n")
    return subject.strip(), body


def texts(organisation, key, language):
    """(subject, body) of a letter: the organisation's own wording, else the shipped one."""
    own = LetterTemplate.objects.filter(organisation=organisation, key=key, language=language)
    own = own.first()
    if own is not None:
        return own.subject, own.body
    return shipped(key, language)


def _used(node, names, defined):
    """Collect the variable names a parsed template reads, and those it defines itself."""
    if isinstance(node, FilterExpression):
        if isinstance(node.var, Variable) and node.var.lookups:
            names.add(node.var.lookups[0])
        for _func, args in node.filters:
            for is_variable, arg in args:
                if is_variable and isinstance(arg, Variable) and arg.lookups:
                    names.add(arg.lookups[0])
        return
    if isinstance(node, list | tuple | NodeList):
        for item in node:
            _used(item, names, defined)
        return
    if isinstance(node, dict):
        defined.update(k for k in node if isinstance(k, str))
        for item in node.values():
            _used(item, names, defined)
        return
    if isinstance(node, Node) or hasattr(node, "first") or hasattr(node, "value"):
        loopvars = getattr(node, "loopvars", None)
        if loopvars:
            defined.update(loopvars)
        for attr in ("first", "second", "value"):
            if hasattr(node, attr) and not isinstance(node, Node):
                _used(getattr(node, attr), names, defined)
        if isinstance(node, Node):
            for value in vars(node).values():
                if value is not node:
                    _used(value, names, defined)


def variables(text):
    """The variable names a template text reads (loop variables and with-names left out)."""
    template = ENGINE.from_string(text)
    names, defined = set(), {"forloop"}
    _used(template.nodelist, names, defined)
    return names - defined


def check_template(text, key=None):
    """Raise LetterError with the reason when `text` is not a valid letter template: a syntax
    error, a tag or filter outside the sandbox, or (with `key`) a variable the letter does not
    declare."""
    try:
        used = variables(text)
    except TemplateSyntaxError as error:
        raise LetterError(str(error)) from error
    if key is not None:
        unknown = sorted(used - set(declared(key)))
        if unknown:
            raise LetterError(_("unknown placeholders: %(names)s") % {"names": ", ".join(unknown)})
    return used


def check_letter(key, subject, body):
    """Raise LetterError when an own wording may not be saved: an empty subject or body, an
    invalid template, or a required placeholder missing."""
    if not (subject or "").strip() or not (body or "").strip():
        raise LetterError(_("the subject and the text may not be empty"))
    used = check_template(subject, key) | check_template(body, key)
    missing = [name for name in required(key) if name not in used]
    if missing:
        raise LetterError(
            _("required placeholders missing: %(names)s") % {"names": ", ".join(missing)}
        )


def organisation_data(organisation):
    return {
        "name": organisation.name,
        "privacy_email": organisation.privacy_email,
        "website": organisation.website,
        "street_address": organisation.street_address,
        "postal_code": organisation.postal_code,
        "city": organisation.city,
    }


def fill(key, subject, body, context):
    """Render subject and body with only the letter's declared variables, as plain data."""
    allowed = set(declared(key))
    context = Context({name: value for name, value in context.items() if name in allowed})
    return (
        ENGINE.from_string(subject).render(context).strip(),
        ENGINE.from_string(body).render(context).strip() + "\n",
    )


def render(organisation, key, language, context):
    """(subject, body) rendered in `language` (dates and filters too)."""
    context = {**context, "organisation": organisation_data(organisation)}
    with translation.override(language):
        subject, body = texts(organisation, key, language)
        try:
            check_letter(key, subject, body)
            return fill(key, subject, body, context)
        except (TemplateSyntaxError, LetterError):
            # An own wording that is broken, or misses what the law needs said, must not stop
            # or spoil a legal answer: fall back to the shipped one.
            return fill(key, *shipped(key, language), context)


def send(organisation, key, language, context, *, to):
    subject, body = render(organisation, key, language, context)
    return deliver(organisation, subject, body, to=to)


def deliver(organisation, subject, body, *, to):
    reply_to = [organisation.privacy_email] if organisation.privacy_email else None
    message = EmailMessage(subject=subject, body=body, to=[to], reply_to=reply_to)
    message.send()
    return message
