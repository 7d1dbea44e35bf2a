"""The check-in window: when a person who booked something from `start` may check in.

It opens `early` (15 minutes) before the start and closes `minutes` after it; at the close, a
booking nobody checked in to is released. No `minutes` means no check-in. The one place this rule
is written: booking's check-in and quick booking services, the quick booking page and the no-show
release all ask here, and so can any later module with check-in.
"""

import datetime as dt

EARLY = dt.timedelta(minutes=15)


def checkin_window(start: dt.datetime, minutes: int | None, *, early: dt.timedelta = EARLY):
    """(opens, closes) of the check-in for something starting at `start`, or None without check-in."""
    if not minutes:
        return None
    return start - early, start + dt.timedelta(minutes=minutes)


def checkin_open(now: dt.datetime, start: dt.datetime, minutes: int | None, *, early: dt.timedelta = EARLY) -> bool:
    """Whether check-in is possible at `now`: opens <= now < closes."""
    window = checkin_window(start, minutes, early=early)
    return window is not None and window[0] <= now < window[1]
