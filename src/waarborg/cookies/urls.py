from django.urls import path

from waarborg.cookies import views

app_name = "cookies"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("websites/add/", views.website_add, name="website_add"),
    path("websites/<int:pk>/", views.website, name="website"),
    path("websites/<int:pk>/edit/", views.website_edit, name="website_edit"),
    path("websites/<int:pk>/delete/", views.website_delete, name="website_delete"),
    path("websites/<int:pk>/scan/", views.scan_now, name="scan_now"),
    path("scans/<int:pk>/", views.scan, name="scan"),
    path("scans/<int:pk>/screenshot/", views.screenshot, name="screenshot"),
    path("scans/<int:pk>/compare/<int:other>/", views.compare, name="compare"),
    path("classify/", views.classify, name="classify"),
    path("classify/<int:pk>/remove/", views.classify_remove, name="classify_remove"),
    path("settings/", views.settings_edit, name="settings"),
]
