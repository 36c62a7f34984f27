"""Builders shared by the review tests: a conference, an observation, a directive, an action, and
an owner (a user whose person is responsible for actions of the district's military command)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kvpt.accounts.models import Role
from kvpt.core.testing.factories import PersonFactory, UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.review import services


def conference(world: World, **values: Any) -> Any:
    return services.conference_create(
        exercise=world.exercise,
        title=values.pop("title", "Hội nghị tổng kết diễn tập KVPT huyện năm 2023"),
        held_on=values.pop("held_on", dt.date(2023, 8, 31)),
        actor=world.alice,
        **values,
    )


def observation(world: World, **values: Any) -> Any:
    return services.observation_create(
        exercise=world.exercise,
        kind=values.pop("kind", "shortcoming"),
        area=values.pop("area", "preparation"),
        observation=values.pop("observation", "Công tác chuẩn bị đường cơ động còn chậm"),
        actor=values.pop("actor", world.alice),
        **values,
    )


def directive(world: World, **values: Any) -> Any:
    return services.directive_create(
        exercise=world.exercise,
        text=values.pop("text", "Bàn giao công trình sở chỉ huy cho BCHQS huyện"),
        actor=values.pop("actor", world.alice),
        **values,
    )


def owner(world: World, username: str = "oanh") -> Any:
    """A unit commander of the district whose person is responsible for actions."""
    person = PersonFactory.create(
        code=f"CB-{username}", full_name="Hà Thị Oanh", area=world.district
    )
    user = UserFactory.create(username=username, person=person)
    grant(user, Role.UNIT_COMMANDER, area=world.district)
    return user


def action(world: World, **values: Any) -> Any:
    return services.action_create(
        exercise=world.exercise,
        title=values.pop("title", "Bàn giao công trình, hầm hào cho BCHQS"),
        owner=values.pop("owner", world.agency),
        due=values.pop("due", dt.date(2023, 9, 30)),
        actor=values.pop("actor", world.alice),
        **values,
    )
