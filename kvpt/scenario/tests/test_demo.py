"""The demo scenario of DT-KVPT-2023: three situations, a short MSEL each, no incidents."""

from __future__ import annotations

import io

import pytest

from kvpt.demo.load import DemoLoader, load_demo
from kvpt.exercises.models import Exercise
from kvpt.scenario.demo import load_scenario_demo
from kvpt.scenario.models import ConductLogEntry, Inject, SafetyIncident, Situation

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_seeds_situations_each_with_a_short_msel() -> None:
    load_demo(io.StringIO())
    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    load_scenario_demo(DemoLoader(), exercise)  # idempotent whether or not the lead wired it
    situations = {s.code: s for s in Situation.objects.filter(exercise=exercise)}
    assert set(situations) == {"TQL", "A2", "XNBG"}
    assert situations["A2"].kind.code == "riot"
    assert situations["A2"].lead_agency.code == "388-CA"  # type: ignore[union-attr]
    assert situations["TQL"].kind.code == "martial_law"
    assert situations["XNBG"].kind.code == "border_intrusion"
    assert not any(s.is_illustrative for s in situations.values())
    for code in situations:
        count = Inject.objects.filter(situation__code=code, situation__exercise=exercise).count()
        assert 3 <= count <= 5, code
    injects = Inject.objects.filter(exercise=exercise)
    assert all(i.is_illustrative for i in injects)
    assert all(i.status == "done" for i in injects)
    assert injects.get(serial=9).to_unit.code == "XA-TRI-NANG-DQCD"  # type: ignore[union-attr]
    assert not SafetyIncident.objects.filter(exercise=exercise).exists()
    assert ConductLogEntry.objects.filter(exercise=exercise).count() >= 3


def test_a_second_run_changes_nothing() -> None:
    load_demo(io.StringIO())
    exercise = Exercise.objects.get(code="DT-KVPT-2023")
    loader = DemoLoader()
    load_scenario_demo(loader, exercise)
    assert loader.result.total_created == 0
    assert loader.result.total_updated == 0
