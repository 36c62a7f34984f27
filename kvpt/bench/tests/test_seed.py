"""The benchmark data generator: reproducible, Vietnamese, Zipf-like, makes what it reports."""

from __future__ import annotations

import io
import random
import unicodedata

import pytest
from django.db import transaction
from django.db.models import F

from kvpt.bench import seed as seeding
from kvpt.bench.vocabulary import TextMaker, names, words
from kvpt.exercises.models import Committee, Exercise, Phase
from kvpt.organisations.models import Area, AreaSuccession
from kvpt.preparation.models import BudgetLine, Document, Task, Work


def test_the_vocabulary_is_a_few_thousand_distinct_vietnamese_entries_in_nfc() -> None:
    vocabulary = words()
    assert len(vocabulary) >= 2000
    assert len({w.casefold() for w in vocabulary}) == len(vocabulary)
    assert all(unicodedata.normalize("NFC", w) == w for w in vocabulary)
    with_marks = [w for w in vocabulary if unicodedata.normalize("NFD", w) != w or "đ" in w.lower()]
    assert len(with_marks) > len(vocabulary) * 0.8  # real Vietnamese, not stripped ASCII
    assert {"diễn tập", "phòng thủ", "tiểu ban"} <= set(vocabulary)
    assert len(names()["province"]) == 34


def test_text_is_reproducible_and_zipf_like() -> None:
    first, second = TextMaker(random.Random(5)), TextMaker(random.Random(5))
    assert [first.phrase(4, 9) for _ in range(50)] == [second.phrase(4, 9) for _ in range(50)]
    maker = TextMaker(random.Random(1))
    maker.draw(50_000)
    top, middle = maker.counts[0], maker.counts[200]
    # Rank 1 is drawn about (201 + 2.7) / (1 + 2.7) ~ 55 times as often as rank 201.
    assert 25 < top / max(middle, 1) < 120


def test_tiers_name_frequent_medium_and_rare_words_with_their_counts() -> None:
    maker = TextMaker(random.Random(2))
    maker.draw(30_000)
    tiers = maker.tiers()
    frequent = [e["drawn"] for e in tiers["frequent"]]
    medium = [e["drawn"] for e in tiers["medium"]]
    rare = [e["drawn"] for e in tiers["rare"]]
    assert len(frequent) == len(medium) == len(rare) == 10
    assert min(frequent) > max(medium) > max(rare)
    assert max(rare) <= 3
    assert {e["word"] for e in tiers["frequent"]}.isdisjoint(e["word"] for e in tiers["rare"])


def _fingerprint() -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    rows += [(a.code, a.name, str(a.valid_to)) for a in Area.objects.order_by("code")]
    rows += [(e.code, e.name, str(e.start_date)) for e in Exercise.objects.order_by("code")]
    rows += [
        (t.exercise.code, t.code, t.title, t.status, str(t.due))
        for t in Task.objects.select_related("exercise").order_by("exercise__code", "code")
    ]
    return rows


def _seed_tiny() -> tuple[dict[str, object], str, list[tuple[str, ...]]]:
    out = io.StringIO()
    with transaction.atomic():
        manifest = seeding.seed("tiny", out=out)
        printed = _fingerprint()
        counts = {
            "tasks": Task.objects.filter(exercise__code="BENCH-LARGE").count(),
            "exercises": Exercise.objects.count(),
            "phases": Phase.objects.count(),
            "documents": Document.objects.count(),
            "works": Work.objects.count(),
            "budget_lines": BudgetLine.objects.count(),
            "subcommittees": Committee.objects.filter(
                exercise__code="BENCH-LARGE", kind="subcommittee"
            ).count(),
            "successions": AreaSuccession.objects.count(),
            "dangling": Task.objects.exclude(due__gte=F("start")).count(),
        }
        manifest["_counts"] = counts
        transaction.set_rollback(True)
    return manifest, out.getvalue(), printed


@pytest.mark.django_db
def test_the_tiny_seed_is_reproducible_and_makes_what_it_reports() -> None:
    manifest, output, first = _seed_tiny()
    _, _, second = _seed_tiny()
    assert first
    assert first == second
    scale = seeding.SCALES["tiny"]
    counts = manifest["_counts"]
    assert isinstance(counts, dict)
    assert counts["tasks"] == scale.bench_size.tasks  # type: ignore[union-attr]
    assert counts["exercises"] == scale.exercises + 2  # the bench exercise and its small twin
    assert counts["phases"] == 3 * counts["exercises"]
    assert counts["subcommittees"] == scale.bench_size.subcommittees  # type: ignore[union-attr]
    assert counts["successions"] >= scale.districts  # every historical district has a successor
    assert counts["dangling"] == 0  # no task is due before it starts
    steps = {s["label"]: s for s in manifest["steps"]}  # type: ignore[attr-defined]
    made = counts["documents"] + counts["works"] + counts["budget_lines"]
    assert (
        steps["preparation.Document"]["rows"]
        + steps["preparation.Work"]["rows"]
        + steps["preparation.BudgetLine"]["rows"]
        == made
    )
    assert manifest["rows"] == sum(s["rows"] for s in steps.values())
    assert "dòng/s" in output  # rows per second are printed


