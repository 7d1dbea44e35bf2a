from django.urls import path

from . import views

app_name = "relocation"
urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("purchases/", views.purchase_list, name="purchase_list"),
    path("purchases/new/", views.purchase_create, name="purchase_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/status/", views.plan_status, name="plan_status"),
    path("<int:pk>/figures/", views.plan_figures, name="plan_figures"),
    path("<int:pk>/match/", views.plan_match, name="plan_match"),
    path("<int:pk>/rooms/<int:room_pk>/", views.room_needs, name="room_needs"),
    path("<int:pk>/rooms/<int:room_pk>/copy/", views.room_copy, name="room_copy"),
    path("<int:pk>/needs/<int:need_pk>/", views.need_edit, name="need_edit"),
    path("<int:pk>/needs/<int:need_pk>/delete/", views.need_delete, name="need_delete"),
    path("<int:pk>/lines/", views.line_list, name="line_list"),
    path("<int:pk>/lines/<int:line_pk>/", views.line_override, name="line_override"),
    path("<int:pk>/lines/<int:line_pk>/deliver/", views.deliver_used, name="deliver_used"),
    path("<int:pk>/offers/", views.offer_list, name="offer_list"),
    path("<int:pk>/offers/<int:offer_pk>/", views.offer_edit, name="offer_edit"),
    path("<int:pk>/import/", views.need_import, name="need_import"),
    path("<int:pk>/import/confirm/", views.need_import_confirm, name="need_import_confirm"),
    path("<int:pk>/import/template.xlsx", views.need_import_template, name="need_import_template"),
    path("<int:pk>/import/problems.csv", views.need_import_errors, name="need_import_errors"),
    path("<int:pk>/move-lists/", views.move_lists, name="move_lists"),
    path("<int:pk>/move-lists/download/", views.move_list_download, name="move_list_download"),
    path("<int:pk>/delivery/", views.delivery, name="delivery"),
]
