from django.urls import path

from waarborg.consent import views

app_name = "consent"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("purposes/new/", views.purpose_create, name="purpose_create"),
    path("purposes/<slug:key>/", views.purpose_edit, name="purpose_edit"),
    path("purposes/<slug:key>/import/", views.purpose_import, name="purpose_import"),
    path("people/", views.person, name="person"),
    path("people/export.<str:fmt>", views.person_export, name="person_export"),
    path("keys/", views.api_keys, name="api_keys"),
    path("keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
]
