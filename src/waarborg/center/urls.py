from django.urls import path

from waarborg.center import views

app_name = "center"

urlpatterns = [
    path("<slug:slug>/privacy/<str:language>/", views.statement, name="statement"),
    path("<slug:slug>/privacy/<str:language>/archive/", views.archive, name="archive"),
    path("<slug:slug>/privacy/<str:language>/v<int:number>/", views.version, name="version"),
    path("<slug:slug>/privacy/<str:language>/fragment.html", views.fragment, name="fragment"),
    path("<slug:slug>/privacy/<str:language>.md", views.markdown, name="markdown"),
]
