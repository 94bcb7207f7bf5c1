from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from waarborg.core import views
from waarborg.core.forms import AuditedSetPasswordForm

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Signing in and out is allauth's (waarborg/signin), at the addresses staff know.
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(
            template_name="core/password_reset.html",
            email_template_name="core/emails/password_reset.txt",
            subject_template_name="core/emails/password_reset_subject.txt",
            success_url=reverse_lazy("core:password_reset_done"),
            # Links in e-mail point at the configured address, never at the request's Host.
            extra_email_context={"base_url": settings.BASE_URL},
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password_reset_confirm.html",
            form_class=AuditedSetPasswordForm,
            success_url=reverse_lazy("core:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("no-organisation/", views.no_organisation, name="no_organisation"),
    path("organisation/switch/", views.switch_organisation, name="switch_organisation"),
    path("organisation/new/", views.organisation_create, name="organisation_create"),
    path("organisation/", views.organisation_edit, name="organisation_edit"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invite, name="invite"),
    path("members/<int:pk>/role/", views.change_role, name="change_role"),
    path("members/<int:pk>/remove/", views.remove_member, name="remove_member"),
    path("invitations/<int:pk>/revoke/", views.revoke_invitation, name="revoke_invitation"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
