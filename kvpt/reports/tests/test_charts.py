"""The charts page: its figures come from grouped rows, its pictures are drawn once per change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.models import Classification
from kvpt.preparation.models import BudgetCategory, BudgetLine
from kvpt.preparation.tests.tasks_helpers import make_task
from kvpt.reports import charts
from kvpt.reports.chart_data import chart_data

pytestmark = pytest.mark.django_db


def _line(world: Any, code: str, **fields: Any) -> BudgetLine:
    values: dict[str, Any] = {
        "exercise": world.exercise,
        "code": code,
        "description": f"Khoản {code}",
        "category": "works",
        "source": "district",
    }
    values.update(fields)
    return BudgetLine.objects.create(**values)


def _url(world: Any) -> str:
    return reverse("reports:charts", args=[world.exercise.pk])


def test_the_chart_figures_are_sums_over_every_row_the_reader_may_see(world: Any) -> None:
    _line(world, "W-1", estimate=100, actual=60, additional=10, settled_amount=50)
    _line(world, "W-2", estimate=200, actual=100, settled_amount=0)
    _line(world, "D-1", category="documents", estimate=30, actual=30, settled_amount=30)
    _line(world, "W-M", estimate=7, actual=7, classification=Classification.CONFIDENTIAL)
    make_task(world.exercise, "CV-01", status="done", progress=100)
    make_task(world.exercise, "CV-02")

    data = chart_data(world.bob, world.exercise)  # bob is not cleared for the Mật line
    assert [(c.estimate, c.actual, c.additional, c.settled_amount) for c in data.budget] == [
        (300, 160, 10, 50),
        (30, 30, 0, 30),
    ]
    assert [c.label for c in data.budget] == [
        str(BudgetCategory.WORKS.label),
        str(BudgetCategory.DOCUMENTS.label),
    ]
    assert [bar.done_percent for bar in data.readiness.subcommittees] == [50]
    assert data.marking == world.exercise.classification

    cleared = chart_data(world.alice, world.exercise)
    assert [c.estimate for c in cleared.budget] == [307, 30]
    assert cleared.marking == Classification.CONFIDENTIAL


def test_the_charts_page_is_marked_as_the_records_it_counts(world: Any, client_for: Any) -> None:
    _line(world, "W-M", estimate=7, actual=7, classification=Classification.CONFIDENTIAL)
    page = client_for(world.alice).get(_url(world))
    assert page.status_code == 200
    assert page.context["page_classification"] == Classification.CONFIDENTIAL


def test_an_unchanged_chart_is_not_drawn_again(
    world: Any, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[Any] = []
    real = charts.to_svg

    def counting(figure: Any) -> str:
        drawn.append(figure)
        return real(figure)

    monkeypatch.setattr(charts, "to_svg", counting)
    client = client_for(world.alice)
    _line(world, "W-1", estimate=100, actual=60)
    assert client.get(_url(world)).content.decode().count("<svg") == 4
    first = len(drawn)
    assert first == 4
    assert client.get(_url(world)).content.decode().count("<svg") == 4
    assert len(drawn) == first  # nothing changed: the four pictures come from the cache
    _line(world, "W-2", estimate=50, actual=50)
    client.get(_url(world))
    assert len(drawn) == first + 1  # only the budget chart changed


def test_the_charts_page_makes_the_same_number_of_queries_for_more_rows(
    world: Any, client_for: Any
) -> None:
    client = client_for(world.alice)
    _line(world, "W-0", estimate=1, actual=1)
    make_task(world.exercise, "CV-00")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(world)).status_code == 200
        return len(queries)

    small = count()
    for i in range(1, 20):
        _line(world, f"W-{i}", category=("works", "documents", "other")[i % 3], estimate=i)
        make_task(world.exercise, f"CV-{i:02d}", status=("todo", "done")[i % 2])
    assert count() <= small
