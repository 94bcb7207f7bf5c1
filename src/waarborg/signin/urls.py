from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from waarborg.signin import views

app_name = "signin"

urlpatterns = [
    path("sign-in/organisation/", views.provider_sign_in, name="provider"),
    path("security/", views.security, name="security"),
    path("security/providers/", views.providers, name="providers"),
    path("security/providers/<int:pk>/remove/", views.remove_provider, name="remove_provider"),
]

# allauth's own pages, below accounts/. Staff reset a password with the pages of core (one way
# to do it), and nobody signs up: accounts come from invitations.
allauth_urlpatterns = [
    path(
        "accounts/password/reset/",
        RedirectView.as_view(url=reverse_lazy("core:password_reset")),
    ),
    path("accounts/signup/", RedirectView.as_view(url=reverse_lazy("core:login"))),
    path("accounts/", include("allauth.urls")),
]
