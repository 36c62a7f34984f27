"""The budget export asks the database as many times for sixteen lines as for one, and keeps
the page's looks: money with thousands separators, subtotals in bold."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvpt.core.testing.world import World
from kvpt.preparation.tests.wb_helpers import make_line, make_work

pytestmark = pytest.mark.django_db


def test_the_export_makes_as_many_queries_for_more_lines_and_keeps_its_looks(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    from openpyxl import load_workbook

    client = client_for(world.alice)
    url = reverse("preparation:budget_export", args=[world.exercise.pk])
    line = make_line(world, code="A", estimate=1_500_000, actual=1_000_000)
    make_work(world, code="W-A", budget_line=line)

    def export() -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured), load_workbook(io.BytesIO(response.content)).active

    export()  # the session and the user's scope, read once
    small, _sheet = export()
    for i in range(15):
        more = make_line(world, code=f"B-{i}", category=["works", "training", "other"][i % 3])
        make_work(world, code=f"W-B-{i}", budget_line=more)
    large, sheet = export()
    assert large == small
    rows = list(sheet.iter_rows(min_row=3))
    line_row = next(r for r in rows if r[1].value == "A")
    assert line_row[5].value == 1_500_000
    assert line_row[5].number_format == "#,##0"
    assert not line_row[0].font.bold
    total = rows[-1]
    assert total[0].value == "Tổng cộng"
    assert all(cell.font.bold for cell in total)
    assert total[8].number_format == "#,##0"
    assert sheet.freeze_panes == "A3"
