from django.urls import path

from . import views

app_name = "reuse"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("items/", views.item_list, name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/label.pdf", views.item_label, name="item_label"),
    path("items/<int:pk>/photos/<int:photo_pk>/remove/", views.item_photo_remove, name="item_photo_remove"),
    path("register/", views.item_register, name="item_register"),
    path("rooms/", views.room_options, name="room_options"),
    path("selection/", views.bulk, name="bulk"),
    path("labels/", views.label_batch, name="labels"),
    path("scan/", views.scan, name="scan"),
    path("products/", views.product_list, name="product_list"),
    path("products/<int:pk>/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/photos/<int:photo_pk>/remove/", views.product_photo_remove, name="product_photo_remove"),
    path("products/options/", views.product_options, name="product_options"),
    path("categories/", views.category_list, name="categories"),
    path("categories/new/", views.category_create, name="category_create"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/archive/", views.category_archive, name="category_archive"),
    path("roles/", views.role_list, name="roles"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/confirm/", views.import_job_confirm, name="import_job_confirm"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    # The same resolver as the short `/q/<code>` URL printed in the QR codes (routed in torg/urls.py).
    path("code/<str:code>/", views.resolve_code, name="resolve"),
]
