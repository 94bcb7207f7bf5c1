from django.urls import path

from waarborg.processors import public_views

app_name = "processors_public"

urlpatterns = [
    path(
        "<slug:slug>/data-pro/<slug:key>/<str:language>/",
        public_views.statement,
        name="statement",
    ),
    path(
        "<slug:slug>/data-pro/<slug:key>/<str:language>.pdf",
        public_views.statement_pdf,
        name="statement_pdf",
    ),
    path("<slug:slug>/sub-processor/<str:token>/", public_views.answer, name="answer"),
]
