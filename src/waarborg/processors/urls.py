from django.urls import path

from waarborg.processors import views

app_name = "processors"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("settings/", views.settings_edit, name="settings"),
    path("services/new/", views.service_edit, name="service_add"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/publish/", views.statement_publish, name="statement_publish"),
    path("clients/<int:pk>/", views.client_detail, name="client"),
    path("clients/<int:pk>/register.<str:fmt>", views.client_register, name="client_register"),
    path("clients/<int:pk>/instructions/new/", views.instruction_add, name="instruction_add"),
    path("agreements/new/", views.agreement_edit, name="agreement_add"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement_document"),
    path("changes/new/", views.change_new, name="change_add"),
    path("changes/apply/", views.changes_apply, name="changes_apply"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/announce/", views.change_announce, name="change_announce"),
    path("changes/<int:pk>/reason/", views.change_reason, name="change_reason"),
    path(
        "changes/<int:pk>/clients/<int:row_pk>/answer/", views.change_answer, name="change_answer"
    ),
    path(
        "changes/<int:pk>/clients/<int:row_pk>/resolve/",
        views.objection_resolve,
        name="objection_resolve",
    ),
]
