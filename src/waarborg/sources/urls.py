from django.urls import path

from waarborg.sources import views

app_name = "sources"

urlpatterns = [
    path("", views.overview, name="list"),
    path("<str:key>/", views.detail, name="detail"),
    path("<str:key>/connect/", views.connect, name="connect"),
    path("<str:key>/draft/", views.draft, name="draft"),
    path("<str:key>/check/", views.check, name="check"),
    path("<str:key>/disconnect/", views.disconnect, name="disconnect"),
    path("<str:key>/find/", views.find, name="find"),
]
