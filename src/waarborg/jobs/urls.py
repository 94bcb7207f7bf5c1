from django.urls import path

from waarborg.jobs import views

app_name = "jobs"

urlpatterns = [path("imports/<int:pk>/", views.import_detail, name="import")]
