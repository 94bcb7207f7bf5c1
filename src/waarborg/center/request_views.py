"""Public pages of requests: the request form, verification of the address, the upload of an
ID copy when staff asked for one, and the download of an access package.

Nothing here says whether a person or an address is known to the organisation: every valid
form gets the same page and the same e-mail, and bad links get one page for every reason."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _

from waarborg.consent.actions import truncate_ip
from waarborg.core.clients import client_ip
from waarborg.core.models import Organisation
from waarborg.requests import actions
from waarborg.requests.actions import ID_SALT, VERIFY_SALT, RequestError
from waarborg.requests.forms import IdUploadForm, IntakeForm
from waarborg.requests.models import Verification

LANGUAGES = dict(settings.LANGUAGES)
# (attempts, minutes) per IP address and per e-mail address
SUBMIT_PER_IP = (10, 60)
SUBMIT_PER_ADDRESS = (3, 60)
LINK_PER_IP = (30, 60)
VERIFY_PER_ADDRESS = (10, 60)


def _language(request):
    wanted = request.POST.get("lang") or request.GET.get("lang") or request.LANGUAGE_CODE
    return wanted if wanted in LANGUAGES else "nl"


def _ip(request):
    return client_ip(request)


def _render(request, organisation, template, language, status=200, **context):
    with translation.override(language):
        return render(
            request,
            template,
            {"organisation": organisation, "language": language, **context},
            status=status,
        )


def _link_allowed(request):
    return actions.allow("link-ip", _ip(request), limit=LINK_PER_IP[0], minutes=LINK_PER_IP[1])


def _too_many(request, organisation, language):
    return _render(request, organisation, "center/requests/too_many.html", language, status=429)


def _bad_link(request, organisation, language):
    return _render(request, organisation, "center/requests/bad_link.html", language, status=400)


def request_form(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    language = _language(request)
    with translation.override(language):
        form = IntakeForm(request.POST or None, initial={"language": language})
        if request.method == "POST":
            if not actions.allow(
                "submit-ip", _ip(request), limit=SUBMIT_PER_IP[0], minutes=SUBMIT_PER_IP[1]
            ):
                return _too_many(request, organisation, language)
            if form.is_valid():
                data = form.cleaned_data
                if not actions.allow(
                    "submit-address",
                    data["email"],
                    limit=SUBMIT_PER_ADDRESS[0],
                    minutes=SUBMIT_PER_ADDRESS[1],
                ):
                    return _too_many(request, organisation, language)
                try:
                    actions.create_request(
                        organisation,
                        actor=None,
                        channel="web",
                        **{
                            name: data[name]
                            for name in (
                                "kind",
                                "name",
                                "email",
                                "phone",
                                "customer_number",
                                "postal_address",
                                "company_name",
                                "kvk_number",
                                "company_address",
                                "description",
                                "direct_marketing",
                                "language",
                                "transmit_to",
                                "transmit_email",
                            )
                        },
                    )
                except RequestError as error:
                    form.add_error(None, str(error))
                else:
                    return _render(
                        request,
                        organisation,
                        "center/requests/check_mail.html",
                        data["language"],
                        email=data["email"],
                    )
    status = 400 if form.errors else 200
    return _render(request, organisation, "center/requests/form.html", language, status, form=form)


def verify(request, slug, token):
    """GET shows a button; only the POST verifies, so that mail scanners that follow links do
    not verify on the person's behalf."""
    organisation = get_object_or_404(Organisation, slug=slug)
    language = _language(request)
    if not _link_allowed(request):
        return _too_many(request, organisation, language)
    subject_request = actions.request_from_token(organisation, token, VERIFY_SALT)
    if subject_request is None:
        return _bad_link(request, organisation, language)
    language = subject_request.language
    if request.method == "POST" and not actions.allow(
        "verify-address",
        subject_request.email,
        limit=VERIFY_PER_ADDRESS[0],
        minutes=VERIFY_PER_ADDRESS[1],
    ):
        return _too_many(request, organisation, language)
    # a link that verified is spent: clicked again it shows that, and verifies nothing again
    done = actions.link_spent(organisation, token) or (
        subject_request.is_verified and actions.email_verified(subject_request)
    )
    if request.method == "POST" and not done:
        actions.verify_request(
            subject_request,
            actor=None,
            method=Verification.EMAIL_LINK,
            note=_("link clicked from %s") % truncate_ip(_ip(request)),
        )
        actions.spend_link(organisation, token)
        subject_request.refresh_from_db()
        done = True
    return _render(
        request,
        organisation,
        "center/requests/verify.html",
        language,
        subject_request=subject_request,
        done=done,
    )


def id_upload(request, slug, token):
    organisation = get_object_or_404(Organisation, slug=slug)
    language = _language(request)
    if not _link_allowed(request):
        return _too_many(request, organisation, language)
    subject_request = actions.request_from_token(organisation, token, ID_SALT)
    if subject_request is None or subject_request.is_verified:
        return _bad_link(request, organisation, language)
    language = subject_request.language
    with translation.override(language):
        form = IdUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.upload_id_copy(
                    subject_request,
                    form.cleaned_data["document"],
                    form.cleaned_data["kind"] or "id_copy",
                )
            except RequestError as error:
                form.add_error(None, str(error))
            else:
                return _render(
                    request,
                    organisation,
                    "center/requests/id_received.html",
                    language,
                    subject_request=subject_request,
                )
    return _render(
        request,
        organisation,
        "center/requests/id_upload.html",
        language,
        status=400 if form.errors else 200,
        form=form,
        subject_request=subject_request,
    )


def download(request, slug, token, member=None):
    """The package page; `member` is the ZIP itself or one file in it (the report)."""
    import zipfile
    from io import BytesIO

    organisation = get_object_or_404(Organisation, slug=slug)
    language = _language(request)
    if not _link_allowed(request):
        return _too_many(request, organisation, language)
    package = actions.package_from_token(organisation, token)
    if package is None:
        return _bad_link(request, organisation, language)
    language = package.request.language
    content = package.content()
    with zipfile.ZipFile(BytesIO(content)) as archive:
        names = archive.namelist()
        if member is None:
            reports = [n for n in names if n.split(".")[0] in ("rapport", "report")]
            return _render(
                request,
                organisation,
                "center/requests/download.html",
                language,
                package=package,
                token=token,
                reports=reports,
                documents=any(n.endswith(("documenten.csv", "documents.csv")) for n in names),
                subject_request=package.request,
            )
        if member != package.name and member not in names:
            raise Http404
        body = content if member == package.name else archive.read(member)
    actions.record_download(package, ip=truncate_ip(_ip(request)))
    types = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "zip": "application/zip"}
    response = HttpResponse(
        body, content_type=types.get(member.rsplit(".", 1)[-1], "application/octet-stream")
    )
    if not member.endswith(".html"):
        response["Content-Disposition"] = f'attachment; filename="{member}"'
    else:  # the report: its own inline style only
        from waarborg.requests.package import report_policy

        response["Content-Security-Policy"] = report_policy(body.decode("utf-8", "replace"))
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
