"""Shared pieces of the scenario tests: a director, a situation, injects, a workbook."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone

from kvpt.accounts.models import Role
from kvpt.core.testing.factories import UserFactory, grant
from kvpt.core.testing.world import World
from kvpt.scenario.models import Inject, Situation, SituationKind


def riot() -> SituationKind:
    """The catalogue's riot kind (re-made if a flushed test database lost the seeded rows)."""
    return SituationKind.objects.get_or_create(
        code="riot", defaults={"name": "Gây rối, bạo loạn", "order": 40}
    )[0]


def director(world: World, username: str = "daodien", **kwargs: Any) -> Any:
    user = UserFactory.create(username=username, **kwargs)
    grant(user, Role.DIRECTOR, exercise=world.exercise)
    return user


def situation(world: World, code: str = "A2", **kwargs: Any) -> Situation:
    values: dict[str, Any] = {
        "exercise": world.exercise,
        "code": code,
        "title": "Gây rối an ninh trật tự",
        "kind": riot(),
    }
    values.update(kwargs)
    return Situation.objects.create(**values)


def inject(world: World, serial: int, **kwargs: Any) -> Inject:
    values: dict[str, Any] = {
        "exercise": world.exercise,
        "serial": serial,
        "content": f"Sự kiện số {serial}",
        "scheduled_at": timezone.now() + dt.timedelta(minutes=serial),
    }
    values.update(kwargs)
    return Inject.objects.create(**values)


def workbook(rows: list[list[Any]], *, title: str | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
