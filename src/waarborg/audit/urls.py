from django.urls import path

from waarborg.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("export.csv", views.export, name="export"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:seq>/", views.entry_detail, name="detail"),
]
