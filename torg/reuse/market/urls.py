from django.urls import path

from . import views

app_name = "market"
urlpatterns = [
    path("", views.home, name="home"),
    path("listings/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("listings/<int:pk>/edit/", views.listing_edit, name="listing_edit"),
    path("listings/<int:pk>/withdraw/", views.listing_withdraw, name="listing_withdraw"),
    path("listings/<int:pk>/order/", views.order_create, name="order_create"),
    path("listings/<int:pk>/give-away/", views.listing_give_away, name="listing_give_away"),
    path("sell/", views.sell, name="sell"),
    path("sell/new/", views.listing_create, name="listing_create"),
    path("mine/", views.my_listings, name="my_listings"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/status/", views.order_status, name="order_status"),
    path("orders/<int:pk>/messages/", views.order_message, name="order_message"),
    path("orders/<int:pk>/receive/", views.order_receive, name="order_receive"),
    path("searches/", views.saved_search_list, name="saved_searches"),
    path("searches/new/", views.saved_search_create, name="saved_search_create"),
    path("searches/<int:pk>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("settings/", views.settings_edit, name="settings"),
    path("given-away/", views.give_away_list, name="give_aways"),
    path("give-away/", views.give_away_items, name="give_away_items"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/<str:code>/", views.partner_detail, name="partner_detail"),
    path("partners/<str:code>/order/", views.partner_order_create, name="partner_order_create"),
    path("partners/<str:code>/photos/<int:n>/", views.partner_photo, name="partner_photo"),
    # Public, without login: only listings in their public stage, no personal data.
    path("public/<slug:slug>/", views.public_list, name="public_list"),
    path("public/<slug:slug>/<str:code>/", views.public_detail, name="public_detail"),
    path("public/<slug:slug>/<str:code>/photos/<int:n>/", views.public_photo, name="public_photo"),
]
