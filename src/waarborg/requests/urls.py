from django.urls import path

from waarborg.requests import exports, views

app_name = "requests"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.new, name="new"),
    path("export.<str:fmt>", exports.export, name="export"),
    path("settings/", views.settings_page, name="settings"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("letters/<slug:key>/<str:language>/", views.letter_edit, name="letter_edit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/verify/", views.verify, name="verify"),
    path("<int:pk>/claimed/", views.claimed, name="claimed"),
    path("<int:pk>/identity-check/", views.identity_check, name="identity_check"),
    path("<int:pk>/resend/", views.resend, name="resend"),
    path("<int:pk>/ask-id/", views.ask_id, name="ask_id"),
    path("<int:pk>/id-check/", views.id_check, name="id_check"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/forward/", views.forward, name="forward"),
    path("<int:pk>/package/", views.build, name="build"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/report/", views.report_preview, name="report"),
    path("<int:pk>/letter/", views.letter, name="letter"),
    path("<int:pk>/letters/<int:letter_pk>.pdf", views.letter_pdf, name="letter_pdf"),
    path("<int:pk>/letters/<int:letter_pk>/posted/", views.letter_posted, name="letter_posted"),
    path("<int:pk>/files/<int:file_pk>/", views.file_download, name="file"),
    path("<int:pk>/tasks/<int:task_pk>/", views.task_update, name="task_update"),
    path("<int:pk>/tasks/<int:task_pk>/waive/", views.task_waive, name="task_waive"),
    path("<int:pk>/waive/", views.waive_all, name="waive_all"),
    path("<int:pk>/not-feasible/", views.not_feasible, name="not_feasible"),
    path("<int:pk>/tasks/<int:task_pk>/lift/announce/", views.lift_announce, name="lift_announce"),
    path("<int:pk>/tasks/<int:task_pk>/lift/", views.lift, name="lift"),
    path("<int:pk>/tasks/<int:task_pk>/run/", views.task_run, name="task_run"),
    path("<int:pk>/tasks/<int:task_pk>/notify/", views.task_notify, name="task_notify"),
    path("<int:pk>/tasks/<int:task_pk>/letter/", views.letter, name="task_letter"),
]
