from django.urls import path

from waarborg.api.api import api

urlpatterns = [path("v1/", api.urls)]
