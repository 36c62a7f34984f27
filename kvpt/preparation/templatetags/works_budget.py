"""Template helpers of the works and budget pages: quantities and money the Vietnamese way."""

from __future__ import annotations

from typing import Any

from django import template

from kvpt.preparation.formatting import vn_number, vn_percent
from kvpt.preparation.models import QuantityUnit

register = template.Library()


@register.simple_tag
def work_quantity(work: Any) -> str:
    """ "2,3 km", "1.250 m²", "3 cái"; "—" when no quantity was given."""
    if work.quantity is None:
        return "—"
    return f"{vn_number(work.quantity)} {QuantityUnit(work.quantity_unit).label}"


@register.filter
def vn_decimal(value: Any) -> str:
    return vn_number(value)


@register.simple_tag
def percent(part: int, whole: int) -> str:
    return vn_percent(part, whole)
