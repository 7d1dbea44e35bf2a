"""Booking's audit action codes named <entity>_<verb> (docs/architecture.md, "State machines and
history"): the stored events get the new codes. Reversible: the old codes come back. The generic
codes every app shares (create, update, delete, archive, restore) stay as they are."""

from django.db import migrations

from torg.core.migration_ops import rename_audit_actions

RENAMES = [  # (object type, old code, new code)
    ("booking.booking", "reschedule", "booking_reschedule"),
    ("booking.booking", "check_in", "booking_check_in"),
    ("booking.booking", "access_code_issued", "booking_access_code_issue"),
    ("booking.booking", "access_code_sent", "booking_access_code_send"),
    ("booking.bookingseries", "move_following", "booking_series_move"),
    ("booking.resource", "rules_inherit", "resource_rules_inherit"),
    ("booking.resource", "photo_add", "resource_photo_add"),
    ("booking.resource", "photo_delete", "resource_photo_delete"),
    ("booking.meraapentagreement", "sign", "meraapent_agreement_sign"),
    ("booking.doorcontroller", "revoke", "door_controller_revoke"),
    ("booking.calendarfeed", "rotate", "calendar_feed_rotate"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("booking", "0008_building_rules_relation"),
        ("core", "0002_audit_tenant_newest_index"),
    ]

    operations = [rename_audit_actions(RENAMES)]
