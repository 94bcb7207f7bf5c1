from django.urls import path

from waarborg.checks import views

app_name = "checks"

urlpatterns = [
    path("", views.findings, name="findings"),
    path("dismiss/", views.dismiss, name="dismiss"),
    path("dismissals/<int:pk>/restore/", views.restore, name="restore"),
]
