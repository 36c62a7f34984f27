"""`kvpt bench lessons` on the tiny seed: every search answers, as each of the bench's readers."""

from __future__ import annotations

import io

import pytest
from django.db import transaction

from kvpt.accounts.models import Membership
from kvpt.bench import lessons
from kvpt.bench import seed as seeding


@pytest.mark.django_db
def test_the_lessons_bench_measures_each_reader_and_every_search_answers() -> None:
    with transaction.atomic():
        manifest = seeding.seed("tiny", out=io.StringIO())
        report = lessons.measure(requests=1, warmup=0, manifest=manifest)
        region = Membership.objects.filter(user__username=seeding.BENCH_REGION)
        provinces = set(region.values_list("area__parent", flat=True))
        held = region.count()
        transaction.set_rollback(True)
    assert report["summary"]["errors"] == []
    readers = {"superuser", "org_admin", "province", "region"}
    assert {row["user"] for row in report["rows"]} == readers
    assert all(row["status"] == 200 for row in report["rows"])
    assert {row["tier"] for row in report["rows"]} >= {"frequent", "two words", "similar"}
    assert provinces == {None}  # the region reader holds whole provinces
    assert held == min(seeding.REGION_PROVINCES, seeding.SCALES["tiny"].provinces)
