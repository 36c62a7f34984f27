"""factory_boy factories for the frame's models; domain apps add their own beside their tests."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from kvpt.accounts.models import Membership, Role, User
from kvpt.exercises.models import Exercise
from kvpt.organisations.models import Agency, AgencyKind, Area, AreaLevel, Person, Unit, UnitKind


class AreaLevelFactory(DjangoModelFactory[AreaLevel]):
    class Meta:
        model = AreaLevel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"level-{n}")
    name = factory.Sequence(lambda n: f"Cấp {n}")
    rank = factory.Sequence(lambda n: n + 1)


class AreaFactory(DjangoModelFactory[Area]):
    class Meta:
        model = Area

    code = factory.Sequence(lambda n: f"A{n:05d}")
    name = factory.Sequence(lambda n: f"Địa bàn {n}")
    level = factory.SubFactory(AreaLevelFactory)
    parent = None


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG{n:05d}")
    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = AgencyKind.MILITARY_COMMAND
    area = factory.SubFactory(AreaFactory)


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    kind = UnitKind.MILITIA
    agency = factory.SubFactory(AgencyFactory)


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    code = factory.Sequence(lambda n: f"P{n:05d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Đức {n}")
    area = factory.SubFactory(AreaFactory)


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Đức"
    last_name = "Trần"
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem")

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        # factory_boy passes the built model instance, not the factory, as the first argument.
        if create:
            obj.save()


class ExerciseFactory(DjangoModelFactory[Exercise]):
    class Meta:
        model = Exercise

    code = factory.Sequence(lambda n: f"DT-{n:04d}")
    name = factory.Sequence(lambda n: f"Diễn tập khu vực phòng thủ {n}")
    area = factory.SubFactory(AreaFactory)
    level = factory.LazyAttribute(lambda o: o.area.level)
    year = 2023


def grant(
    user: User, role: str | Role, *, area: Area | None = None, exercise: Exercise | None = None
) -> Membership:
    return Membership.objects.create(user=user, role=role, area=area, exercise=exercise)
