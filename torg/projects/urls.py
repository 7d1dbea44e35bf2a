from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("export.xlsx", views.portfolio_export, name="portfolio_export"),
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
    path("models/", views.model_list, name="model_list"),
    path("models/<int:pk>/", views.model_detail, name="model_detail"),
    path("models/<int:pk>/copy/", views.model_copy, name="model_copy"),
    path("decision-points/<int:pk>/items/new/", views.gate_item_add, name="gate_item_add"),
    path("model-items/<int:pk>/remove/", views.gate_item_remove, name="gate_item_remove"),
]
