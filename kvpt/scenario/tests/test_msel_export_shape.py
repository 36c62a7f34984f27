"""The MSEL export asks the database as many times for thirty entries as for three."""

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
from kvpt.scenario.tests.helpers import inject, situation

pytestmark = pytest.mark.django_db


def test_the_export_makes_as_many_queries_for_thirty_entries_as_for_three(
    world: World, client_for: Callable[[Any], Client]
) -> None:
    from openpyxl import load_workbook

    client = client_for(world.alice)
    url = reverse("scenario:msel_export", args=[world.exercise.pk])
    where = situation(world, "TH-1")

    def export() -> tuple[int, list[tuple[Any, ...]]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        return len(captured), list(sheet.iter_rows(min_row=3, values_only=True))

    for serial in range(1, 4):
        inject(world, serial, situation=where, to_unit=world.unit)
    export()  # the session and the user's scope, read once
    small, _rows = export()
    for serial in range(4, 31):
        inject(world, serial, situation=where if serial % 2 else None, to_text="UBND xã")
    large, rows = export()
    assert large == small
    assert len(rows) == 30
    first = rows[0]
    assert (first[0], first[5], first[7], first[9]) == (1, "TH-1", world.unit.code, "Sự kiện số 1")
    assert rows[3][7] == "UBND xã"
