"""Public consent pages: sign up (with double opt-in), confirm, unsubscribe (also RFC 8058
one-click), and a preferences page reached through a link sent to the address."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from waarborg.center.limits import within
from waarborg.consent import actions, links
from waarborg.consent.actions import ConsentError, Evidence
from waarborg.consent.mailing import ADDRESS_FIELDS, NAME_FIELDS, asked_fields, field_labels
from waarborg.consent.models import Action, ConsentPurpose, ConsentState, KeyKind
from waarborg.core.models import Organisation

LANGUAGES = dict(settings.LANGUAGES)
CONTACT_FIELDS = NAME_FIELDS + ADDRESS_FIELDS


def _language(request):
    wanted = request.POST.get("lang") or request.GET.get("lang") or request.LANGUAGE_CODE
    return wanted if wanted in LANGUAGES else "nl"


def _render(request, organisation, template, language, status=200, **context):
    with translation.override(language):
        response = render(
            request,
            template,
            {"organisation": organisation, "language": language, **context},
            status=status,
        )
    return response


FORM_SALT = "consent-signup-form"
FORM_AGE = timedelta(days=1)


def form_token(purpose):
    """A signed token in the sign-up form, in place of the CSRF cookie: embedded in another
    site's frame the browser sends Waarborg no cookie (SameSite), so the form carries its own
    proof that it was loaded from Waarborg for this purpose, in the last day."""
    return signing.dumps({"p": purpose.pk}, salt=FORM_SALT)


def _form_token_valid(purpose, token):
    try:
        return signing.loads(token, salt=FORM_SALT, max_age=FORM_AGE).get("p") == purpose.pk
    except (signing.BadSignature, AttributeError):
        return False


def _too_many(request, organisation, language):
    return _render(request, organisation, "center/requests/too_many.html", language, status=429)


@csrf_exempt  # the signed form token is the check, also in a cross-site frame
@xframe_options_exempt  # the form may be embedded in the organisation's own site
def subscribe(request, slug, key):
    organisation = get_object_or_404(Organisation, slug=slug)
    purpose = get_object_or_404(
        ConsentPurpose, organisation=organisation, key=key, active=True, channel="email"
    )
    language = _language(request)
    embed = request.GET.get("embed") == "1" or request.POST.get("embed") == "1"
    context = {
        "purpose": purpose,
        "embed": embed,
        "wording": purpose.current_version().wording,
        "values": request.POST,
        "page": request.POST.get("page") or request.META.get("HTTP_REFERER", ""),
        "form_token": form_token(purpose),
    }
    with translation.override(language):
        labels = field_labels()
        context["contact_fields"] = [
            {"name": name, "label": labels[name], "required": required, "value": ""}
            for name, required in asked_fields(purpose)
        ]
    for field in context["contact_fields"]:
        field["value"] = request.POST.get(field["name"], "")
    if request.method == "POST":
        if not within(request, "consent-signup", request.POST.get("email", "")):
            return _too_many(request, organisation, language)
        with translation.override(language):
            try:
                if not _form_token_valid(purpose, request.POST.get("form_token", "")):
                    raise ConsentError(_("This form has expired. Load the page again."))
                if not request.POST.get("agree"):
                    raise ConsentError(_("Tick the box to agree."))
                actions.subscribe(
                    purpose,
                    request.POST.get("email", ""),
                    language=language,
                    evidence=Evidence.from_request(request, page=request.POST.get("page", "")),
                    age=request.POST.get("age") or None,
                    parental_consent=bool(request.POST.get("parental_consent")),
                    contact={name: request.POST.get(name, "") for name in CONTACT_FIELDS},
                )
            except ConsentError as error:
                context["error"] = str(error)
            else:
                return _render(
                    request, organisation, "center/consent/check_mail.html", language, **context
                )
    status = 400 if "error" in context else 200
    return _render(
        request, organisation, "center/consent/subscribe.html", language, status, **context
    )


def _link_evidence(request, token):
    """The proof of a step taken through an e-mailed link: the page without the link's id (a
    credential, and in links sent before, the address)."""
    return Evidence.from_request(request, page=request.path.replace(token, "…"))


def _purpose_of(organisation, purpose_id):
    return get_object_or_404(ConsentPurpose, pk=purpose_id, organisation=organisation)


def _link_expired(request, organisation):
    return _render(
        request, organisation, "center/consent/link_expired.html", _language(request), status=400
    )


def confirm(request, slug, token):
    organisation = get_object_or_404(Organisation, slug=slug)
    try:
        data = links.read_confirm(token)
    except links.LinkError:
        return _link_expired(request, organisation)
    purpose, language = _purpose_of(organisation, data["p"]), data.get("l", "nl")
    done = False
    if request.method == "POST":
        if not within(request, "consent-confirm", data["k"], per_ip=(30, 60)):
            return _too_many(request, organisation, language)
        actions.confirm(
            purpose, data["k"], evidence=_link_evidence(request, token), language=language
        )
        done = True
    return _render(
        request,
        organisation,
        "center/consent/confirm.html",
        language,
        purpose=purpose,
        done=done,
        wording=purpose.current_version().wording,
    )


@csrf_exempt  # the signed token is the permission; mail clients post here without a form
def unsubscribe(request, slug, token):
    organisation = get_object_or_404(Organisation, slug=slug)
    try:
        data = links.read_unsubscribe(token)
    except links.LinkError:
        return _link_expired(request, organisation)
    purpose = _purpose_of(organisation, data["p"])
    evidence = _link_evidence(request, token)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        actions.unsubscribe(purpose, data["k"], evidence=evidence, one_click=one_click)
        if request.POST.get("object") and purpose.direct_marketing:
            actions.object_to_direct_marketing(
                organisation, data["k"], source="email_link", evidence=evidence
            )
        if one_click:
            return HttpResponse(status=200)
        return _render(
            request,
            organisation,
            "center/consent/unsubscribed.html",
            _language(request),
            purpose=purpose,
        )
    return _render(
        request,
        organisation,
        "center/consent/unsubscribe.html",
        _language(request),
        purpose=purpose,
        token=token,
    )


def preferences(request, slug):
    """Ask for the address; the link to the choices goes there (the same for every address)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    language = _language(request)
    if request.method == "POST":
        if not within(request, "consent-preferences", request.POST.get("email", "")):
            return _too_many(request, organisation, language)
        with translation.override(language):
            try:
                actions.request_preferences(
                    organisation, request.POST.get("email", ""), language=language
                )
            except ConsentError as error:
                return _render(
                    request,
                    organisation,
                    "center/consent/preferences_ask.html",
                    language,
                    status=400,
                    error=str(error),
                )
        return _render(request, organisation, "center/consent/check_mail.html", language)
    return _render(request, organisation, "center/consent/preferences_ask.html", language)


def preferences_page(request, slug, token):
    organisation = get_object_or_404(Organisation, slug=slug)
    try:
        data = links.read_preferences(token)
    except links.LinkError:
        return _link_expired(request, organisation)
    if data["o"] != organisation.pk:
        raise Http404
    key, language = data["k"], data.get("l", "nl")
    evidence = _link_evidence(request, token)
    if request.method == "POST":
        if request.POST.get("object_all"):
            actions.object_to_direct_marketing(organisation, key, source="form", evidence=evidence)
        elif request.POST.get("withdraw"):
            purpose = get_object_or_404(
                ConsentPurpose, organisation=organisation, key=request.POST["withdraw"]
            )
            # stopping an opt-out purpose (legitimate interest) is an objection (Art. 21)
            stop = Action.OBJECTED if purpose.mechanism == "opt_out" else Action.WITHDRAWN
            actions.record_event(
                purpose, key, stop, source="form", evidence=evidence, kind=KeyKind.EMAIL
            )
    rows = actions.preferences(organisation, key)
    return _render(
        request,
        organisation,
        "center/consent/preferences.html",
        language,
        rows=rows,
        key=key,
        Status=ConsentState.Status,
    )
