from django.urls import path

from waarborg.breaches import views

app_name = "breaches"

urlpatterns = [
    path("", views.breach_list, name="list"),
    path("add/", views.breach_add, name="add"),
    path("export.<str:fmt>", views.register_export, name="export"),
    path("<int:pk>/", views.breach_detail, name="detail"),
    path("<int:pk>/edit/", views.breach_edit, name="edit"),
    path("<int:pk>/notes/", views.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note>/file/", views.attachment, name="attachment"),
    path("<int:pk>/assess/", views.assess, name="assess"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/notifications/", views.prepare, name="prepare"),
    path("<int:pk>/notifications/<int:version>/", views.notification, name="notification"),
    path(
        "<int:pk>/notifications/<int:version>/pdf/", views.notification_pdf, name="notification_pdf"
    ),
    path("<int:pk>/notifications/<int:version>/submitted/", views.submission, name="submission"),
    path("<int:pk>/notifications/<int:version>/reference/", views.reference, name="reference"),
    path("<int:pk>/communication/", views.communication, name="communication"),
    path("<int:pk>/letters/", views.letters, name="letters"),
    path("<int:pk>/letters/found/", views.found_addresses, name="found_addresses"),
    path("<int:pk>/letters/found/send/", views.found_letters, name="found_letters"),
    path("<int:pk>/controllers/", views.controller_notify, name="controller_notify"),
]
