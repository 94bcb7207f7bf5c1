from django.urls import path

from waarborg.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:key>/confirm/", views.confirm, name="confirm"),
    path("<slug:key>/add/", views.add, name="add"),
]
