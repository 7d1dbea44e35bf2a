from django.urls import path

from . import views

app_name = "impact"
urlpatterns = [
    path("", views.report, name="report"),
    path("reuses/", views.records, name="records"),
    path("quality/", views.quality, name="quality"),
    path("factors/", views.factor_list, name="factors"),
    path("factors/<int:category_pk>/", views.factor_edit, name="factor_edit"),
    path("factors/<int:category_pk>/reset/", views.factor_reset, name="factor_reset"),
    path("deductions/", views.settings_edit, name="settings"),
]
