import datetime as dt

from torg.core.checkin import EARLY, checkin_open, checkin_window

START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


def test_the_window_opens_early_and_closes_after_the_check_in_minutes():
    assert checkin_window(START, 30) == (START - EARLY, START + dt.timedelta(minutes=30))
    assert EARLY == dt.timedelta(minutes=15)
    assert checkin_window(START, None) is None and checkin_window(START, 0) is None


def test_open_includes_the_opening_and_excludes_the_close():
    assert not checkin_open(START - dt.timedelta(minutes=16), START, 30)
    assert checkin_open(START - dt.timedelta(minutes=15), START, 30)
    assert checkin_open(START + dt.timedelta(minutes=29, seconds=59), START, 30)
    assert not checkin_open(START + dt.timedelta(minutes=30), START, 30)
    assert not checkin_open(START, START, None)
