from django.urls import path

from waarborg.register import views

app_name = "register"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.yaml", views.export_yaml, name="export_yaml"),
    path("ropa.<str:fmt>", views.export_ropa, name="ropa"),
    path("import/", views.import_file, name="import"),
    path("starter/", views.starter, name="starter"),
    path("map/", views.flow_map, name="map"),
    path("terms/", views.terms, name="terms"),
    path("terms/add/", views.term_add, name="term_add"),
    path(
        "activities/<str:key>/versions/<int:version>/",
        views.version_detail,
        name="version",
    ),
    path("activities/<str:key>/compare/", views.version_compare, name="compare"),
    path("<str:kind_name>/", views.item_list, name="list"),
    path("<str:kind_name>/new/", views.item_create, name="create"),
    path("<str:kind_name>/<str:key>/", views.item_detail, name="detail"),
    path("<str:kind_name>/<str:key>/edit/", views.item_edit, name="edit"),
    path("<str:kind_name>/<str:key>/retire/", views.item_retire, name="retire"),
]
