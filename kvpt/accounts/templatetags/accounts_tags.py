"""Template helpers of the account pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """A waiting time in whole minutes, rounded up (a lockout's cool-off)."""
    if not value:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))
