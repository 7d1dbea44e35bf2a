from django.urls import path

from . import views

app_name = "estate"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("buildings/", views.building_list, name="building_list"),
    path("buildings/<int:pk>/", views.building, name="building"),
    path("buildings/<int:pk>/surveys/new/", views.survey_create, name="survey_create"),
    path("tg3/", views.tg3_list, name="tg3_list"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/edit/", views.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/status/", views.survey_status, name="survey_status"),
    path("surveys/<int:pk>/correct/", views.survey_correct, name="survey_correct"),
    path("surveys/<int:pk>/parts/new/", views.part_create, name="part_create"),
    path("parts/<int:pk>/edit/", views.part_edit, name="part_edit"),
    path("parts/<int:pk>/delete/", views.part_delete, name="part_delete"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/problems.csv", views.import_errors, name="import_errors"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
