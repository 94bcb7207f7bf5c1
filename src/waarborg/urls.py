from django.urls import include, path

from waarborg.checks.views import todo
from waarborg.core.views import set_language
from waarborg.signin.urls import allauth_urlpatterns

urlpatterns = [
    # the language switch: Django's, and kept with a signed-in person's account
    path("i18n/setlang/", set_language, name="set_language"),
    path("audit/", include("waarborg.audit.urls")),
    path("register/", include("waarborg.register.urls")),
    path("api/", include("waarborg.api.urls")),
    path("consent/", include("waarborg.consent.urls")),
    path("requests/", include("waarborg.requests.urls")),
    path("retention/", include("waarborg.retention.urls")),
    path("sources/documents/", include("waarborg.documents.urls")),
    path("sources/", include("waarborg.sources.urls")),
    path("statement/", include("waarborg.notices.urls")),
    path("checks/", include("waarborg.checks.urls")),
    path("cookies/", include("waarborg.cookies.urls")),
    path("catalogue/", include("waarborg.catalogue.urls")),
    path("dpia/", include("waarborg.dpia.urls")),
    path("breaches/", include("waarborg.breaches.urls")),
    path("jobs/", include("waarborg.jobs.urls")),
    path("processors/", include("waarborg.processors.urls")),
    path("c/", include("waarborg.processors.public_urls")),
    path("c/", include("waarborg.center.urls")),
    *allauth_urlpatterns,
    path("", include("waarborg.signin.urls")),
    # The dashboard (`core:dashboard`) is the to-do list of the checks; core names no domain app.
    path("", todo),
    path("", include("waarborg.core.urls")),
]
