"""Two people edit the same object: the second save is refused, history keeps both actors."""

from __future__ import annotations

import pytest

from kvpt.core.services import ConcurrentEditError, save_versioned
from kvpt.core.testing.world import World
from kvpt.organisations.models import Unit

pytestmark = pytest.mark.django_db


def test_the_second_of_two_edits_from_the_same_version_is_refused(world: World) -> None:
    first = Unit.objects.get(pk=world.unit.pk)
    second = Unit.objects.get(pk=world.unit.pk)
    first.name = "Đại đội 1 (sửa bởi Alice)"
    save_versioned(first, expected_version=first.version, actor=world.alice)
    second.name = "Đại đội 1 (sửa bởi Bob)"
    with pytest.raises(ConcurrentEditError) as caught:
        save_versioned(second, expected_version=1, actor=world.bob)
    assert "vừa được người khác sửa" in caught.value.messages[0]
    stored = Unit.objects.get(pk=world.unit.pk)
    assert stored.name == "Đại đội 1 (sửa bởi Alice)"
    assert stored.version == 2


def test_a_versioned_save_records_the_actor_in_history(world: World) -> None:
    unit = Unit.objects.get(pk=world.unit.pk)
    unit.strength = 110
    save_versioned(unit, expected_version=unit.version, actor=world.alice)
    latest = unit.history.first()
    assert latest is not None
    assert latest.history_user == world.alice
    assert latest.strength == 110


def test_text_is_stored_as_nfc(world: World) -> None:
    import unicodedata

    unit = Unit.objects.get(pk=world.unit.pk)
    unit.name = unicodedata.normalize("NFD", "Trung đội dân quân cơ động")
    save_versioned(unit, expected_version=unit.version, actor=world.alice)
    unit.refresh_from_db()
    assert unit.name == unicodedata.normalize("NFC", "Trung đội dân quân cơ động")
