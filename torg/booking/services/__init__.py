"""Every write to booking, by topic (see docs/architecture.md, "The booking app"):

- resources: resources, their description and rules (own or the building's), photos
- opening: opening hours, exceptions and public holidays of a building
- availability: checking a booking against the rules and the calendar; occupying its slots
- bookings: one booking — create, reschedule, change its status through the booking machine
- series: recurring bookings; cancelling or moving one booking or the rest of its series
- checkin: check-in, quick booking, releasing no-shows
- access: meråpent agreements, door codes, doors and lock controllers
- notifications: messages to bookers and staff, calendar feeds
- prices: price rules (the prices themselves: torg.booking.pricing)

Callers use `from torg.booking import services` and the names re-exported here.
"""

from .access import (ACCESS_MARGIN, DOOR_FAILURE_LIMIT, DOOR_FAILURE_WINDOW, DOOR_REQUEST_LIMIT, RateLimited,
                     access_code_deliver, access_code_issue, door_add, door_controller_authenticate,
                     door_controller_create, door_controller_revoke, door_delete, door_event_record, door_verify,
                     meraapent_agreement_sign)
from .availability import actor_type, check_booking
from .bookings import booking_create, booking_preview, booking_reschedule, booking_transition
from .checkin import booking_check_in, booking_mark_no_show, booking_quick, release_no_show, release_no_shows
from .notifications import calendar_feed_rotate, notifications_mark_read
from .opening import (norwegian_public_holidays, opening_delete, opening_exception_add, opening_holidays_add,
                      opening_hours_add)
from .prices import price_rule_create, price_rule_delete
from .resources import (building_rules_update, resource_create, resource_photo_add, resource_photo_delete,
                        resource_set_archived, rules_update)
from .series import (MAX_OCCURRENCES, MOVE_SCOPES, booking_move, booking_move_preview, bookings_hand_over,
                     build_rrule, move_scope, occurrences, series_cancel_from, series_create, series_preview)

__all__ = [
    "ACCESS_MARGIN", "DOOR_FAILURE_LIMIT", "DOOR_FAILURE_WINDOW", "DOOR_REQUEST_LIMIT",
    "MAX_OCCURRENCES", "MOVE_SCOPES", "RateLimited", "access_code_deliver", "access_code_issue", "booking_check_in",
    "actor_type", "booking_create", "booking_mark_no_show", "booking_move", "booking_preview", "booking_move_preview", "booking_quick",
    "booking_reschedule", "booking_transition", "bookings_hand_over", "build_rrule", "building_rules_update",
    "calendar_feed_rotate", "check_booking",
    "door_add", "door_controller_authenticate", "door_controller_create", "door_controller_revoke", "door_delete",
    "door_event_record", "door_verify", "meraapent_agreement_sign", "move_scope", "norwegian_public_holidays",
    "notifications_mark_read", "occurrences", "opening_delete", "opening_exception_add", "opening_holidays_add",
    "opening_hours_add", "price_rule_create", "price_rule_delete", "release_no_show", "release_no_shows", "resource_create", "resource_photo_add",
    "resource_photo_delete", "resource_set_archived", "rules_update", "series_cancel_from", "series_create",
    "series_preview",
]
