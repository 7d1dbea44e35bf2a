from django.urls import path

from . import views

app_name = "booking_allocation"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/ladder/", views.ladder_edit, name="ladder_edit"),
    path("rounds/<int:pk>/status/", views.round_transition, name="round_transition"),
    path("rounds/<int:pk>/propose/", views.round_propose, name="round_propose"),
    path("rounds/<int:pk>/apply/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("decisions/<int:pk>/adjust/", views.decision_adjust, name="decision_adjust"),
    path("decisions/<int:pk>/complain/", views.complaint_create, name="complaint_create"),
    path("decisions/<int:pk>/pass-on/", views.frame_pass_on, name="frame_pass_on"),
    path("decisions/<int:pk>/release/", views.frame_release, name="frame_release"),
    path("complaints/<int:pk>/answer/", views.complaint_answer, name="complaint_answer"),
]
