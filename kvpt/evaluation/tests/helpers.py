"""Builders shared by the evaluation tests."""

from __future__ import annotations

from typing import Any

from kvpt.accounts.models import Role
from kvpt.core.testing.factories import UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.evaluation import services
from kvpt.evaluation.models import RatingScale, ScaleLevel


def level(scale: str, code: str) -> ScaleLevel:
    return ScaleLevel.objects.get(scale__code=scale, code=code)


def criteria(world: World, *, scale: str = "GKDK", actor: Any = None) -> Any:
    """A set of two criteria on the exercise, the first tied to requirement 1."""
    world.exercise.requirements = ["Bảo đảm an toàn tuyệt đối về người, vũ khí trang bị."]
    world.exercise.save()
    actor = actor or world.alice
    criteria_set = services.criteria_set_create(
        exercise=world.exercise,
        code="BTC-01",
        name="Công tác chuẩn bị",
        scale=RatingScale.objects.get(code=scale),
        actor=actor,
    )
    services.criterion_create(
        criteria_set=criteria_set,
        code="TC-01",
        text="An toàn về người, vũ khí trang bị",
        link_kind="requirement",
        link_index=1,
        actor=actor,
    )
    services.criterion_create(criteria_set=criteria_set, code="TC-02", text="Văn kiện", actor=actor)
    return criteria_set


def district_evaluator(world: World, username: str = "eva") -> Any:
    """An evaluator of the district itself: grades, but is not the chief evaluator."""
    user = UserFactory.create(username=username)
    grant(user, Role.EVALUATOR, area=world.district)
    return user
