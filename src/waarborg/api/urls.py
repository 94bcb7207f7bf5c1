from django.urls import path

from waarborg.api.api import api
from waarborg.api.docs import docs

urlpatterns = [path("v1/docs", docs, name="api_docs"), path("v1/", api.urls)]
