"""iCalendar (RFC 5545) output: stable UIDs, times in Europe/Oslo with a VTIMEZONE."""

from django.utils import timezone
from icalendar import Calendar, Event

from .queries import OSLO


def calendar_for(bookings, *, name: str, anonymous: bool = False) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Torg//Booking//NB")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Oslo")
    for b in bookings:
        event = Event()
        event.add("uid", b.uid)
        event.add("dtstamp", b.updated_at or timezone.now())
        event.add("dtstart", timezone.localtime(b.start, OSLO))
        event.add("dtend", timezone.localtime(b.end, OSLO))
        event.add("summary", b.resource.name if anonymous else (b.title or b.resource.name))
        event.add("location", b.resource.location_text())
        event.add("status", "CONFIRMED" if b.status == "confirmed" else
                  "TENTATIVE" if b.status == "requested" else "CANCELLED")
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
