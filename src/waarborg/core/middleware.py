from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class LanguageMiddleware(LocaleMiddleware):
    """Dutch unless the person chose otherwise with the language switch.

    The browser's Accept-Language is not followed: Waarborg is Dutch first, and a privacy
    officer on an English-language browser still expects the Dutch product until they switch.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class UserLanguageMiddleware:
    """After authentication: a signed-in person reads the language they chose with the switch,
    on every browser and device (User.language); otherwise the cookie's, as above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language in dict(settings.LANGUAGES) and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


# Everything a page uses comes from Waarborg itself: no CDN, no inline script or style.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy and Permissions-Policy on every page. Framing is refused
    (`frame-ancestors 'none'`) except for views marked `xframe_options_exempt`, such as the
    embeddable sign-up form, which any site of the organisation may show in a frame."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        embeddable = getattr(response, "xframe_options_exempt", False)
        ancestors = "frame-ancestors *" if embeddable else "frame-ancestors 'none'"
        response.headers.setdefault(
            "Content-Security-Policy", f"{CONTENT_SECURITY_POLICY}; {ancestors}"
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
