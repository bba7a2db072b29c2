from datetime import date, datetime, time

import pytest
from django.utils import timezone


@pytest.fixture
def clock(monkeypatch):
    """Sets the day the portal lives (`timezone.now()` at 10:00 local time on it, so `timezone.localdate()` too):
    the closing of entry and the on-time check depend on it."""

    def set_day(day: date, hour: int = 10):
        moment = timezone.make_aware(datetime.combine(day, time(hour)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_day


@pytest.fixture
def frozen_today(clock):
    """Mid-May 2024: the reports of April, May and June 2024 (the tests' periods) are all still open."""
    clock(date(2024, 5, 10))
