from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("<slug:key>/<int:pk>/", views.file, name="file"),
]
