"""Times when a resource is closed to direct booking, contributed by the parts of booking built on it.

Booking's own services never import those parts (the seasonal allocation in `torg.booking.allocation`
sits above them). A part registers a check in its `AppConfig.ready()`:

    register_closure(check)   # check(resource, start, end) -> a reason in words, or None

`check_booking` asks `closed_reason` for everyone but the municipality's booking staff (who still
book, e.g. for a municipal event, and whose publication of an allocation creates the series).
"""

_CHECKS = []


def register_closure(check):
    if check not in _CHECKS:
        _CHECKS.append(check)


def closed_reason(resource, start, end):
    for check in _CHECKS:
        if reason := check(resource, start, end):
            return reason
    return None
