from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("export.xlsx", views.portfolio_export, name="portfolio_export"),
    path("timeline/", views.portfolio_timeline, name="timeline"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/status/", views.project_status, name="project_status"),
    path("<int:pk>/documents/<slug:kind>/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/status/", views.decision_status, name="decision_status"),
    path("checklist/<int:pk>/met/", views.item_meet, name="item_meet"),
    path("checklist/<int:pk>/waive/", views.item_waive, name="item_waive"),
    path("checklist/<int:pk>/reopen/", views.item_reopen, name="item_reopen"),
    path("<int:pk>/reports/", views.status_report_list, name="status_report_list"),
    path("<int:pk>/reports/new/", views.status_report_create, name="status_report_create"),
    path("<int:pk>/risks/new/", views.risk_create, name="risk_create"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("<int:pk>/dependencies/new/", views.dependency_add, name="dependency_add"),
    path("dependencies/<int:pk>/remove/", views.dependency_remove, name="dependency_remove"),
    path("<int:pk>/benefits/new/", views.benefit_create, name="benefit_create"),
    path("benefits/<int:pk>/measurements/new/", views.measurement_add, name="measurement_add"),
    path("<int:pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<int:pk>/remove/", views.milestone_delete, name="milestone_delete"),
    path("models/", views.model_list, name="model_list"),
    path("models/<int:pk>/", views.model_detail, name="model_detail"),
    path("models/<int:pk>/copy/", views.model_copy, name="model_copy"),
    path("decision-points/<int:pk>/items/new/", views.gate_item_add, name="gate_item_add"),
    path("model-items/<int:pk>/remove/", views.gate_item_remove, name="gate_item_remove"),
]
