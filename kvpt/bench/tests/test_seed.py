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
