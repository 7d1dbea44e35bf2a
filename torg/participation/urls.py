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
    # Public, without login: published processes only (a draft is 404 to anyone without permission).
    path("k/<slug:slug>/", views.public_list, name="public_list"),
    path("p/<str:code>/", views.public_detail, name="public_detail"),
]
