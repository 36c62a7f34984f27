"""Reads of the directory, always limited to the reader's scope and clearance."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kvpt.core.scope import restrict
from kvpt.organisations.models import Agency, Area, AreaLevel, Person, Position, Unit


def area_level_list() -> QuerySet[AreaLevel]:
    return AreaLevel.objects.all()


def area_list(user: Any) -> QuerySet[Area]:
    return restrict(
        Area.objects.select_related("level", "parent"), user, area_path="path", classification=None
    )


def agency_list(user: Any) -> QuerySet[Agency]:
    return restrict(
        Agency.objects.select_related("area", "area__level", "parent"), user, area_path="area__path"
    )


def unit_list(user: Any) -> QuerySet[Unit]:
    return restrict(
        Unit.objects.select_related("agency", "agency__area", "parent"),
        user,
        area_path="agency__area__path",
    )


def person_list(user: Any) -> QuerySet[Person]:
    return restrict(Person.objects.select_related("area"), user, area_path="area__path")


def position_list(user: Any) -> QuerySet[Position]:
    return restrict(
        Position.objects.select_related("person", "person__area", "agency"),
        user,
        area_path="person__area__path",
        classification="person__classification",
    )
