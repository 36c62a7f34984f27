"""Dates as the people using the system count them: in Vietnam's time zone, not UTC.

An action due on 31/8 is overdue from 00:00 on 1/9 in Hà Nội (17:00 UTC on 31/8), whatever zone
the server runs in.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def local_zone() -> ZoneInfo:
    return ZoneInfo(getattr(settings, "TIME_ZONE", None) or DEFAULT_ZONE)


def local_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in the local time zone (`now` for tests; aware, any zone)."""
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("local_today() needs an aware datetime")
    return moment.astimezone(local_zone()).date()
