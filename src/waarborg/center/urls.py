from django.urls import path

from waarborg.center import banner_views, consent_views, views

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
    path(
        "<slug:slug>/preferences/<str:token>/",
        consent_views.preferences_page,
        name="preferences_page",
    ),
]
