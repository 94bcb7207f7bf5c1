from django.urls import path

from waarborg.documents import views

app_name = "documents"

urlpatterns = [
    path("new/<str:key>/folder/", views.connect_folder, name="connect_folder"),
    path("new/<str:key>/mailbox/", views.connect_mailbox, name="connect_mailbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/settings/", views.settings, name="settings"),
    path("<int:pk>/test/", views.test, name="test"),
    path("<int:pk>/index/", views.index, name="index"),
    path("<int:pk>/disconnect/", views.disconnect, name="disconnect"),
    path("<int:pk>/find/", views.find, name="find"),
]
