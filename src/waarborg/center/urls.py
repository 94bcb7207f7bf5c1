from django.urls import path

from waarborg.center import banner_views, consent_views, request_views, views

app_name = "center"

urlpatterns = [
    path("<slug:slug>/privacy/<str:language>/", views.statement, name="statement"),
    path("<slug:slug>/privacy/<str:language>/archive/", views.archive, name="archive"),
    path("<slug:slug>/privacy/<str:language>/v<int:number>/", views.version, name="version"),
    path("<slug:slug>/privacy/<str:language>/fragment.html", views.fragment, name="fragment"),
    path("<slug:slug>/privacy/<str:language>.md", views.markdown, name="markdown"),
    path("<slug:slug>/banner.js", banner_views.banner_js, name="banner_js"),
    path("<slug:slug>/banner/consent", banner_views.banner_consent, name="banner_consent"),
    path("<slug:slug>/subscribe/<slug:key>/", consent_views.subscribe, name="subscribe"),
    path("<slug:slug>/confirm/<str:token>/", consent_views.confirm, name="confirm"),
    path("<slug:slug>/unsubscribe/<str:token>/", consent_views.unsubscribe, name="unsubscribe"),
    path("<slug:slug>/preferences/", consent_views.preferences, name="preferences"),
    path("<slug:slug>/request/", request_views.request_form, name="request"),
    path("<slug:slug>/request/verify/<str:token>/", request_views.verify, name="request_verify"),
    path("<slug:slug>/request/id/<str:token>/", request_views.id_upload, name="request_id_upload"),
    path("<slug:slug>/download/<str:token>/", request_views.download, name="request_download"),
    path(
        "<slug:slug>/download/<str:token>/<str:member>",
        request_views.download,
        name="request_download_file",
    ),
    path(
        "<slug:slug>/preferences/<str:token>/",
        consent_views.preferences_page,
        name="preferences_page",
    ),
]