@pytest.mark.django_db
def test_a_step_whose_model_does_not_exist_is_skipped_with_a_note() -> None:
    seeding.pending_step("nowhere.Thing", "an extension point for a later issue")
    try:
        manifest, output, _ = _seed_tiny()
    finally:
        del seeding.STEPS["nowhere.Thing"]
    steps = {s["label"]: s for s in manifest["steps"]}  # type: ignore[attr-defined]
    assert steps["nowhere.Thing"]["status"] == "skipped: model not built yet"
    assert "nowhere.Thing" in output
    assert "an extension point for a later issue" in output


def test_a_step_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        seeding.generator_step("preparation.Task")(lambda ctx: 0)


@pytest.mark.django_db
def test_seeding_twice_into_the_same_database_is_refused() -> None:
    with transaction.atomic():
        seeding.seed("tiny", out=io.StringIO())
        with pytest.raises(seeding.AlreadySeededError):
            seeding.seed("tiny", out=io.StringIO())
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_generator_step_makes_rows_and_the_large_sizes_are_issue_7s() -> None:
    from django.apps import apps

    manifest, _, _ = _seed_tiny()
    steps = manifest["steps"]
    assert isinstance(steps, list)
    idle = [s["label"] for s in steps if s["status"] != "done" or s["rows"] <= 0]
    assert idle == [], f"steps that made no rows: {idle}"
    # Every model the issues name has a generator (no pending step left).
    for label in (
        "forces.RosterEntry",
        "forces.Force",
        "scenario.Inject",
        "scenario.ConductLogEntry",
        "review.Observation",
        "review.CorrectiveAction",
        "review.Directive",
    ):
        assert label in {s["label"] for s in steps}
        assert apps.get_model(label)
    large = seeding.LARGE
    assert (large.roster_rows, large.tasks, large.works, large.injects) == (5000, 1000, 300, 500)
    assert (large.log_entries, large.observations, large.actions) == (2000, 1000, 500)
    national = seeding.SCALES["national"]
    assert (national.provinces, national.communes, national.districts) == (34, 3300, 700)
    assert national.exercises * national.exercise_size.observations == 1_000_000


@pytest.mark.django_db
def test_the_tiny_bench_exercise_gets_each_kind_of_row_in_the_counts_its_size_names() -> None:
    from kvpt.forces.models import ForceAllocation, RosterEntry
    from kvpt.review.models import CorrectiveAction, Directive, Observation
    from kvpt.scenario.models import ConductLogEntry, Inject

    out = io.StringIO()
    size = seeding.SCALES["tiny"].bench_size
    assert size is not None
    with transaction.atomic():
        seeding.seed("tiny", out=out)
        bench = Exercise.objects.get(code="BENCH-LARGE")
        counts = {
            "roster_rows": RosterEntry.objects.filter(exercise=bench).count(),
            "tasks": Task.objects.filter(exercise=bench).count(),
            "works": Work.objects.filter(exercise=bench).count(),
            "injects": Inject.objects.filter(exercise=bench).count(),
            "log_entries": ConductLogEntry.objects.filter(exercise=bench).count(),
            "observations": Observation.objects.filter(exercise=bench).count(),
            "actions": CorrectiveAction.objects.filter(exercise=bench).count(),
            "directives": Directive.objects.filter(exercise=bench).count(),
        }
        allocations = ForceAllocation.objects.filter(exercise=bench).count()
        folded = Observation.objects.filter(exercise=bench, search_text="").count()
        offsets = Inject.objects.filter(exercise=bench, scenario_offset__isnull=True).count()
        transaction.set_rollback(True)
    assert counts == {name: getattr(size, name) for name in counts}
    assert 0 < allocations <= size.force_allocations
    assert folded == 0  # bulk inserts fill the folded search copy save() would
    assert offsets == 0  # and the injects' sortable scenario offset


@pytest.mark.django_db
def test_bulk_rows_carry_the_folded_search_copy_save_would_give_them() -> None:
    from kvpt.bench.vocabulary import fast_fold
    from kvpt.core.text import fold
    from kvpt.forces.models import RosterEntry, make_search_text
    from kvpt.review.models import Observation

    with transaction.atomic():
        seeding.seed("tiny", out=io.StringIO())
        observations = list(Observation.objects.all())
        roster = list(RosterEntry.objects.all())
        transaction.set_rollback(True)
    assert observations
    assert roster
    assert all(o.search_text == o.folded_text() for o in observations)
    assert all(r.search_text == make_search_text(r) for r in roster)
    samples = [o.observation for o in observations] + ["Đường  ĐỒNG ß ﬁ Nghệ An\tx "]
    assert [fast_fold(s) for s in samples] == [fold(s) for s in samples]
