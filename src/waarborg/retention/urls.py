from django.urls import path

from waarborg.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run_now, name="run"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("reviews/<int:pk>/done/", views.review_done, name="review_done"),
    path("settings/", views.settings_page, name="settings"),
]
