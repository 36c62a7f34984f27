"""`kvpt notify`: creates the day's notifications once, refuses a naive --at."""

from __future__ import annotations

import datetime as dt

import pytest

from kvpt.cli.main import main
from kvpt.core.testing.world import World
from kvpt.review.models import Notification
from kvpt.review.tests import helpers

pytestmark = pytest.mark.django_db


def test_notify_is_idempotent_for_the_day(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    owner = helpers.owner(world)
    helpers.action(world, responsible=owner.person, due=dt.date(2023, 9, 30))
    assert main(["notify", "--at", "2023-10-01T08:00:00+07:00"]) == 0
    assert "quá hạn 1" in capsys.readouterr().out
    assert main(["notify", "--at", "2023-10-01T20:00:00+07:00"]) == 0
    assert "được giao 0, sắp đến hạn 0, quá hạn 0" in capsys.readouterr().out
    assert Notification.objects.filter(user=owner).count() == 2


def test_notify_refuses_a_time_without_a_zone(world: World) -> None:
    assert main(["notify", "--at", "2023-10-01T08:00:00"]) == 2
