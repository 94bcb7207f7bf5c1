from django.urls import path

from waarborg.consent import views

app_name = "consent"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("purposes/new/", views.purpose_create, name="purpose_create"),
    path("purposes/<slug:key>/", views.purpose_edit, name="purpose_edit"),
    path("purposes/<slug:key>/import/", views.purpose_import, name="purpose_import"),
    path("purposes/<slug:key>/hooks/", views.hook_add, name="hook_add"),
    path("purposes/<slug:key>/hooks/<int:pk>/revoke/", views.hook_revoke, name="hook_revoke"),
    path(
        "purposes/<slug:key>/may-contact.<str:service>.csv",
        views.may_contact_export,
        name="may_contact_export",
    ),
    path("hooks/<str:token>", views.hook, name="hook"),
    path("people/", views.person, name="person"),
    path("people/export.<str:fmt>", views.person_export, name="person_export"),
    path("keys/", views.api_keys, name="api_keys"),
    path("keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
]
