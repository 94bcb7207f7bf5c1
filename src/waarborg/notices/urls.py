from django.urls import path

from waarborg.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("publish/", views.publish, name="publish"),
    path("settings/", views.edit_settings, name="settings"),
    path("compare/", views.compare, name="compare"),
    path("notify/", views.notify, name="notify"),
    path("notify/<int:pk>/", views.notice_detail, name="notice"),
]
