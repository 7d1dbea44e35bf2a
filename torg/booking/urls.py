from django.urls import path

from . import views

app_name = "booking"
urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/", views.resource_week, name="resource_week"),
    path("resources/<int:pk>/archive/", views.resource_archive, name="resource_archive"),
    path("resources/<int:pk>/photos/", views.resource_photos, name="resource_photos"),
    path("buildings/<int:building_pk>/week/", views.building_week, name="building_week"),
    path("resources/<int:pk>/rules/", views.rules_edit, name="rules_edit"),
    path("resources/<int:pk>/book/", views.booking_create, name="booking_create"),
    path("resources/<int:pk>/series/", views.series_create, name="series_create"),
    path("mine/", views.my_bookings, name="my_bookings"),
    path("quick/", views.quick, name="quick"),
    path("approvals/", views.approvals, name="approvals"),
    path("bookings/", views.staff_bookings, name="staff_bookings"),
    path("report/", views.report, name="report"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking_detail"),
    path("bookings/<int:pk>/move/", views.booking_move, name="booking_move"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/check-in/", views.booking_check_in, name="booking_check_in"),
    path("bookings/<int:pk>/approve/", views.booking_approve, name="booking_approve"),
    path("bookings/<int:pk>/cancel-series/", views.series_cancel_from, name="series_cancel_from"),
    path("bookings/<int:pk>/reject/", views.booking_reject, name="booking_reject"),
    path("bookings/<int:pk>/code/", views.access_code, name="access_code"),
    path("bookings/<int:pk>/booking.ics", views.booking_ics, name="booking_ics"),
    path("buildings/<int:building_pk>/meraapent/", views.meraapent_agreement, name="meraapent_agreement"),
    path("buildings/<int:building_pk>/doors/", views.doors, name="doors"),
    path("buildings/<int:building_pk>/access-log/", views.access_log, name="access_log"),
    path("buildings/<int:building_pk>/rules/", views.building_rules, name="building_rules"),
    path("buildings/<int:building_pk>/opening/", views.opening_calendar, name="opening_calendar"),
    path("feeds/resource/<str:token>.ics", views.resource_feed, name="resource_feed"),
    path("feeds/rotate/", views.feed_rotate, name="feed_rotate"),
    path("feeds/<str:token>.ics", views.personal_feed, name="personal_feed"),
]
