"""Scenario time (thời gian giả định): the time in the story, kept apart from the real schedule.

People write it as the exercise documents do: "N-5" (five days before day N), "N+1 08:30",
"D+2 H+3" (day D plus two, hour H plus three), "G+2" (giờ G plus two), "08:30" (on day N).
`parse_scenario_time` checks the text and gives an offset in minutes from day N 00:00 (hour H /
G counted from 00:00 of its day), so entries sort in story order whatever the real schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_PATTERN = re.compile(
    r"""^\s*
    (?:(?P<day>[NDnd])\s*(?P<day_offset>[+-]\s*\d{1,3})?)?      # N, N-5, D+2
    \s*
    (?:
        (?P<clock_h>\d{1,2})\s*[:hH]\s*(?P<clock_m>\d{2})?      # 08:30, 8h30, 8h
      | (?P<hour>[HGhg])\s*(?P<hour_offset>[+-]\s*\d{1,3})?     # H+3, G-1, H
        (?:\s*:\s*(?P<hour_m>\d{2}))?                           # H+3:30
    )?
    \s*$""",
    re.VERBOSE,
)

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class ScenarioTime:
    text: str
    offset_minutes: int


def _number(text: str | None) -> int:
    return int(text.replace(" ", "")) if text else 0


def parse_scenario_time(value: str) -> ScenarioTime:
    """The normalised text and its sortable offset; ValidationError in Vietnamese otherwise."""
    text = " ".join((value or "").split())
    match = _PATTERN.match(text)
    if not text or match is None or not any(match.group(g) for g in ("day", "clock_h", "hour")):
        raise ValidationError(
            _(
                "Thời gian giả định “%(value)s” không đúng dạng; ví dụ: “N-5”, “N+1 08:30”, "
                "“D+2 H+3”."
            )
            % {"value": value},
            code="scenario_time",
        )
    days = _number(match.group("day_offset"))
    minutes = 0
    if match.group("clock_h"):
        hours, mins = int(match.group("clock_h")), _number(match.group("clock_m"))
        if hours > 23 or mins > 59:
            raise ValidationError(
                _("Giờ “%(value)s” không hợp lệ (00:00 đến 23:59).") % {"value": value},
                code="scenario_time",
            )
        minutes = hours * 60 + mins
    elif match.group("hour"):
        mins = _number(match.group("hour_m"))
        if mins > 59:
            raise ValidationError(
                _("Phút “%(value)s” không hợp lệ.") % {"value": value}, code="scenario_time"
            )
        offset = match.group("hour_offset") or ""
        sign = -1 if offset.strip().startswith("-") else 1
        minutes = sign * (abs(_number(offset)) * 60 + mins)
    return ScenarioTime(text=_normalise(match), offset_minutes=days * MINUTES_PER_DAY + minutes)


def _signed(text: str | None) -> str:
    if not text:
        return ""
    number = _number(text)
    return f"{'+' if number >= 0 and not text.strip().startswith('-') else '-'}{abs(number)}"


def _normalise(match: re.Match[str]) -> str:
    parts = []
    if match.group("day"):
        parts.append(match.group("day").upper() + _signed(match.group("day_offset")))
    if match.group("clock_h"):
        parts.append(f"{int(match.group('clock_h')):02d}:{_number(match.group('clock_m')):02d}")
    elif match.group("hour"):
        hour = match.group("hour").upper() + _signed(match.group("hour_offset"))
        if match.group("hour_m"):
            hour += f":{match.group('hour_m')}"
        parts.append(hour)
    return " ".join(parts)
