from django.urls import path

from waarborg.dpia import views

app_name = "dpia"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("screening.xlsx", views.screening_export, name="screening_xlsx"),
    path("screen/<str:key>/", views.screen, name="screen"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/risks/new/", views.risk, name="risk_add"),
    path("<int:pk>/risks/<int:risk_pk>/", views.risk, name="risk_edit"),
    path("<int:pk>/risks/<int:risk_pk>/delete/", views.risk_delete, name="risk_delete"),
    path("<int:pk>/measures/new/", views.measure, name="measure_add"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/dpia.<str:fmt>", views.export, name="export"),
]
