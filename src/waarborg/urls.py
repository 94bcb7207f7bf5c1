from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("audit/", include("waarborg.audit.urls")),
    path("register/", include("waarborg.register.urls")),
    path("api/", include("waarborg.api.urls")),
    path("consent/", include("waarborg.consent.urls")),
    path("requests/", include("waarborg.requests.urls")),
    path("retention/", include("waarborg.retention.urls")),
    path("sources/", include("waarborg.sources.urls")),
    path("statement/", include("waarborg.notices.urls")),
    path("c/", include("waarborg.center.urls")),
    path("", include("waarborg.core.urls")),
]
