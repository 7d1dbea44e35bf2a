from django.urls import path

from . import views


def _import_urls(prefix, kind):
    """The four URLs of an import (upload, confirm, problems, template), named after its `url`."""
    name = views.IMPORTS[kind].url
    kw = {"kind": kind}
    return [path(prefix, views.import_upload, kw, name=name),
            path(f"{prefix}confirm/", views.import_confirm, kw, name=f"{name}_confirm"),
            path(f"{prefix}problems.csv", views.import_errors, kw, name=f"{name}_errors"),
            path(f"{prefix}template.xlsx", views.import_template, kw, name=f"{name}_template")]


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
    path("maintenance/", views.maintenance, name="maintenance"),
    path("backlog/", views.backlog, name="backlog"),
    path("measures/", views.measure_list, name="measure_list"),
    path("buildings/<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/status/", views.measure_status, name="measure_status"),
    path("energy/", views.energy, name="energy"),
    path("energy/costs/", views.costs, name="costs"),
    path("energy/degree-days/", views.degree_days, name="degree_days"),
    path("buildings/<int:pk>/energy/", views.building_energy, name="building_energy"),
    path("buildings/<int:pk>/meters/new/", views.meter_create, name="meter_create"),
    path("buildings/<int:pk>/energy-label/", views.label_create, name="label_create"),
    path("meters/<int:pk>/", views.meter_detail, name="meter"),
    path("meters/<int:pk>/edit/", views.meter_edit, name="meter_edit"),
    *_import_urls("import/", "surveys"),
    *_import_urls("energy/import/readings/", "readings"),
    *_import_urls("energy/import/degree-days/", "degree_days"),
    *_import_urls("energy/import/costs/", "costs"),
]
