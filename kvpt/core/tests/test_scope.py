"""Scope: a subtree and its exercise grants, never a sibling branch, never above clearance."""

from __future__ import annotations

import pytest

from kvpt.accounts.models import Role
from kvpt.core.permissions import roles_on
from kvpt.core.scope import forget_scope, get_scope
from kvpt.core.testing.factories import grant
from kvpt.core.testing.world import World
from kvpt.exercises.selectors import exercise_list
from kvpt.organisations.models import Area
from kvpt.organisations.selectors import area_list, unit_list

pytestmark = pytest.mark.django_db


def codes(qs: object) -> set[str]:
    return {obj.code for obj in qs}  # type: ignore[attr-defined]


def test_a_member_sees_their_subtree_and_not_the_parent(world: World) -> None:
    assert codes(area_list(world.alice)) == {"388", "15010"}


def test_an_outsider_from_a_sibling_branch_sees_nothing_of_it(world: World) -> None:
    assert codes(area_list(world.charlie)) == {"386"}
    assert "DT-KVPT-2023" not in codes(exercise_list(world.charlie))
    assert world.unit.code not in codes(unit_list(world.charlie))


def test_the_higher_level_sees_its_subordinates(world: World) -> None:
    assert codes(area_list(world.dave)) == {"38", "388", "15010", "386"}
    assert {"DT-KVPT-2023", "DT-MAT-2023", "DT-BT-2023"} <= codes(exercise_list(world.dave))


def test_a_record_above_the_clearance_does_not_exist_for_the_user(world: World) -> None:
    assert "DT-MAT-2023" not in codes(exercise_list(world.bob))
    assert "DT-MAT-2023" in codes(exercise_list(world.alice))
    assert world.secret_unit.code not in codes(unit_list(world.alice))
    assert world.secret_unit.code in codes(unit_list(world.dave))


def test_an_exercise_grant_shows_that_exercise_only(world: World) -> None:
    assert codes(exercise_list(world.erin)) == {"DT-KVPT-2023"}
    assert codes(area_list(world.erin)) == set()


def test_roles_follow_the_tree_and_the_exercise_grant(world: World) -> None:
    assert roles_on(world.alice, world.commune) == {Role.ORG_ADMIN}
    assert roles_on(world.alice, world.sibling) == set()
    assert roles_on(world.erin, world.exercise) == {Role.STAFF_PLANNER}
    assert roles_on(world.erin, world.sibling_exercise) == set()


def test_an_expired_membership_grants_nothing(world: World) -> None:
    import datetime as dt

    membership = world.bob.memberships.get()
    membership.valid_to = dt.date(2020, 1, 1)
    membership.save()
    forget_scope(world.bob)
    assert get_scope(world.bob).area_roles == {}
    assert not area_list(world.bob).exists()


def test_moving_an_area_moves_its_subtree_in_scope(world: World) -> None:
    world.commune.parent = world.sibling
    world.commune.save()
    assert Area.objects.get(pk=world.commune.pk).path.startswith(world.sibling.path)
    assert "15010" in codes(area_list(world.charlie))
    assert "15010" not in codes(area_list(world.alice))


def test_anonymous_sees_nothing(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert not area_list(AnonymousUser()).exists()


def test_the_scope_query_count_does_not_grow_with_memberships(
    world: World, django_assert_max_num_queries: object
) -> None:
    for area in (world.commune, world.sibling, world.province):
        grant(world.bob, Role.OBSERVER, area=area)
    forget_scope(world.bob)
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        list(area_list(world.bob))
