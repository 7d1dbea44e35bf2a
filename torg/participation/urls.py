from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("", views.process_list, name="process_list"),
    path("new/", views.process_create, name="process_create"),
    path("<int:pk>/", views.process_detail, name="process_detail"),
    path("<int:pk>/edit/", views.process_edit, name="process_edit"),
    path("<int:pk>/status/", views.process_status, name="process_status"),
    path("<int:pk>/phases/new/", views.phase_create, name="phase_create"),
    path("<int:pk>/stakeholders/new/", views.target_group_create, name="target_group_create"),
    path("<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("phases/<int:pk>/edit/", views.phase_edit, name="phase_edit"),
    path("phases/<int:pk>/delete/", views.phase_delete, name="phase_delete"),
    path("stakeholders/<int:pk>/edit/", views.target_group_edit, name="target_group_edit"),
    path("stakeholders/<int:pk>/delete/", views.target_group_delete, name="target_group_delete"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/status/", views.activity_status, name="activity_status"),
    path("<int:pk>/moderation/", views.moderation, name="moderation"),
    path("<int:pk>/invites/", views.invites, name="invites"),
    path("<int:pk>/invites.csv", views.invites_csv, name="invites_csv"),
    path("inputs/<int:pk>/status/", views.input_status, name="input_status"),
    path("inputs/<int:pk>/reviewed/", views.input_reviewed, name="input_reviewed"),
    path("<int:pk>/surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/status/", views.survey_status, name="survey_status"),
    path("surveys/<int:pk>/preview/", views.survey_preview, name="survey_preview"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    # Public, without login: published processes only (a draft is 404 to anyone without permission).
    path("k/<slug:slug>/", views.public_list, name="public_list"),
    path("p/<str:code>/", views.public_detail, name="public_detail"),
    # Taking part: who may is decided by the process's identity setting (anonymous, logged in, invite).
    path("p/<str:code>/invite/<str:invite>/", views.invite_link, name="invite_link"),
    path("p/<str:code>/input/", views.input_create, name="input_create"),
    path("p/<str:code>/mine/", views.my_input, name="my_input"),
    path("p/<str:code>/s/<str:survey_code>/", views.survey_answer, name="survey_answer"),
    path("p/<str:code>/i/<str:input_code>/", views.input_detail, name="input_detail"),
    path("p/<str:code>/i/<str:input_code>/support/", views.input_support, name="input_support"),
    path("p/<str:code>/i/<str:input_code>/comment/", views.input_comment, name="input_comment"),
    path("p/<str:code>/i/<str:input_code>/report/", views.input_report, name="input_report"),
    path("p/<str:code>/i/<str:input_code>/delete/", views.input_delete, name="input_delete"),
]
