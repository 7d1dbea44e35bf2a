from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("", views.building_list, name="building_list"),
    path("search/", views.search, name="search"),
    path("buildings/new/", views.building_create, name="building_create"),
    path("buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("buildings/<int:pk>/archive/", views.building_archive, name="building_archive"),
    path("buildings/<int:building_pk>/floors/new/", views.floor_create, name="floor_create"),
    path("buildings/<int:building_pk>/rooms/new/", views.room_create, name="room_create"),
    path("floors/<int:pk>/edit/", views.floor_edit, name="floor_edit"),
    path("floors/<int:pk>/archive/", views.floor_archive, name="floor_archive"),
    path("rooms/", views.room_list, name="room_list"),
    path("rooms/<int:pk>/", views.room_detail, name="room_detail"),
    path("rooms/<int:pk>/edit/", views.room_edit, name="room_edit"),
    path("rooms/<int:pk>/archive/", views.room_archive, name="room_archive"),
    path("properties/", views.property_list, name="property_list"),
    path("properties/new/", views.property_create, name="property_create"),
    path("properties/<int:pk>/", views.property_detail, name="property_detail"),
    path("properties/<int:pk>/edit/", views.property_edit, name="property_edit"),
    path("properties/<int:pk>/archive/", views.property_archive, name="property_archive"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("import/problems.csv", views.import_errors, name="import_errors"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
