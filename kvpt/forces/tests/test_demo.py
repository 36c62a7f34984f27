"""The demo forces of DT-KVPT-2023: the app's own totals give the seed's figures."""

from __future__ import annotations

import io

import pytest

from kvpt.accounts.models import User
from kvpt.demo.load import DemoLoader, load_demo
from kvpt.exercises.models import Exercise
from kvpt.forces.accountability import absolute_safety
from kvpt.forces.demo import load_forces_demo
from kvpt.forces.selectors import mobilisation

pytestmark = pytest.mark.django_db


def test_the_demo_forces_add_up_to_the_seed() -> None:
    load_demo(io.StringIO())
    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    load_forces_demo(DemoLoader(), exercise)
    second = DemoLoader()
    load_forces_demo(second, exercise)  # idempotent: a second run changes nothing
    assert not any(second.result.created.values())
    assert not any(second.result.updated.values())

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "forces-demo-root", password="x"
    )
    m = mobilisation(admin, exercise.pk)
    forces = {f.force.code: f for f in m.forces}
    reserve = forces["LL-DBDV"].tally
    assert reserve.rate_text == "110/110 - 100 %"
    a2 = forces["LL-TQL-A2"]
    assert a2.force.situations == ["TQL", "A2"]
    assert a2.tally.actual == 264
    assert a2.tally.vehicles == {"ô tô": 15}
    assert all(u.allocation.is_illustrative for u in a2.units)
    border = forces["LL-XNBG"].tally
    assert border.actual == 56
    assert border.size_only == ["1 trung đội (Trung đội dân quân cơ động xã Trí Nang)"]
    assert m.total.actual == 110 + 264 + 56
    assert m.total.vehicle_total == 15
    safety = absolute_safety(exercise.pk)
    assert safety.value is not False  # weapons all returned; incidents decide the rest
    assert any("Đã thu hồi đủ" in r for r in safety.reasons)
